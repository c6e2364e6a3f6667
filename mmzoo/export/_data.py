"""Checks of the models and the dict inputs handed to the export functions."""

from collections.abc import Mapping

import keras
import numpy as np

from mmzoo.errors import ArgumentTypeError, ConfigurationError


def check_model(model):
    """Raises unless `model` is a Keras model with named (dict) inputs."""
    if not isinstance(model, keras.Model):
        raise ArgumentTypeError(
            f"`model` must be a keras.Model. Received: model={model!r} (of type {type(model).__name__})"
        )
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ConfigurationError(
            "`model` must be a functional model with defined inputs, e.g. from "
            f"mmzoo.build_model. Received: model={model.name!r}"
        )


def check_backend(model, what):
    """Raises before any work when the Keras backend in use cannot export `what` ("SavedModel", "TFLite").

    Both are TensorFlow formats. On JAX, Keras traces the model to
    TensorFlow (jax2tf), which works unless a layer carries random state
    (dropout, noise) into a TFLite conversion; on PyTorch, Keras cannot
    write a SavedModel of a whole model. The way out names the model's
    `.keras` file: it loads on TensorFlow and exports there.
    """
    backend = keras.backend.backend()
    random_state = any("seed_generator" in variable.path for variable in model.non_trainable_variables)
    if backend == "torch" or (backend == "jax" and what == "TFLite" and random_state):
        reason = ("its random layers (dropout, noise) hold a seed state the JAX-to-TensorFlow conversion "
                  "cannot carry" if backend == "jax" else "Keras writes no SavedModel of a whole model on PyTorch")
        names = {"jax": "JAX", "torch": "PyTorch"}
        raise ConfigurationError(
            f"{what} export needs the TensorFlow backend of Keras; this process runs {names[backend]} "
            f"(KERAS_BACKEND={backend}) and {reason}. Save the model as .keras (mmzoo.export.save_keras) and "
            f"export it with KERAS_BACKEND=tensorflow (e.g. `KERAS_BACKEND=tensorflow mmzoo export model.keras "
            f"...`). Received: model={model.name!r}"
        )


def input_names(model):
    """Returns the names of a model's inputs (the modalities for `build_model` models)."""
    return [tensor.name for tensor in model.inputs]


def input_arrays(data, names, argument):
    """Checks that `data` is a dict of equally long arrays keyed exactly by `names`.

    Args:
        data: The value received, e.g. `{"image": ..., "audio": ...}`.
        names: The input names the data must cover, no more and no less.
        argument: Name of the argument, used in error messages.

    Returns:
        Dict `{name: numpy array}` in the order of `names`.

    Raises:
        ArgumentTypeError: `data` is not a dict.
        ConfigurationError: keys differ from `names`, or arrays are empty or
            of different lengths.
    """
    if not isinstance(data, Mapping):
        raise ArgumentTypeError(
            f"`{argument}` must be a dict of arrays keyed by input name {list(names)}. "
            f"Received: {argument} of type {type(data).__name__}"
        )
    missing = [name for name in names if name not in data]
    unexpected = sorted(str(key) for key in data if key not in names)
    if missing or unexpected:
        raise ConfigurationError(
            f"`{argument}` must have exactly the keys {list(names)} (missing: {missing}, "
            f"unexpected: {unexpected}). Received: {argument} with keys {sorted(map(str, data))}"
        )
    arrays = {name: np.asarray(data[name]) for name in names}
    lengths = {name: len(array) if array.ndim else 0 for name, array in arrays.items()}
    if len(set(lengths.values())) != 1 or not min(lengths.values()):
        raise ConfigurationError(
            f"The arrays of `{argument}` must be non-empty and equally long. "
            f"Received: {argument} with lengths {lengths}"
        )
    return arrays


def first_dimension(arrays):
    """Returns the number of samples in a dict of equally long arrays."""
    return len(next(iter(arrays.values())))
