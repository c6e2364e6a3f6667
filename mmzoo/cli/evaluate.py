"""`mmzoo evaluate MODEL.keras --data ...`: the evaluation report of a saved model on one split.

TensorFlow is imported only in `run`, after the arguments are checked.
"""

import argparse

from mmzoo.cli import arguments as cli_arguments
from mmzoo.cli import runtime
from mmzoo.cli import model_arguments

EXAMPLES = """examples:
  mmzoo evaluate runs/concat/model.keras --data synthetic
  mmzoo evaluate runs/demo/best_model.keras --data av_mnist --split validation --out report.json
  mmzoo evaluate runs/gated/model.keras --data photos.csv      # columns as in training

For a manifest, the columns and decoding saved next to the model by `mmzoo
train` (model.preprocessing.json) are used unless --image-col etc. are given.
"""


def add_parser(subcommands):
    """Adds the `evaluate` subcommand.

    Args:
        subcommands: The `add_subparsers` object of the `mmzoo` parser.
    """
    parser = subcommands.add_parser(
        "evaluate", help="evaluate a saved model on a data split",
        description="Prints the metrics of a saved model on one split: accuracy, macro F1, per-class table and "
        "confusion matrix.", epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    model_arguments.add_model_options(parser)
    parser.add_argument("--split", choices=("train", "validation", "test"), default="test",
                        help="the split to evaluate on (default: test)")
    parser.add_argument("--out", metavar="FILE.json", help="also write the report as JSON to this new file")
    parser.add_argument("--batch-size", type=cli_arguments.positive_int, default=256,
                        help="prediction batch size (default: 256)")
    parser.set_defaults(run=run)


def run(arguments):
    """Evaluates the model and prints (and optionally writes) the report.

    Args:
        arguments: The parsed arguments.

    Raises:
        UsageError: a bad argument or data that does not fit the model.
    """
    columns, preprocessing = model_arguments.check(arguments)
    if arguments.out:
        cli_arguments.check_new_path(arguments.out)
    runtime.load_tensorflow()
    from mmzoo.cli import evaluation_job

    evaluation_job.evaluate(arguments, columns, preprocessing)
