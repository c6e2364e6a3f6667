"""DataFrame manifests of files and texts to `tf.data` pipelines."""

import collections
import warnings

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from mmzoo._checks import check_positive_int
from mmzoo.datasets.columns import AudioColumn, ImageColumn, LabelColumn, TextColumn
from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value

BadRow = collections.namedtuple("BadRow", ["row", "column", "reason"])
BadRow.__doc__ = """A cell that made its row unusable: DataFrame index label, column name, reason."""
MAX_LISTED = 20


class BadRowsError(ConfigurationError):
    """Rows of a manifest hold missing, unreadable or invalid values.

    Attributes:
        bad_rows: List of `BadRow(row, column, reason)`, one per bad cell.
    """

    def __init__(self, message, bad_rows):
        super().__init__(message)
        self.bad_rows = bad_rows


def from_dataframe(
    df,
    image=None,
    text=None,
    audio=None,
    label=None,
    class_names=None,
    base_dir=None,
    image_size=(224, 224),
    image_channels=3,
    image_scale="unit",
    audio_sample_rate=16000,
    audio_duration=1.0,
    audio_features="log_mel",
    audio_options=None,
    text_vectorizer=None,
    errors="raise",
    batch_size=32,
    shuffle=False,
    seed=None,
    cache=False,
    num_parallel_calls=tf.data.AUTOTUNE,
):
    """Turns a DataFrame of image paths, texts, audio paths and labels into a `tf.data.Dataset`.

    Every cell is checked before the dataset is returned: every file is
    decoded once by the pipeline's own decoding, in a parallel `tf.data`
    pass, texts must be non-empty strings, labels must be present (and in
    `class_names` when it is given). So a bad row stops the program before
    any training, or is dropped and reported. 16-bit PCM WAV files at
    `audio_sample_rate` are decoded in the graph, on every core; other audio
    files go through librosa (see `mmzoo.preprocessing.decode_audio_file`).

    Args:
        df: `pandas.DataFrame`, one row per sample.
        image: Column of image file paths (PNG, JPEG, GIF, BMP), or `None`.
        text: Column of texts, or `None`.
        audio: Column of audio file paths (anything libsndfile reads, any
            sample rate, mono or stereo), or `None`.
        label: Column of class labels (strings or integers), or `None` for a
            dataset of inputs only (for `predict`).
        class_names: Optional list of the accepted labels; their positions
            are the ids. Defaults to the sorted distinct labels.
        base_dir: Folder relative paths are resolved against; defaults to the
            working directory.
        image_size: `(height, width)` images are resized to.
        image_channels: 1 (grayscale) or 3 (RGB).
        image_scale: `"unit"` (`[0, 1]`) or `"vgg16"` (VGG16
            `preprocess_input`).
        audio_sample_rate: Rate audio is resampled to, in Hz.
        audio_duration: Length audio is padded or trimmed to, in seconds.
        audio_features: `"waveform"`, `"log_mel"` (default), `"mfcc"` or
            `"summary"` (MFCC mean and standard deviation, for the `dense`
            audio branch); see `mmzoo.preprocessing.audio_features`.
        audio_options: Dict of keyword arguments of the feature function
            (`n_mels`, `hop_length`, `n_mfcc`, ...).
        text_vectorizer: Optional `TextVectorization` layer (see
            `mmzoo.preprocessing.text_vectorizer`) mapping texts to ids; by
            default texts stay strings.
        errors: `"raise"` to raise on any bad row, or `"skip"` to drop bad
            rows with a warning listing them.
        batch_size: Batch size, or `None` for unbatched elements.
        shuffle: Whether to shuffle the rows on every pass.
        seed: Seed of the shuffling.
        cache: `False` (decode the files on every pass), `True` (keep the
            decoded files in memory: the check's decode is then the only
            one) or a file path prefix for an on-disk cache filled by the
            first pass. For data larger than memory, see `prepare`.
        num_parallel_calls: Parallelism of the decoding map.

    Returns:
        A `tf.data.Dataset` of `(inputs, label_id)` pairs, or of `inputs` when
        `label` is `None`; `inputs` is a dict keyed by `"image"`, `"text"` and
        `"audio"` (those requested). The dataset has two extra attributes:
        `class_names`, the label of each id (or `None`), and `bad_rows`, the
        `BadRow(row, column, reason)` entries of the dropped rows.

    Raises:
        ArgumentTypeError: If `df` is not a DataFrame.
        ConfigurationError: If an argument is invalid, names a missing
            column, or `df` is empty.
        BadRowsError: With `errors="raise"`, if any row is bad; its message
            names each row (by index label, or by position when the index
            repeats labels) and column, and its `bad_rows` attribute lists
            them. With `errors="skip"`, if no row is left.
    """
    if not isinstance(df, pd.DataFrame):
        raise ArgumentTypeError(f"`df` must be a pandas DataFrame. Received: df={describe_value(df)}")
    if errors not in ("raise", "skip"):
        raise ConfigurationError(f"`errors` must be 'raise' or 'skip'. Received: errors={errors!r}")
    check_positive_int("batch_size", batch_size, allow_none=True)
    if text_vectorizer is not None and not isinstance(text_vectorizer, keras.layers.TextVectorization):
        raise ArgumentTypeError(
            "`text_vectorizer` must be a `keras.layers.TextVectorization` layer. "
            f"Received: text_vectorizer={describe_value(text_vectorizer)}"
        )
    for argument, column in (("image", image), ("text", text), ("audio", audio), ("label", label)):
        if column is not None and column not in df.columns:
            raise ConfigurationError(
                f"`{argument}` must name a column of `df` ({list(df.columns)}). Received: {argument}={column!r}"
            )
    inputs = []
    if image is not None:
        inputs.append(ImageColumn(image, base_dir, image_size, image_channels, image_scale))
    if text is not None:
        inputs.append(TextColumn(text))
    if audio is not None:
        inputs.append(AudioColumn(audio, base_dir, audio_sample_rate, audio_duration, audio_features, audio_options))
    if not inputs:
        raise ConfigurationError(
            "At least one of `image`, `text` and `audio` must name a column. "
            f"Received: image={image!r}, text={text!r}, audio={audio!r}"
        )
    label_reader = LabelColumn(label, class_names) if label is not None else None
    readers = inputs + ([label_reader] if label_reader else [])
    if df.empty:
        raise ConfigurationError(f"`df` has no row. Received: df with columns {list(df.columns)}")
    if not df.index.is_unique:
        df = df.reset_index(drop=True)
    if label_reader:
        label_reader.check_kinds(df[label].tolist())

    # With an in-memory cache, the check pass keeps what it decodes: the only decode of each file.
    bad_rows, decoded = _find_bad_rows(df, readers, num_parallel_calls, keep=cache is True)
    if bad_rows and errors == "raise":
        raise BadRowsError(_describe(bad_rows, len(df), "Fix or drop them, or pass errors='skip'."), bad_rows)
    if bad_rows:
        warnings.warn(_describe(bad_rows, len(df), "They were skipped."), stacklevel=2)
    kept = df[~df.index.isin([bad.row for bad in bad_rows])]
    if kept.empty:
        raise BadRowsError(_describe(bad_rows, len(df), "No usable row is left."), bad_rows)

    features = {
        reader.key: np.stack([decoded[reader.key][row] for row in kept.index]) if reader.key in decoded
        else reader.values(kept[reader.column].tolist())
        for reader in inputs
    }
    labels = None
    if label_reader:
        label_reader.fit(kept[label].tolist())
        labels = label_reader.values(kept[label].tolist())
    to_decode = [reader for reader in inputs if reader.key not in decoded]
    dataset = _pipeline(
        features, labels, to_decode, text_vectorizer, batch_size, shuffle, seed, cache and not decoded,
        num_parallel_calls,
    )
    dataset.class_names = list(label_reader.class_names) if label_reader else None
    dataset.bad_rows = bad_rows
    return dataset


