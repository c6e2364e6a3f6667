"""The export report: file size and test accuracy of each export format vs the Keras model."""

import os

import numpy as np
import pandas as pd
import tensorflow as tf

from mmzoo._deprecation import renamed_arguments
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.heads import predicted_classes
from mmzoo.export._data import check_model, input_arrays, input_names
from mmzoo.export._files import size_in_bytes
from mmzoo.export.formats import FORMATS, export_model, load_keras
from mmzoo.export.predictor import TFLitePredictor
from mmzoo.heads import prediction_layers

COLUMNS = ("format", "file", "size_bytes", "size_vs_float32", "accuracy", "accuracy_change",
           "agreement", "max_abs_difference")


@renamed_arguments(test_data="data")
def export_report(model, data, directory, representative_data=None, formats=FORMATS,
                  batch_size=256, overwrite=False, file_names=None):
    """Exports a classifier in several formats and measures each on a test split.

    Args:
        model: A `build_model` model with one "multiclass" or "binary" output.
        data: A tuple `(inputs, labels)`: a dict of arrays keyed by
            input name and the integer class labels.
        directory: Existing folder to write the exports to, named
            `<model name>.keras`, `<model name>_saved_model` and
            `<model name>_<quantization>.tflite`.
        representative_data: Training inputs `{input name: array}`,
            required when `formats` holds "tflite_int8".
        formats: The formats to export, a sequence of `FORMATS` entries.
        batch_size: Batch size of the predictions.
        overwrite: Whether existing exports in `directory` may be replaced.
        file_names: Optional `{format: file or folder name}` in `directory`
            replacing the default names above, e.g. `{"tflite_int8":
            "model_int8.tflite"}`.

    Returns:
        A `pandas.DataFrame` with one row per format and the columns
        `format`, `file`, `size_bytes`, `size_vs_float32` (size over that of
        the "tflite_float32" export, NaN without it), `accuracy`,
        `accuracy_change` (in points, vs the Keras model in memory),
        `agreement` (share of test samples given the same class as the Keras
        model) and `max_abs_difference` (largest difference of an output
        probability). `report.attrs["keras_accuracy"]` holds the Keras
        model's accuracy.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        ConfigurationError: the model is not a single-output classifier, a
            format is unknown, `directory` does not exist, or an export
            fails (see `export_model`).
    """
    check_model(model)
    task = _classification_task(model)
    if not isinstance(data, tuple) or len(data) != 2:
        raise ArgumentTypeError(
            "`data` must be a tuple (inputs, labels). "
            f"Received: data of type {type(data).__name__}"
        )
    inputs = input_arrays(data[0], input_names(model), "data")
    labels = np.asarray(data[1]).reshape(-1)
    if len(labels) != len(next(iter(inputs.values()))):
        raise ConfigurationError(
            "`data` needs one label per sample. "
            f"Received: data with {len(next(iter(inputs.values())))} samples and {len(labels)} labels"
        )
    unknown = [name for name in formats if name not in FORMATS]
    if isinstance(formats, str) or unknown or not formats:
        raise ConfigurationError(f"`formats` must be a non-empty sequence of {FORMATS}. Received: formats={formats!r}")
    if not os.path.isdir(directory):
        raise ConfigurationError(f"`directory` must be an existing folder. Received: directory={directory!r}")
    if file_names is not None and (not isinstance(file_names, dict) or set(file_names) - set(formats)):
        raise ConfigurationError(
            f"`file_names` must be a dict keyed by names of `formats` ({list(formats)}). "
            f"Received: file_names={file_names!r}"
        )
    file_names = {name: _file_name(model.name, name) for name in formats} | (file_names or {})

    reference = np.asarray(model.predict(inputs, batch_size=batch_size, verbose=0))
    keras_accuracy = _accuracy(reference, labels, task)
    rows = []
    for name in formats:
        path = export_model(model, os.path.join(os.fspath(directory), file_names[name]), name,
                            representative_data=representative_data if name == "tflite_int8" else None,
                            overwrite=overwrite)
        predictions = _predict_artifact(name, path, inputs, batch_size)
        accuracy = _accuracy(predictions, labels, task)
        rows.append({
            "format": name,
            "file": os.path.basename(path),
            "size_bytes": size_in_bytes(path),
            "accuracy": accuracy,
            "accuracy_change": 100 * (accuracy - keras_accuracy),
            "agreement": float(np.mean(predicted_classes(predictions, task) == predicted_classes(reference, task))),
            "max_abs_difference": float(np.max(np.abs(predictions - reference))),
        })
    report = pd.DataFrame(rows)
    float_size = report.loc[report["format"] == "tflite_float32", "size_bytes"]
    report["size_vs_float32"] = report["size_bytes"] / float_size.iloc[0] if len(float_size) else np.nan
    report = report[list(COLUMNS)]
    report.attrs["keras_accuracy"] = keras_accuracy
    return report


def report_markdown(report):
    """Renders an `export_report` DataFrame as a Markdown table.

    Args:
        report: The DataFrame returned by `export_report`.

    Returns:
        A Markdown string: the Keras model's accuracy, then one table row
        per format.
    """
    if not isinstance(report, pd.DataFrame) or "keras_accuracy" not in report.attrs:
        raise ArgumentTypeError(
            f"`report` must be the DataFrame `export_report` returns. Received: report={report!r}"
        )
    lines = [
        f"Keras model test accuracy: {report.attrs['keras_accuracy']:.4f}",
        "",
        "| format | file | size (KiB) | size vs float32 | accuracy | change (points) | agreement | max abs diff |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report.itertuples(index=False):
        lines.append(
            f"| {row.format} | {row.file} | {row.size_bytes / 1024:.1f} | {row.size_vs_float32:.1%} "
            f"| {row.accuracy:.4f} | {row.accuracy_change:+.2f} | {row.agreement:.4f} "
            f"| {row.max_abs_difference:.2g} |"
        )
    return "\n".join(lines) + "\n"


def _classification_task(model):
    layers = prediction_layers(model)
    tasks = [layer.task for layer in layers.values()]
    if len(model.outputs) != 1 or tasks not in (["multiclass"], ["binary"]):
        raise ConfigurationError(
            "The export report measures accuracy of a model with one multiclass or binary "
            f"output (mmzoo.heads). Received: model={model.name!r} with output tasks {tasks}"
        )
    return tasks[0]


def _file_name(model_name, format_name):
    if format_name == "keras":
        return f"{model_name}.keras"
    if format_name == "saved_model":
        return f"{model_name}_saved_model"
    return f"{model_name}_{format_name[len('tflite_'):]}.tflite"


def _predict_artifact(format_name, path, inputs, batch_size):
    if format_name == "keras":
        model, _ = load_keras(path)
        return np.asarray(model.predict(inputs, batch_size=batch_size, verbose=0))
    if format_name == "saved_model":
        loaded = tf.saved_model.load(path)  # Kept alive: `serve` only references its variables.
        count = len(next(iter(inputs.values())))
        return np.concatenate([
            loaded.serve({name: array[start:start + batch_size] for name, array in inputs.items()}).numpy()
            for start in range(0, count, batch_size)
        ])
    return TFLitePredictor(path).predict(inputs, batch_size=batch_size)


def _accuracy(probabilities, labels, task):
    return float(np.mean(predicted_classes(probabilities, task) == labels))
