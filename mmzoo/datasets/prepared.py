"""Manifests prepared once as sharded TFRecord files, read back as `tf.data` many times.

A manifest of 100,000 files costs a full decode on every epoch when it is
read with `from_dataframe`. `prepare` decodes it once, with the same
settings and checks, and writes the features into shards of
`rows_per_shard` rows; `from_prepared` streams them back with a parallel
`interleave`, so memory stays flat whatever the number of rows, and
multi-worker training (`tf.distribute`) gives each worker its own shards
(`tf.data` auto-sharding by file).

The folder is safe to interrupt: each shard is written under a temporary
name and renamed when complete, and its name holds a fingerprint of its
rows and decoding settings; `metadata.json`, written last, is what makes
the folder readable. Running `prepare` again with the same manifest skips
the shards already written and writes the rest; after a change of rows or
settings, the shards whose rows or settings changed are written again (all
of them after a change of settings; from the first added or dropped row on
after such a change).
"""

import contextlib
import hashlib
import json
import os
import pathlib
import time
import warnings

import numpy as np
import pandas as pd
import tensorflow as tf

from mmzoo.datasets.columns import LabelColumn
from mmzoo.datasets.dataframe import BadRow, BadRowsError, _describe, _vectorize_text, from_dataframe
from mmzoo.errors import ArgumentTypeError, ConfigurationError, DamagedFileError, describe_value
from mmzoo._checks import check_choice, check_positive_int
from mmzoo._files import atomic_write, read_json, reading, write_json

METADATA = "metadata.json"
PLAN = "plan.json"
DEFAULT_ROWS_PER_SHARD = 1024
FORMAT = "mmzoo-prepared/2"
"""Version 2 stores each row as a `tf.train.Example` of raw tensor bytes, parsed a batch at a time (version 1:
one serialized tensor per row, parsed row by row, 0.5-0.6x the rows/s of a hand-written image pipeline)."""
SHARD_PATTERN = "shard-*.tfrecord"
PARTIAL_PREFIX = ".partial-"
INPUT_PREFIX = "inputs/"
"""Prefix of an input's feature name in a shard's `tf.train.Example` (the label's is "label")."""
FILE_COLUMNS = ("image", "audio")
PIPELINE_OPTIONS = ("batch_size", "shuffle", "seed", "cache", "num_parallel_calls", "text_vectorizer")


_REPREPARE = "Run `prepare` again into a new folder (or delete this file and run it again)."

