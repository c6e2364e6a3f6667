"""CSV manifests: reading them and checking their columns, without TensorFlow."""

import dataclasses
import os

from mmzoo.cli.arguments import UsageError

SPLIT_COLUMN = "split"
SPLITS = ("train", "validation", "test")
MODALITIES = ("image", "text", "audio")


@dataclasses.dataclass(frozen=True)
class Columns:
    """The manifest columns of each modality and of the labels.

    Attributes:
        image: Column of image paths, or None.
        text: Column of texts, or None.
        audio: Column of audio paths, or None.
        label: Column of class labels.
    """

    image: str = None
    text: str = None
    audio: str = None
    label: str = "label"

    @classmethod
    def from_arguments(cls, arguments, saved=None):
        """Returns the columns named on the command line, completed by those saved with a model.

        Args:
            arguments: Parsed arguments with `image_col`, `text_col`,
                `audio_col` and `label_col`.
            saved: Dict of the columns a model was trained on, or None.

        Returns:
            A `Columns`.
        """
        saved = saved or {}
        given = {modality: getattr(arguments, f"{modality}_col") for modality in MODALITIES
                 if getattr(arguments, f"{modality}_col")}
        modalities = given or {modality: saved[modality] for modality in MODALITIES if saved.get(modality)}
        return cls(label=arguments.label_col or saved.get("label") or "label", **modalities)

    def modalities(self):
        """Returns `{modality: column}` of the modalities given."""
        return {modality: getattr(self, modality) for modality in MODALITIES if getattr(self, modality)}


def read_manifest(path):
    """Reads a manifest CSV with pandas.

    Args:
        path: The CSV file.

    Returns:
        A `pandas.DataFrame`.

    Raises:
        UsageError: the file cannot be read or parsed, or has no row.
    """
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise UsageError(f"cannot read the manifest {path!r}: {reason}") from error
    if frame.empty:
        raise UsageError(f"the manifest {path!r} has no row")
    return frame


def check_columns(frame, columns, path):
    """Checks that a manifest has the columns asked for.

    Args:
        frame: The manifest `DataFrame`.
        columns: A `Columns`.
        path: The manifest path, for messages.

    Raises:
        UsageError: no modality column is given, or a column is missing;
            the message lists the manifest's columns.
    """
    if not columns.modalities():
        raise UsageError(f"name the input columns of {path!r} with --image-col, --text-col and/or --audio-col "
                         f"(its columns: {list(frame.columns)})")
    options = {"image": "--image-col", "text": "--text-col", "audio": "--audio-col", "label": "--label-col"}
    for key, option in options.items():
        column = getattr(columns, key)
        if column and column not in frame.columns:
            raise UsageError(f"{option} {column!r} is not a column of {path!r} (its columns: {list(frame.columns)})")
    if SPLIT_COLUMN in frame.columns:
        unknown = sorted(set(frame[SPLIT_COLUMN].astype(str)) - set(SPLITS))
        if unknown:
            raise UsageError(f"the {SPLIT_COLUMN!r} column of {path!r} must hold {list(SPLITS)}, "
                             f"received {unknown}")


def split_rows(frame, split):
    """Returns the positions of a split's rows.

    With a "split" column, the rows that name the split; otherwise a fixed
    shuffle (seed 0) puts 80% of the rows in "train", 10% in "validation"
    and 10% in "test", the same on every call.

    Args:
        frame: The manifest `DataFrame`.
        split: "train", "validation" or "test".

    Returns:
        A sorted list of row positions (may be empty).
    """
    import numpy as np

    if SPLIT_COLUMN in frame.columns:
        return [int(i) for i in np.flatnonzero(frame[SPLIT_COLUMN].astype(str).to_numpy() == split)]
    order = np.random.default_rng(0).permutation(len(frame))
    held_out = int(round(0.1 * len(frame)))
    bounds = {"test": (0, held_out), "validation": (held_out, 2 * held_out), "train": (2 * held_out, len(frame))}
    start, stop = bounds[split]
    return sorted(int(i) for i in order[start:stop])


def base_dir(path):
    """Returns the folder a manifest's relative paths are resolved against: the CSV's own."""
    return os.path.dirname(os.path.abspath(path))
