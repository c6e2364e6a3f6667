"""`mmzoo export MODEL.keras --format ... --data ... --out PATH`: export a saved model and measure the export.

TensorFlow is imported only in `run`, after the arguments are checked.
"""

import argparse

from mmzoo.cli import arguments as cli_arguments
from mmzoo.cli import runtime
from mmzoo.cli import model_arguments

FORMATS = {
    "keras": "keras",
    "saved_model": "saved_model",
    "tflite-float32": "tflite_float32",
    "tflite-float16": "tflite_float16",
    "tflite-dynamic": "tflite_dynamic_range",
    "tflite-int8": "tflite_int8",
}
"""Command-line format name -> `mmzoo.export.FORMATS` name."""
EXAMPLES = """examples:
  mmzoo export runs/concat/model.keras --format tflite-int8 --data synthetic --out concat_int8.tflite
  mmzoo export runs/demo/best_model.keras --format saved_model --data av_mnist --out serving/demo
  mmzoo export runs/gated/model.keras --format tflite-float16 --data photos.csv --out gated.tflite

The export's size and its test accuracy next to the Keras model's are
printed. tflite-int8 calibrates on samples of the training split.
"""


def add_parser(subcommands):
    """Adds the `export` subcommand.

    Args:
        subcommands: The `add_subparsers` object of the `mmzoo` parser.
    """
    parser = subcommands.add_parser(
        "export", help="export a saved model to .keras, SavedModel or TFLite",
        description="Exports a saved model and prints its size and test accuracy against the Keras model.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    model_arguments.add_model_options(parser)
    parser.add_argument("--format", required=True, choices=tuple(FORMATS), help="the export format")
    parser.add_argument("--out", required=True, metavar="PATH",
                        help="new file (.keras, .tflite) or folder (saved_model) to write")
    parser.set_defaults(run=run)


def run(arguments):
    """Exports the model and prints the size/accuracy report.

    Args:
        arguments: The parsed arguments.

    Raises:
        UsageError: a bad argument or data that does not fit the model.
    """
    columns, preprocessing = model_arguments.check(arguments)
    cli_arguments.check_new_path(arguments.out)
    extension = {"keras": ".keras", "saved_model": ""}.get(arguments.format, ".tflite")
    if extension and not arguments.out.endswith(extension):
        raise cli_arguments.UsageError(f"--out for --format {arguments.format} must end in {extension!r}, "
                                       f"received {arguments.out!r}")
    runtime.load_tensorflow()
    from mmzoo.cli import export_job

    export_job.export_one(arguments, FORMATS[arguments.format], columns, preprocessing)