def _pipeline(features, labels, readers, text_vectorizer, batch_size, shuffle, seed, cache, num_parallel_calls):
    loaders = {reader.key: reader.load for reader in readers}
    size = len(next(iter(features.values())))

    @tf.autograph.experimental.do_not_convert  # plain graph code: converting it costs seconds per trace
    def load(inputs, *label):
        decoded = {key: loaders[key](value) if key in loaders else value for key, value in inputs.items()}
        return (decoded, *label) if label else decoded

    dataset = tf.data.Dataset.from_tensor_slices(features if labels is None else (features, labels))
    if shuffle and not cache:
        dataset = dataset.shuffle(size, seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.map(load, num_parallel_calls=num_parallel_calls, deterministic=True)
    if cache:
        dataset = dataset.cache() if cache is True else dataset.cache(str(cache))
        if shuffle:
            dataset = dataset.shuffle(size, seed=seed, reshuffle_each_iteration=True)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    if text_vectorizer is not None and "text" in features:
        dataset = dataset.map(_vectorize_text(text_vectorizer, batched=batch_size is not None))
    return dataset.prefetch(tf.data.AUTOTUNE)


def _find_bad_rows(df, readers, num_parallel_calls, keep=False):
    """Lists the bad cells: cheap checks row by row, then one parallel decode of every file.

    The files are decoded in a `tf.data` pass that keeps the index of each
    file it could decode: by each reader's `check` (the decoding that can
    fail, without the later steps that cannot), or with `keep` by the
    `load` the pipeline maps. Only the files that failed are decoded again,
    one by one, to say why.

    Returns:
        `(bad_rows, decoded)`: the `BadRow`s in row order, and with `keep`
        `{reader key: {row label: decoded numpy value}}` of the usable files
        (else an empty dict).
    """
    bad_rows, decoded = [], {}
    columns = [reader.column for reader in readers]
    for row, cells in zip(df.index, df[columns].itertuples(index=False)):
        for reader, cell in zip(readers, cells):
            reason = reader.problem(cell)
            if reason is not None:
                bad_rows.append(BadRow(row, reader.column, reason))
    for reader in readers:
        if not hasattr(reader, "decode_problem"):
            continue
        rows = df.index[~df.index.isin([bad.row for bad in bad_rows])]
        paths = reader.values(df.loc[rows, reader.column].tolist())
        values = _decode_all(paths, reader.load if keep else reader.check, num_parallel_calls, keep)
        for position in sorted(set(range(len(paths))) - set(values)):
            reason = reader.decode_problem(paths[position]) or f"the pipeline could not decode {paths[position]!r}"
            bad_rows.append(BadRow(rows[position], reader.column, reason))
        if keep:
            decoded[reader.key] = {rows[position]: value for position, value in values.items()}
        elif hasattr(reader, "checked"):
            reader.checked(values.values())
    bad_rows.sort(key=lambda bad: (df.index.get_loc(bad.row), columns.index(bad.column)))
    return bad_rows, decoded


def _decode_all(paths, load, num_parallel_calls, keep):
    """Decodes every path in parallel with `load`.

    Returns:
        `{position: decoded value, or its shape without keep}` of the paths
        that decode (to finite values, for floating-point results); the
        others are missing.
    """
    if not paths:
        return {}

    @tf.autograph.experimental.do_not_convert
    def decode(position, path):
        features = load(path)
        if features.dtype.is_floating:
            features = tf.debugging.assert_all_finite(features, "non-finite values")
        # The shape is also a data dependency: tf.data prunes ops that only control dependencies would keep.
        return position, (features if keep else tf.shape(features))

    positions = tf.data.Dataset.from_tensor_slices((tf.range(len(paths), dtype=tf.int64), paths))
    decoded = positions.map(decode, num_parallel_calls=num_parallel_calls, deterministic=False).ignore_errors()
    values = {}
    for batch_positions, batch_values in decoded.batch(256).as_numpy_iterator():
        values.update(zip(batch_positions.tolist(), list(batch_values)))
    return values


def _vectorize_text(vectorizer, batched):
    def vectorize(inputs, *label):
        texts = inputs["text"] if batched else tf.expand_dims(inputs["text"], 0)
        ids = vectorizer(texts)
        vectorized = {**inputs, "text": ids if batched else ids[0]}
        return (vectorized, *label) if label else vectorized

    return vectorize


def _describe(bad_rows, total, advice):
    rows = len({bad.row for bad in bad_rows})
    lines = [f"row {bad.row!r}, column {bad.column!r}: {bad.reason}" for bad in bad_rows[:MAX_LISTED]]
    if len(bad_rows) > MAX_LISTED:
        lines.append(f"... and {len(bad_rows) - MAX_LISTED} more (see `bad_rows`)")
    return f"{rows} of {total} rows are unusable. {advice}\n  " + "\n  ".join(lines)
