"""`mmzoo export MODEL.keras --format ... --data ... --out PATH`: export a saved model and measure the export.

TensorFlow is imported only in `run`, after the arguments are checked.
"""

import os

from mmzoo.cli import common

FORMATS = {
    "keras": "keras",
    "saved_model": "saved_model",
    "tflite-float32": "tflite_float32",
    "tflite-float16": "tflite_float16",
    "tflite-dynamic": "tflite_dynamic_range",
    "tflite-int8": "tflite_int8",
}
"""Command-line format name -> `mmzoo.export.FORMATS` name."""
SUMMARY = "export a saved model to .keras, SavedModel or TFLite"
DESCRIPTION = "Exports a saved model and prints its size and test accuracy against the Keras model."
EXAMPLES = """examples:
  mmzoo export runs/concat/model.keras --format tflite-int8 --data synthetic --out concat_int8.tflite
  mmzoo export runs/demo/best_model.keras --format saved_model --data av_mnist --out serving/demo
  mmzoo export runs/gated/model.keras --format tflite-float16 --data photos.csv --out gated.tflite

The export's size and its test accuracy next to the Keras model's are
printed. tflite-int8 calibrates on samples of the training split. A .keras
export keeps the model's vocabulary and decoding settings beside it.
"""


def add_arguments(parser):
    """Adds the arguments of `mmzoo export`.

    Args:
        parser: The subcommand's parser.
    """
    common.add_model_options(parser)
    parser.add_argument("--format", required=True, choices=tuple(FORMATS), help="the export format")
    parser.add_argument("--out", required=True, metavar="PATH",
                        help="new file (.keras, .tflite) or folder (saved_model) to write")


def check(arguments):
    """Checks the arguments that need no TensorFlow.

    Args:
        arguments: The parsed arguments.

    Raises:
        UsageError: a missing model, a bad data source, an existing --out or
            one whose extension does not fit --format.
    """
    common.check_model_file(arguments.model)
    common.check_data(arguments.data)
    common.check_new_path(arguments.out)
    extension = {"keras": ".keras", "saved_model": ""}.get(arguments.format, ".tflite")
    if extension and not arguments.out.endswith(extension):
        raise common.UsageError(f"--out for --format {arguments.format} must end in {extension!r}, "
                                f"received {arguments.out!r}")


def run(arguments):
    """Exports the model to --out, measured on the test split, and prints the size/accuracy report.

    Args:
        arguments: The parsed arguments.

    Raises:
        UsageError: a bad argument or data that does not fit the model.
    """
    check(arguments)
    common.load_tensorflow()
    from mmzoo import export
    from mmzoo.preprocessing import save_vectorizer
    from mmzoo._arrays import to_arrays

    format_name = FORMATS[arguments.format]
    splits = ("train", "test") if format_name == "tflite_int8" else ("test",)
    model, vectorizers, decoding, data, _ = common.load_model_and_data(arguments, splits)
    common.make_parent(arguments.out)
    report = export.export_report(
        model, to_arrays(data["test"]), os.path.dirname(os.path.abspath(arguments.out)), formats=(format_name,),
        representative_data=to_arrays(data["train"])[0] if "train" in data else None,
        file_names={format_name: os.path.basename(arguments.out)})
    if format_name == "keras" and "text" in vectorizers:
        save_vectorizer(vectorizers["text"], export.vocabulary_path(arguments.out, "text"))
    if format_name == "keras" and decoding is not None:
        decoding.save(arguments.out)
    print(export.report_markdown(report))
    print(f"Wrote {arguments.out}")
