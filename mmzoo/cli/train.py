"""`mmzoo train NAME --data ... --out DIR`: train a fusion or a zoo model and save it with its metrics.

TensorFlow is imported only in `run`, after the arguments are checked.
"""

import argparse
import os

from mmzoo.cli import arguments as cli_arguments
from mmzoo.cli import runtime
from mmzoo.cli import manifest

MODEL_FILE = "model.keras"
CHECKPOINTS = "checkpoints"
EXAMPLES = """examples:
  mmzoo train concat --data synthetic --epochs 5 --out runs/concat
  mmzoo train late --data av_mnist --epochs 10 --out runs/late --strategy auto
  mmzoo train gated --data photos.csv --image-col photo --audio-col clip --label-col label --out runs/gated
  mmzoo train trimodal_classifier --data synthetic --epochs 5 --out runs/trimodal

NAME is a fusion (concat, weighted, gated, attention, tensor, late, ...: the
branches of `mmzoo.branches.for_input` that fit the data are built for it:
conv2d on images, an LSTM on texts, a conv2d on spectrograms or a dense stack
on audio feature vectors) or a zoo classifier whose inputs are the data's
modalities (see `mmzoo list`). Training follows `mmzoo.training.recipe`, as
`mmzoo demo` does: Adam with a cosine-decayed learning rate, batch 64.
DIR receives model.keras (with model.text.vocab.json when the data has texts,
model.preprocessing.json for a manifest), history.json, metrics.json and
checkpoints/. Running the same command again after a crash resumes an
unfinished run; a finished or unrelated folder is never overwritten.
"""


def add_parser(subcommands):
    """Adds the `train` subcommand.

    Args:
        subcommands: The `add_subparsers` object of the `mmzoo` parser.
    """
    parser = subcommands.add_parser(
        "train", help="train a fusion or a zoo model on bundled data or a manifest",
        description="Trains a model and saves it, its history and its test metrics.", epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", metavar="NAME", help="a fusion or a zoo classifier (see `mmzoo list`)")
    cli_arguments.add_data_options(parser)
    parser.add_argument("--epochs", type=cli_arguments.positive_int, default=10, help="training epochs (default: 10)")
    parser.add_argument("--out", required=True, metavar="DIR", help="new folder for the model and its files")
    parser.add_argument("--strategy", default="auto",
                        help="distribution strategy: auto, default, mirrored, multi_worker or tpu (default: auto)")
    parser.add_argument("--batch-size", type=cli_arguments.positive_int, default=64,
                        help="samples per device and step (default: 64)")
    parser.add_argument("--seed", type=cli_arguments.non_negative_int, default=0, help="random seed (default: 0)")
    parser.set_defaults(run=run)


def resumable(folder):
    """Whether a folder holds an unfinished `mmzoo train` run (checkpoints, no model yet)."""
    return os.path.isdir(os.path.join(folder, CHECKPOINTS)) and not os.path.exists(os.path.join(folder, MODEL_FILE))


def check(arguments):
    """Checks the arguments that need no TensorFlow.

    Args:
        arguments: The parsed arguments.

    Returns:
        The `manifest.Columns` of a manifest, or None for bundled data.

    Raises:
        UsageError: bad data source, columns or output folder.
    """
    cli_arguments.check_data(arguments.data)
    if not resumable(arguments.out):
        cli_arguments.check_new_path(arguments.out)
    if arguments.data in cli_arguments.BUNDLED_DATA:
        return None
    columns = manifest.Columns.from_arguments(arguments)
    manifest.check_columns(manifest.read_manifest(arguments.data), columns, arguments.data)
    return columns


def run(arguments):
    """Trains the model and writes its folder.

    Args:
        arguments: The parsed arguments.

    Raises:
        UsageError: a bad argument, or a model that does not fit the data.
    """
    columns = check(arguments)
    runtime.load_tensorflow()
    from mmzoo.cli import training_job

    training_job.check_strategy(arguments.strategy)
    training_job.train(arguments, columns)