def prepare(df, directory, image=None, text=None, audio=None, label=None, class_names=None, errors="raise",
            rows_per_shard=None, verbose=1, **options):
    """Decodes a DataFrame manifest once and writes it as sharded TFRecord files.

    Rows are checked and decoded exactly as `from_dataframe` does (same
    arguments, same `BadRow` reports), shard by shard. With
    `errors="raise"`, the shards of clean rows are still written, then a
    `BadRowsError` names every bad row of the whole manifest and the folder
    is left unreadable (no `metadata.json`): fix the rows and run again, and
    only the shards that changed are decoded. With `errors="skip"`, bad rows
    are left out and listed in the metadata.

    Args:
        df: `pandas.DataFrame`, one row per sample.
        directory: Folder to write into (created if missing). It may hold an
            earlier, complete or interrupted, preparation.
        image: Column of image file paths, or `None`.
        text: Column of texts, or `None`.
        audio: Column of audio file paths, or `None`.
        label: Column of class labels, or `None`.
        class_names: Optional list of the accepted labels, in id order. By
            default the sorted distinct labels of every row (so that every
            shard maps labels to the same ids).
        errors: `"raise"` or `"skip"`, as in `from_dataframe`.
        rows_per_shard: Rows per shard file; `None` keeps the size of the
            folder's earlier preparation, else 1024. Shards of ~100-200 MB
            read best; 1024 rows of 1 s log-mel spectrograms are ~0.5 MB.
        verbose: 1 prints one line per shard written, 0 nothing.
        **options: The decoding options of `from_dataframe` (`base_dir`,
            `image_size`, `image_channels`, `image_scale`,
            `audio_sample_rate`, `audio_duration`, `audio_features`,
            `audio_options`). Batching, shuffling and text vectorisation are
            options of `from_prepared`.

    Returns:
        The folder, as a `pathlib.Path`.

    Raises:
        ArgumentTypeError: If `df` is not a DataFrame or `directory` not a
            path.
        ConfigurationError: If an argument is invalid (as in
            `from_dataframe`), or `directory` is an existing file.
        BadRowsError: With `errors="raise"`, if any row is bad (after the
            clean shards are written); with `errors="skip"`, if no row is
            usable.
    """
    directory = _check_directory(directory)
    if not isinstance(df, pd.DataFrame):
        raise ArgumentTypeError(f"`df` must be a pandas DataFrame. Received: df={describe_value(df)}")
    misplaced = sorted(set(options) & set(PIPELINE_OPTIONS))
    if misplaced:
        raise ConfigurationError(
            f"`{misplaced[0]}` is an option of `from_prepared`, not of `prepare`. "
            f"Received: {misplaced[0]}={options[misplaced[0]]!r}"
        )
    check_positive_int("rows_per_shard", rows_per_shard, allow_none=True)
    check_choice("errors", errors, ("raise", "skip"))
    columns = {"image": image, "text": text, "audio": audio, "label": label}
    if not df.index.is_unique:
        df = df.reset_index(drop=True)
    if label is not None and class_names is None and label in df.columns:
        class_names = _all_class_names(df[label])
    arguments = dict(columns, class_names=class_names, **options)
    _decode(df.iloc[:1], arguments)  # checks every argument before any work

    directory.mkdir(parents=True, exist_ok=True)
    if rows_per_shard is None:
        plan = read_json(directory / PLAN, kind="preparation plan JSON", remedy=_REPREPARE, argument="directory",
                         value=str(directory)) or {}
        with reading(directory / PLAN, "preparation plan JSON", _REPREPARE, argument="directory", value=str(directory)):
            rows_per_shard = plan.get("rows_per_shard", DEFAULT_ROWS_PER_SHARD)
    with contextlib.suppress(FileNotFoundError):
        (directory / METADATA).unlink()
    write_json(directory / PLAN, {"rows_per_shard": rows_per_shard})
    settings = _settings(arguments)
    starts = range(0, len(df), rows_per_shard)
    shards, bad_rows, element_spec = [], [], None
    for number, start in enumerate(starts):
        rows = df.iloc[start:start + rows_per_shard]
        path = directory / f"shard-{number:05d}-{_fingerprint(rows, columns, settings)}.tfrecord"
        began = time.perf_counter()
        dataset, shard_bad_rows = _decode(rows, arguments)
        bad_rows.extend(shard_bad_rows)
        if dataset is None:
            continue
        element_spec = dataset.element_spec
        written = path.exists()
        if not written:
            atomic_write(path, lambda temporary, data=dataset: _write_records(data, temporary))
        kept = len(rows) - len({bad.row for bad in shard_bad_rows})
        shards.append({"file": path.name, "rows": kept, "bytes": path.stat().st_size})
        if verbose:
            state = "kept (already written)" if written else f"written in {time.perf_counter() - began:.1f} s"
            print(f"prepare: shard {number + 1}/{len(starts)}, {kept:,} rows, {state}", flush=True)
    _remove_stale(directory, {shard["file"] for shard in shards})
    if bad_rows and (errors == "raise" or not shards):
        advice = "Fix or drop them and run prepare again (finished shards are kept), or pass errors='skip'."
        raise BadRowsError(_describe(bad_rows, len(df), advice if shards else "No usable row is left."), bad_rows)
    if bad_rows:
        warnings.warn(_describe(bad_rows, len(df), "They were skipped."), stacklevel=2)
    write_json(directory / METADATA, {
        "format": FORMAT,
        "rows": sum(shard["rows"] for shard in shards),
        "shards": shards,
        "features": _describe_spec(element_spec),
        "class_names": class_names,
        "bad_rows": [list(bad) for bad in bad_rows],
        "settings": settings,
    })
    if verbose:
        print(f"prepare: {len(shards)} shards in {directory}", flush=True)
    return directory


