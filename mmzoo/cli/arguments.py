"""Checks of command-line values that need no TensorFlow, run before any heavy work."""

import argparse
import os

from mmzoo.errors import ConfigurationError

BUNDLED_DATA = ("av_mnist", "synthetic")


class UsageError(ConfigurationError):
    """A command-line value mmzoo cannot work with (exit status 2)."""


def positive_int(text):
    """Parses a positive integer for argparse.

    Args:
        text: The command-line value.

    Returns:
        The integer.

    Raises:
        argparse.ArgumentTypeError: `text` is not an integer of at least 1.
    """
    return _integer_at_least(text, 1, "a positive integer")


def non_negative_int(text):
    """Parses an integer of at least 0 for argparse (e.g. a seed).

    Args:
        text: The command-line value.

    Returns:
        The integer.

    Raises:
        argparse.ArgumentTypeError: `text` is not an integer of at least 0.
    """
    return _integer_at_least(text, 0, "a non-negative integer")


def _integer_at_least(text, minimum, meaning):
    try:
        value = int(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be {meaning}, received {text!r}")
    return value


def check_new_path(path, option="--out"):
    """Refuses an output path that exists already (mmzoo never overwrites).

    Args:
        path: The output file or folder.
        option: The option that named it, for the message.

    Raises:
        UsageError: `path` exists, or a part of its parent path is a file.
    """
    if os.path.lexists(path):
        raise UsageError(f"{option} {path!r} exists already; choose a new path (mmzoo does not overwrite)")
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.lexists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise UsageError(f"{option} {path!r}: {parent!r} is a file, not a folder")


def check_model_file(path):
    """Checks that a saved model file exists and is a `.keras` file.

    Args:
        path: The model path given on the command line.

    Raises:
        UsageError: `path` is not an existing `.keras` file.
    """
    if not str(path).endswith(".keras"):
        raise UsageError(f"MODEL must be a .keras file, received {path!r}")
    if not os.path.isfile(path):
        raise UsageError(f"model file {path!r} does not exist")


def check_data(source):
    """Checks a `--data` value: a bundled dataset name or a readable CSV manifest.

    Args:
        source: "av_mnist", "synthetic" or the path of a CSV file.

    Raises:
        UsageError: neither a bundled name nor a readable `.csv` file.
    """
    if source in BUNDLED_DATA:
        return
    if not source.endswith(".csv"):
        raise UsageError(f"--data must be one of {list(BUNDLED_DATA)} or a manifest .csv file, received {source!r}")
    if not os.path.isfile(source):
        raise UsageError(f"--data manifest {source!r} does not exist")
    if not os.access(source, os.R_OK):
        raise UsageError(f"--data manifest {source!r} is not readable")


def add_data_options(parser):
    """Adds `--data` and the manifest column options to a subcommand.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument(
        "--data", required=True, metavar="SOURCE",
        help="'av_mnist' (bundled audio-visual digits), 'synthetic' (generated image + text + audio) or a "
             "manifest CSV with one row per sample; a 'split' column (train/validation/test) chooses the "
             "split of each row, otherwise a fixed 80/10/10 shuffle does")
    group = parser.add_argument_group("manifest columns (CSV data only; paths relative to the CSV)")
    group.add_argument("--image-col", metavar="C", help="column of image file paths (PNG, JPEG, ...)")
    group.add_argument("--text-col", metavar="C", help="column of texts")
    group.add_argument("--audio-col", metavar="C", help="column of audio file paths (WAV, FLAC, ...)")
    group.add_argument("--label-col", metavar="C", help="column of class labels (default: label)")
