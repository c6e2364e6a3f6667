"""Bundled datasets by name: `load("av_mnist")`, `load("synthetic")`."""

import numpy as np
import tensorflow as tf

from mmzoo.datasets import synthetic
from mmzoo.datasets.av_mnist import CLASS_NAMES as AV_MNIST_CLASS_NAMES
from mmzoo.datasets.av_mnist import load_av_mnist
from mmzoo.errors import ConfigurationError, describe_value

SPLITS = ("train", "validation", "test")


def _av_mnist(split, holdout="speaker", path=None):
    inputs, labels = load_av_mnist(split=split, holdout=holdout, path=path)
    return inputs, labels, list(AV_MNIST_CLASS_NAMES)


def _synthetic(split, task="image+audio", seed=0, **options):
    # Each (seed, split) pair gets its own generator seed, so splits never share samples.
    inputs, labels = synthetic.generate(task=task, seed=seed * len(SPLITS) + SPLITS.index(split), **options)
    return inputs, labels, list(range(synthetic.num_classes(task)))


LOADERS = {"av_mnist": _av_mnist, "synthetic": _synthetic}


def available():
    """Returns the names `load` accepts.

    Returns:
        A sorted list of dataset names.
    """
    return sorted(LOADERS)


def load(name, split="train", as_dataset=True, batch_size=32, shuffle=None, seed=None, **kwargs):
    """Loads a bundled dataset by name, offline.

    Args:
        name: `"av_mnist"` (audio-visual digits, see
            `mmzoo.datasets.load_av_mnist`; accepts `holdout="speaker"` or
            `"recording"` and `path`) or `"synthetic"` (see
            `mmzoo.datasets.synthetic.generate`, whose keyword arguments it
            accepts; each split uses its own seed).
        split: `"train"`, `"validation"` or `"test"`.
        as_dataset: `True` for a batched `tf.data.Dataset` of
            `(inputs, label)`, `False` for numpy arrays `(inputs, labels)`.
        batch_size: Batch size of the dataset, or `None` for unbatched
            elements; ignored with `as_dataset=False`.
        shuffle: Whether the dataset reshuffles on every pass; defaults to
            `True` for the training split only.
        seed: Seed of the shuffling.
        **kwargs: Options of the named dataset.

    Returns:
        With `as_dataset=True`, a `tf.data.Dataset` of `(inputs, label)`
        with a `class_names` attribute; otherwise a tuple `(inputs, labels)`
        of a dict of numpy arrays keyed by modality and an integer array.

    Raises:
        ConfigurationError: If `name` is unknown (the message lists the
            available names) or `split` is invalid.
    """
    if name not in LOADERS:
        raise ConfigurationError(f"Unknown dataset. Available: {available()}. Received: name={describe_value(name)}")
    if split not in SPLITS:
        raise ConfigurationError(f"`split` must be one of {SPLITS}. Received: split={describe_value(split)}")
    inputs, labels, class_names = LOADERS[name](split, **kwargs)
    if not as_dataset:
        return inputs, labels
    dataset = tf.data.Dataset.from_tensor_slices((inputs, np.asarray(labels)))
    if shuffle is None:
        shuffle = split == "train"
    if shuffle:
        dataset = dataset.shuffle(len(labels), seed=seed, reshuffle_each_iteration=True)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    dataset.class_names = class_names
    return dataset
