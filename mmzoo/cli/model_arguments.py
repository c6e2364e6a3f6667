"""Checks of `evaluate` and `export` arguments (a saved model and its data), without TensorFlow."""

import os

from mmzoo.cli import arguments as cli_arguments
from mmzoo.cli import manifest
from mmzoo.cli.settings import Preprocessing, preprocessing_path


def add_model_options(parser):
    """Adds MODEL, `--data` and the manifest column options.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("model", metavar="MODEL.keras", help="a model saved by `mmzoo train` or `mmzoo demo`")
    cli_arguments.add_data_options(parser)


def check(arguments):
    """Checks the model file and the data, reading the model's saved preprocessing.

    Args:
        arguments: Parsed arguments with `model`, `data` and the columns.

    Returns:
        A tuple `(columns, preprocessing)`: the manifest `Columns` and the
        `Preprocessing` to decode it with (saved next to the model, or the
        defaults), both None for bundled data.

    Raises:
        UsageError: a missing model file, a bad data source or column.
    """
    cli_arguments.check_model_file(arguments.model)
    cli_arguments.check_data(arguments.data)
    if arguments.data in cli_arguments.BUNDLED_DATA:
        return None, None
    saved = preprocessing_path(arguments.model)
    preprocessing = Preprocessing.load(saved) if os.path.isfile(saved) else None
    columns = manifest.Columns.from_arguments(arguments, saved=preprocessing.columns if preprocessing else None)
    manifest.check_columns(manifest.read_manifest(arguments.data), columns, arguments.data)
    return columns, preprocessing
