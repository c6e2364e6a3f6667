"""Helpers shared by the benches: argument types, Markdown tables, statistics and result files.

The benches run as scripts (`python bench/NAME.py`), so they import this
module as a sibling: `from bench_common import ...`.
"""

import argparse
import os
import pathlib
import platform
import shlex
import statistics

import keras
import numpy as np
import tensorflow as tf

from mmzoo._files import atomic_write

RESULTS_DIR = pathlib.Path(__file__).with_name("results")


def positive_int(text):
    """An argparse type: an integer of at least 1."""
    return _integer(text, minimum=1, meaning="a positive integer")


def non_negative_int(text):
    """An argparse type: an integer of at least 0."""
    return _integer(text, minimum=0, meaning="a non-negative integer")


def _integer(text, minimum, meaning):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {meaning}. Received: {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be {meaning}. Received: {text!r}")
    return value


def check_distinct(parser, option, values):
    """Ends the program with an argparse error if `values` of `option` repeat one."""
    repeated = sorted({value for value in values if values.count(value) > 1}, key=str)
    if repeated:
        parser.error(f"argument {option}: values must be distinct. Received repeated: "
                     f"{', '.join(map(str, repeated))}")


def mean_and_std(values):
    """Returns the mean and the sample standard deviation of `values`.

    Args:
        values: A non-empty sequence of numbers.

    Returns:
        `(mean, std)`; `std` is None for a single value (undefined).

    Raises:
        ValueError: `values` is empty.
    """
    values = [float(value) for value in values]
    if not values:
        raise ValueError("`values` must hold at least one number. Received: values=[]")
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else None


def markdown_table(header, rows, align=None):
    """Formats a Markdown table.

    Args:
        header: The column titles.
        rows: Sequences of cell strings, as many as `header`.
        align: Optional string of one character per column, "l" or "r".

    Returns:
        The table as one string, without a final newline.

    Raises:
        ValueError: a row or `align` does not have one entry per column.
    """
    if align is None:
        align = "l" * len(header)
    if len(align) != len(header) or set(align) - {"l", "r"}:
        raise ValueError(f"`align` must have one 'l' or 'r' per column ({len(header)}). Received: align={align!r}")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"Each row must have {len(header)} cells, one per column. Received: row={list(row)!r}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def command(script, arguments):
    """The shell line that runs a bench: `python bench/NAME.py ARGUMENTS`.

    Args:
        script: The bench's file (its `__file__`).
        arguments: Its command-line arguments, without the program name.
    """
    return shlex.join(["python", f"bench/{pathlib.Path(script).name}", *arguments])


def machine(*extra):
    """Describes the machine and the versions, e.g. "2 CPU cores (x86_64), Python 3.11.9, TensorFlow 2.21.0, ...".

    Args:
        *extra: More `(name, version)` pairs to list.
    """
    versions = [("Python", platform.python_version()), ("TensorFlow", tf.__version__),
                ("Keras", keras.__version__), ("NumPy", np.__version__), *extra]
    return f"{os.cpu_count()} CPU cores ({platform.machine()}), " + ", ".join(f"{n} {v}" for n, v in versions)


def write_results(path, text):
    """Writes a results file atomically (a temporary file renamed over `path`) and says where."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda temporary: pathlib.Path(temporary).write_text(text, encoding="utf-8"))
    print(f"\nWritten to {path}")


def clip_bpe_vocabulary(words):
    """A small byte-pair vocabulary in which each of `words` is one token, for a random CLIP's tokenizer.

    Args:
        words: the words a text may use (lower case letters).

    Returns:
        `(vocabulary, merges)` for `keras_hub.tokenizers.CLIPTokenizer`: every
        letter alone and word-final, the merges that join each word's letters
        from left to right, and CLIP's two special tokens with the largest ids
        (keras-hub's CLIP pools a text at its largest id).
    """
    characters = sorted({character for word in words for character in word})
    vocabulary = {}
    for token in [*characters, *[f"{character}</w>" for character in characters]]:
        vocabulary.setdefault(token, len(vocabulary))
    merges = []
    for word in words:
        symbols = [*word[:-1], f"{word[-1]}</w>"]
        while len(symbols) > 1:
            merge = f"{symbols[0]} {symbols[1]}"
            if merge not in merges:
                merges.append(merge)
            symbols = [symbols[0] + symbols[1], *symbols[2:]]
            vocabulary.setdefault(symbols[0], len(vocabulary))
    for special in ("<|startoftext|>", "<|endoftext|>"):
        vocabulary[special] = len(vocabulary)
    return vocabulary, merges
