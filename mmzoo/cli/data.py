"""Data of the `train`, `evaluate` and `export` subcommands as numpy splits, and how it was prepared.

Every source becomes `{split: (inputs, labels)}` with a dict of numpy arrays
keyed by modality: the bundled datasets directly, a manifest by decoding all
of its files once, with a progress bar. How a manifest was decoded (image
size, audio features, columns, class names) is saved next to a trained model
as `<model>.preprocessing.json` (see `mmzoo.cli.settings`), so that
evaluating or exporting it decodes new files the same way.
"""

import keras
import numpy as np

from mmzoo import datasets
from mmzoo.datasets import synthetic
from mmzoo.datasets.av_mnist import CLASS_NAMES as AV_MNIST_CLASS_NAMES
from mmzoo.cli import manifest
from mmzoo.cli.arguments import UsageError
from mmzoo.preprocessing import text_vectorizer

DECODE_BATCH = 32
BUNDLED_CLASS_NAMES = {
    "av_mnist": AV_MNIST_CLASS_NAMES,
    "synthetic": range(synthetic.num_classes("image+audio")),  # the task `datasets.load("synthetic")` generates
}


def load_splits(source, splits, preprocessing=None):
    """Loads the splits of a data source as numpy arrays.

    Args:
        source: "av_mnist", "synthetic" or a manifest CSV path.
        splits: The splits wanted, among "train", "validation" and "test".
        preprocessing: A `Preprocessing` (manifests only).

    Returns:
        A tuple `(data, class_names)`: `data` maps each split to
        `(inputs, labels)` (a dict of arrays keyed by modality, texts of a
        manifest as strings), `class_names` lists the label of each id.

    Raises:
        UsageError: a manifest lacks a column or has no row in a split.
        BadRowsError: a manifest row holds a missing or unreadable file.
    """
    if source in ("av_mnist", "synthetic"):
        data = {split: datasets.load(source, split=split, as_dataset=False) for split in splits}
        return data, list(BUNDLED_CLASS_NAMES[source])
    return _load_manifest(source, splits, preprocessing)


def _load_manifest(path, splits, preprocessing):
    frame = manifest.read_manifest(path)
    columns = manifest.Columns(**preprocessing.columns)
    manifest.check_columns(frame, columns, path)
    rows = {split: manifest.split_rows(frame, split) for split in splits}
    empty = [split for split, positions in rows.items() if not positions and split != "validation"]
    if empty:
        raise UsageError(f"the manifest {path!r} has no row in the split(s) {empty}")
    wanted = sorted({position for positions in rows.values() for position in positions})
    inputs, labels, class_names = _decode(frame.iloc[wanted], columns, preprocessing, path)
    where = {position: index for index, position in enumerate(wanted)}
    data = {}
    for split, positions in rows.items():
        if positions:
            index = [where[position] for position in positions]
            data[split] = ({key: values[index] for key, values in inputs.items()}, labels[index])
    return data, class_names


def _decode(frame, columns, preprocessing, path):
    """Checks and decodes every file of `frame`, with a progress bar; returns arrays."""
    print(f"Checking {len(frame)} rows of {path} ...", flush=True)
    dataset = datasets.from_dataframe(
        frame, **columns.modalities(), label=columns.label, class_names=preprocessing.class_names,
        base_dir=manifest.base_dir(path), image_size=preprocessing.image_size,
        image_channels=preprocessing.image_channels, audio_features=preprocessing.audio_features,
        audio_options=preprocessing.audio_options, batch_size=DECODE_BATCH)
    print("Decoding the files:", flush=True)
    progress = keras.utils.Progbar(len(frame), unit_name="row")
    parts = []
    for batch_inputs, batch_labels in dataset:
        parts.append(({key: value.numpy() for key, value in batch_inputs.items()}, batch_labels.numpy()))
        progress.add(len(batch_labels))
    inputs = {key: np.concatenate([part[0][key] for part in parts]) for key in parts[0][0]}
    if "text" in inputs:
        inputs["text"] = np.array([text.decode("utf-8") for text in inputs["text"]], dtype=object)
    return inputs, np.concatenate([part[1] for part in parts]), list(dataset.class_names)


def fit_vectorizer(texts, sequence_length):
    """Learns the vocabulary of the training texts.

    Args:
        texts: Array of strings.
        sequence_length: Token ids per text.

    Returns:
        A `TextVectorization` layer.
    """
    return text_vectorizer(list(texts), max_tokens=20000, sequence_length=sequence_length)


def vectorize(data, vectorizer):
    """Replaces the texts of every split by their token ids.

    Args:
        data: `{split: (inputs, labels)}` as from `load_splits`.
        vectorizer: A `TextVectorization` layer, or None to leave `data` as is.

    Returns:
        The data with `inputs["text"]` as int32 ids where there are texts.
    """
    if vectorizer is None:
        return data
    return {split: ({key: (np.asarray(vectorizer(list(values)), dtype=np.int32) if key == "text" else values)
                     for key, values in inputs.items()}, labels)
            for split, (inputs, labels) in data.items()}


def select(inputs, names, source):
    """Returns the inputs a model takes, checking that the data holds them.

    Args:
        inputs: Dict of arrays keyed by modality.
        names: The model's input names.
        source: The data source, for the message.

    Returns:
        `{name: inputs[name]}` for each of `names`.

    Raises:
        UsageError: the data lacks an input; names expected and received.
    """
    missing = [name for name in names if name not in inputs]
    if missing:
        raise UsageError(f"the model expects the modalities {list(names)}; --data {source} gives {sorted(inputs)}")
    return {name: inputs[name] for name in names}
