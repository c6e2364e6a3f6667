"""The rows of a manifest in training, validation and test splits."""

import numpy as np
import pandas as pd

from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value

SPLITS = ("train", "validation", "test")
SPLIT_COLUMN = "split"
HELD_OUT = 0.1
"""Share of the rows each of "validation" and "test" receives when no column names the splits."""


def split(df, column=SPLIT_COLUMN, seed=0):
    """Splits the rows of a manifest into "train", "validation" and "test".

    When `df` has `column`, each row goes to the split it names. Otherwise a
    fixed shuffle (`seed`) puts 10% of the rows (rounded) in "test", the next
    10% in "validation" and the rest in "train": the same rows on every call,
    so that a model is judged on rows it never trained on.

    Example:
        >>> parts = mmzoo.datasets.split(pd.read_csv("photos.csv"))
        >>> train = mmzoo.datasets.from_dataframe(parts["train"], image="photo", label="label")

    Args:
        df: `pandas.DataFrame`, one row per sample.
        column: Name of the column of split names ("train", "validation" or
            "test"), used when `df` has it.
        seed: Seed of the shuffle used without `column`.

    Returns:
        A dict `{"train": DataFrame, "validation": DataFrame, "test":
        DataFrame}` of the rows of each split, in the order of `df` (a split
        may be empty).

    Raises:
        ArgumentTypeError: If `df` is not a DataFrame.
        ConfigurationError: If `column` holds a value that is not a split
            name.
    """
    if not isinstance(df, pd.DataFrame):
        raise ArgumentTypeError(f"`df` must be a pandas DataFrame. Received: df={describe_value(df)}")
    if column in df.columns:
        names = df[column].astype(str).to_numpy()
        unknown = sorted(set(names) - set(SPLITS))
        if unknown:
            raise ConfigurationError(
                f"The {column!r} column must hold split names {list(SPLITS)}. Received: {column} values {unknown}"
            )
        return {name: df.iloc[np.flatnonzero(names == name)] for name in SPLITS}
    order = np.random.default_rng(seed).permutation(len(df))
    held_out = int(round(HELD_OUT * len(df)))
    bounds = {"test": (0, held_out), "validation": (held_out, 2 * held_out), "train": (2 * held_out, len(df))}
    return {name: df.iloc[np.sort(order[slice(*bounds[name])])] for name in SPLITS}