def from_prepared(directory, batch_size=32, shuffle=False, seed=None, shuffle_buffer=4096, text_vectorizer=None,
                  num_parallel_calls=tf.data.AUTOTUNE):
    """Streams a folder written by `prepare` as a `tf.data.Dataset`.

    Shards are streamed (in order, or by a parallel `interleave` of four
    shuffled shards at a time), so memory does not grow with the number of
    rows. Under a multi-worker
    `tf.distribute` strategy, `tf.data` auto-sharding gives each worker its
    own shard files.

    Args:
        directory: Folder written by `prepare`.
        batch_size: Batch size, or `None` for unbatched elements.
        shuffle: Whether to shuffle the shard order and, through a buffer of
            `shuffle_buffer` elements, the rows, on every pass.
        seed: Seed of the shuffling. With a seed, every run gives the rows
            in the same order (the parallel `interleave` then keeps its
            order); without one, a shard's rows come as soon as they are read.
        shuffle_buffer: Elements held by the shuffle buffer.
        text_vectorizer: Optional `TextVectorization` layer mapping texts to
            ids, as in `from_dataframe`.
        num_parallel_calls: Parallelism of reading and parsing.

    Returns:
        A `tf.data.Dataset` of the same elements as
        `from_dataframe(df, ...)` with the same arguments, with the
        attributes `class_names` and `bad_rows`.

    Raises:
        ArgumentTypeError: If `directory` is not a path.
        ConfigurationError: If `directory` holds no complete preparation
            (interrupted, or never prepared), a shard is missing, or an
            argument is invalid.
        DamagedFileError: If the metadata cannot be read, or a shard has
            another size than `prepare` wrote (truncated).
    """
    directory = _check_directory(directory)
    metadata_path = directory / METADATA
    if not metadata_path.is_file():
        raise ConfigurationError(
            f"`directory` holds no complete preparation (no {METADATA}): run `prepare` (again; it resumes "
            f"where it stopped). Received: directory={str(directory)!r}"
        )
    metadata = read_json(metadata_path, kind="prepared dataset metadata JSON", remedy=_REPREPARE,
                         argument="directory", value=str(directory))
    if not isinstance(metadata, dict):
        metadata = {"format": None}
    if metadata.get("format") != FORMAT:
        raise ConfigurationError(
            f"`directory` was not written by this version of `prepare` (format {metadata.get('format')!r}, "
            f"expected {FORMAT!r}). Received: directory={str(directory)!r}"
        )
    with reading(metadata_path, "prepared dataset metadata JSON", _REPREPARE, argument="directory",
                 value=str(directory)):
        paths = [str(directory / shard["file"]) for shard in metadata["shards"]]
        sizes = [shard.get("bytes") for shard in metadata["shards"]]  # absent in folders of older versions
        features, rows = metadata["features"], int(metadata["rows"])
        class_names, bad_rows = metadata["class_names"], [BadRow(*bad) for bad in metadata["bad_rows"]]
    missing = [path for path in paths if not os.path.isfile(path)]
    if missing:
        raise ConfigurationError(
            f"`directory` misses {len(missing)} shard(s), e.g. {missing[0]!r}: run `prepare` again. "
            f"Received: directory={str(directory)!r}"
        )
    for path, size in zip(paths, sizes):
        if size is not None and os.path.getsize(path) != size:
            raise DamagedFileError(
                f"The shard file {path!r} is damaged: {os.path.getsize(path)} bytes where `prepare` wrote {size} "
                f"(truncated by a copy?). Delete it and run `prepare` again: it rewrites only the missing shards. "
                f"Received: directory={str(directory)!r}"
            )
    check_positive_int("batch_size", batch_size, allow_none=True)
    check_positive_int("shuffle_buffer", shuffle_buffer)
    files = tf.data.Dataset.from_tensor_slices(paths)
    if shuffle:
        # Rows of up to four shards mixed, one at a time: memory holds a few rows per open shard.
        files = files.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
        dataset = files.interleave(tf.data.TFRecordDataset, cycle_length=min(len(paths), 4),
                                   num_parallel_calls=num_parallel_calls, deterministic=seed is not None)
    else:
        # In order: the shards one after the other (reading is cheap; parsing below runs in parallel).
        dataset = tf.data.TFRecordDataset(files)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(rows))  # steps per epoch known
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    # Parsed after batching: one vectorised parse per batch, not one per row. Batches keep their
    # order, so a smaller last batch stays last.
    dataset = dataset.map(_parser(features, batched=batch_size is not None), num_parallel_calls=num_parallel_calls,
                          deterministic=True)
    if text_vectorizer is not None and "text" in features["inputs"]:
        dataset = dataset.map(_vectorize_text(text_vectorizer, batched=batch_size is not None))
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    dataset.class_names = class_names
    dataset.bad_rows = bad_rows
    return dataset


