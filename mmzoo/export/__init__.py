"""Export for deployment: `.keras`, SavedModel and TFLite, a TFLite predictor, a size/accuracy report.

    >>> from mmzoo import export
    >>> export.save_keras(model, "model.keras", vectorizers={"text": vectorizer})
    >>> export.export_saved_model(model, "model_saved_model")
    >>> export.export_tflite(model, "model_int8.tflite", quantization="int8",
    ...                      representative_data=train_inputs)
    >>> export.TFLitePredictor("model_int8.tflite").predict({"image": x, "audio": a})
    >>> report = export.export_report(model, (test_inputs, test_labels), "exports",
    ...                               representative_data=train_inputs)
    >>> print(export.report_markdown(report))

Every file is written under a temporary name next to its destination and
renamed when complete, so no reader sees a half-written export; an existing
destination is only replaced with `overwrite=True`.
"""

from mmzoo.export.formats import FORMATS, export_model, export_saved_model, load_keras, save_keras, vocabulary_path
from mmzoo.export.predictor import TFLitePredictor
from mmzoo.export.report import export_report, report_markdown
from mmzoo.export.tflite import QUANTIZATIONS, export_tflite

__all__ = [
    "FORMATS", "QUANTIZATIONS", "export_model", "save_keras", "load_keras", "vocabulary_path",
    "export_saved_model", "export_tflite", "TFLitePredictor", "export_report", "report_markdown",
]
