"""Labelled data as numpy arrays, from a tuple of arrays or a finite `tf.data.Dataset`."""

import numpy as np
import tensorflow as tf

from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value


def join_batches(batches, batched=True):
    """Joins elements of the same structure into one structure of numpy arrays.

    Args:
        batches: A non-empty sequence of nested structures (dicts, tuples)
            of arrays or tensors, e.g. `(inputs, labels)` pairs.
        batched: Whether each element is a batch (joined along its first
            axis) or a single sample (stacked on a new first axis).

    Returns:
        The structure of the first element, each leaf a numpy array.
    """
    join = np.concatenate if batched else np.stack
    return tf.nest.map_structure(lambda *parts: join([np.asarray(part) for part in parts]), *batches)


def to_arrays(data):
    """Returns `(inputs, labels)` as numpy arrays from a tuple or a finite `tf.data.Dataset`.

    Args:
        data: A tuple `(inputs dict, labels)` or a dataset of such pairs,
            batched or not.

    Returns:
        A tuple `(dict of numpy arrays, numpy labels)`.

    Raises:
        ArgumentTypeError: `data` is neither, or its inputs are not a dict.
        ConfigurationError: the dataset is empty.
    """
    if isinstance(data, tf.data.Dataset):
        elements = list(data.as_numpy_iterator())
        if not elements:
            raise ConfigurationError("`data` must hold at least one sample. Received: an empty dataset")
        data = join_batches(elements, batched=np.ndim(elements[0][1]) > 0)
    if not isinstance(data, (tuple, list)) or len(data) != 2 or not isinstance(data[0], dict):
        raise ArgumentTypeError(
            "`data` must be a tuple (inputs, labels) with inputs a dict keyed by modality, or a "
            f"tf.data.Dataset of such pairs. Received: data={describe_value(data)}"
        )
    inputs = {name: np.asarray(values) for name, values in data[0].items()}
    return inputs, np.asarray(data[1])


def as_text(values):
    """Returns an array of strings as Keras's `predict` takes it: an object array of Python `str`.

    Args:
        values: A numpy array; strings given as bytes (as `tf.data`'s
            `as_numpy_iterator` gives them) are decoded from UTF-8. Arrays
            of other kinds are returned unchanged.

    Returns:
        A numpy array.
    """
    if values.dtype.kind not in "OSU":
        return values
    flat = [value.decode("utf-8") if isinstance(value, bytes) else value for value in values.ravel()]
    return np.array(flat, dtype=object).reshape(values.shape)