def _check_directory(directory):
    if not isinstance(directory, (str, os.PathLike)):
        raise ArgumentTypeError(f"`directory` must be a str or os.PathLike. Received: directory={directory!r}")
    path = pathlib.Path(directory)
    if path.exists() and not path.is_dir():
        raise ConfigurationError(f"`directory` is an existing file, not a folder. Received: directory={str(path)!r}")
    return path


def _all_class_names(labels):
    reader = LabelColumn("label")
    reader.fit([label for label in labels if reader.problem(label) is None])
    return reader.class_names


def _settings(arguments):
    """The JSON form of the decoding settings (what a shard's content depends on)."""
    return json.loads(json.dumps(arguments, default=str, sort_keys=True))


def _fingerprint(rows, columns, settings):
    used = [column for column in columns.values() if column is not None]
    digest = hashlib.sha256(FORMAT.encode() + json.dumps(settings, sort_keys=True).encode())
    digest.update(pd.util.hash_pandas_object(rows[used].astype(str), index=True).to_numpy().tobytes())
    base_dir = settings.get("base_dir")
    for kind in FILE_COLUMNS:
        if columns[kind] is not None:
            for cell in rows[columns[kind]]:
                digest.update(repr(_file_state(cell, base_dir)).encode())
    return digest.hexdigest()[:16]


def _file_state(cell, base_dir):
    """(size, modification time) of a file cell, so that a changed file makes its shard stale."""
    try:
        stat = os.stat(os.path.join(base_dir, os.fspath(cell)) if base_dir else os.fspath(cell))
    except (TypeError, OSError):
        return None
    return stat.st_size, stat.st_mtime_ns


def _decode(rows, arguments):
    """Checks and decodes the rows of one shard; returns (unbatched dataset or None, bad rows)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            dataset = from_dataframe(rows, **arguments, errors="skip", batch_size=None)
        except BadRowsError as error:
            return None, error.bad_rows
    return dataset, dataset.bad_rows


def _write_records(dataset, path):
    with tf.io.TFRecordWriter(path) as writer:
        for element in dataset.prefetch(tf.data.AUTOTUNE).as_numpy_iterator():
            writer.write(_example(element))


def _example(element):
    """One row as a serialized `tf.train.Example`: each tensor's raw bytes (strings as they are), by feature name."""
    inputs, *label = element if isinstance(element, tuple) else (element,)
    values = {**{f"{INPUT_PREFIX}{key}": value for key, value in inputs.items()}, **({"label": label[0]} if label else {})}
    feature = {}
    for name, value in values.items():
        value = np.asarray(value)
        raw = value.reshape(-1).tolist() if value.dtype.kind in "SO" else [value.tobytes()]
        feature[name] = tf.train.Feature(bytes_list=tf.train.BytesList(value=raw))
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def _describe_spec(element_spec):
    inputs, *label = element_spec if isinstance(element_spec, tuple) else (element_spec,)
    return {"inputs": {key: _spec(inputs[key]) for key in sorted(inputs)},
            "label": _spec(label[0]) if label else None}


def _spec(spec):
    return {"dtype": spec.dtype.name, "shape": spec.shape.as_list()}


def _parser(features, batched):
    """Returns the function mapping serialized rows (a batch of them if `batched`) back to tensors."""
    specs = {f"{INPUT_PREFIX}{key}": spec for key, spec in features["inputs"].items()}
    if features["label"]:
        specs["label"] = features["label"]
    strings = {name for name, spec in specs.items() if spec["dtype"] == "string"}
    description = {name: tf.io.FixedLenFeature(spec["shape"] if name in strings else [], tf.string)
                   for name, spec in specs.items()}

    def parse(records):
        parsed = (tf.io.parse_example if batched else tf.io.parse_single_example)(records, description)
        values = {}
        for name, spec in specs.items():
            value = parsed[name]
            if name not in strings:
                value = tf.reshape(tf.io.decode_raw(value, tf.as_dtype(spec["dtype"])),
                                   ([-1] if batched else []) + spec["shape"])
            values[name] = value
        inputs = {name[len(INPUT_PREFIX):]: value for name, value in values.items() if name != "label"}
        return (inputs, values["label"]) if "label" in values else inputs

    return parse


def _remove_stale(directory, keep):
    """Removes shards of earlier preparations and temporary files left by an interrupted one."""
    for path in [*directory.glob(SHARD_PATTERN), *directory.glob(f"{PARTIAL_PREFIX}*")]:
        if path.name not in keep:
            path.unlink()
