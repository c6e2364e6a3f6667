"""The checks every mmzoo layer and model goes through.

`check_model` trains a model a few steps, predicts from numpy and from a
`tf.data.Dataset`, saves it as `.keras`, reloads it with `safe_mode=True` and
compares predictions; `check_layer_config` round-trips a layer's config;
`run_layer_test` puts a layer through the config round trip, the
symbolic-shape check (`check_symbolic_shapes`) and the mixed-precision
check (`check_mixed_precision`).
"""

import keras
import numpy as np
import tensorflow as tf

import mmzoo
from mmzoo.assemble import all_layers


def assert_no_lambda(model):
    """Fails if the model (or a nested model) holds a Lambda layer."""
    lambdas = [layer.name for layer in all_layers(model) if isinstance(layer, keras.layers.Lambda)]
    assert not lambdas, f"Lambda layers break safe_mode loading: {lambdas}"


def check_model(model, inputs, labels, tmp_path, steps=2, batch_size=4):
    """Trains, predicts, saves and reloads a model; returns the reloaded one.

    Args:
        model: An uncompiled Keras model.
        inputs: Dict of numpy arrays (or one array) the model takes.
        labels: Labels matching the model's outputs.
        tmp_path: Folder for the `.keras` file.
        steps: Training steps to run.
        batch_size: Batch size of training and prediction.

    Returns:
        The model loaded back from disk.
    """
    assert_no_lambda(model)
    mmzoo.training.compile(model)
    history = model.fit(inputs, labels, batch_size=batch_size, epochs=1, steps_per_epoch=steps, verbose=0)
    assert np.all(np.isfinite(history.history["loss"])), history.history

    expected = model.predict(inputs, batch_size=batch_size, verbose=0)
    dataset = tf.data.Dataset.from_tensor_slices(inputs).batch(batch_size)
    from_dataset = model.predict(dataset, verbose=0)
    tf.nest.map_structure(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6),
                          expected, from_dataset)

    path = tmp_path / f"{model.name}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    actual = loaded.predict(inputs, batch_size=batch_size, verbose=0)
    tf.nest.map_structure(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6),
                          expected, actual)
    return loaded


def check_layer_config(layer):
    """Asserts that `from_config(get_config())` rebuilds an equal config."""
    config = layer.get_config()
    rebuilt = type(layer).from_config(config)
    assert rebuilt.get_config() == config
    serialized = keras.saving.serialize_keras_object(layer)
    assert serialized["registered_name"].startswith("mmzoo>")
    return rebuilt


MIXED_PRECISION_POLICIES = ("mixed_float16", "mixed_bfloat16")


def _symbolic(structure):
    """Replaces every array of a nested structure by a `keras.KerasTensor` of its shape and dtype."""
    return keras.tree.map_structure(
        lambda value: keras.KerasTensor(np.shape(value), dtype=keras.backend.standardize_dtype(value.dtype)),
        structure,
    )


def _shapes(structure):
    return keras.tree.map_structure(lambda value: tuple(value.shape), structure)


def check_symbolic_shapes(layer, inputs, call_kwargs=None):
    """Asserts that a call on `keras.KerasTensor`s gives the shapes of the eager call.

    The symbolic call goes through `compute_output_spec` (or
    `compute_output_shape`), as when the layer is used in a functional model.

    Args:
        layer: The layer.
        inputs: Numpy inputs (an array or a nested structure of arrays).
        call_kwargs: Further arguments of the call: arrays are passed as
            `KerasTensor`s in the symbolic call, anything else as it is.

    Returns:
        The eager outputs.
    """
    call_kwargs = call_kwargs or {}
    eager = layer(inputs, **call_kwargs)
    symbolic_kwargs = {
        name: _symbolic(value) if isinstance(value, (dict, np.ndarray)) else value
        for name, value in call_kwargs.items()
    }
    symbolic = layer(_symbolic(inputs), **symbolic_kwargs)
    assert _shapes(symbolic) == _shapes(eager)
    return eager


def check_mixed_precision(layer_cls, init_kwargs, inputs, call_kwargs=None, policies=MIXED_PRECISION_POLICIES):
    """Asserts that the layer runs under mixed precision and returns its compute dtype.

    Each policy is set as the global dtype policy while the layer is built and
    called; the previous global policy is restored afterwards, whatever
    happens. The floating outputs must have the policy's compute dtype and the
    weights stay float32.

    Args:
        layer_cls: The layer class.
        init_kwargs: Constructor arguments.
        inputs: Numpy inputs.
        call_kwargs: Further arguments of the call.
        policies: Names of the mixed-precision policies to run under.
    """
    call_kwargs = call_kwargs or {}
    previous = keras.mixed_precision.global_policy()
    for policy in policies:
        keras.mixed_precision.set_global_policy(policy)
        try:
            layer = layer_cls(**init_kwargs)
            outputs = layer(inputs, **call_kwargs)
        finally:
            keras.mixed_precision.set_global_policy(previous)
        for output in keras.tree.flatten(outputs):
            dtype = keras.backend.standardize_dtype(output.dtype)
            if "float" in dtype:
                assert dtype == layer.compute_dtype == keras.mixed_precision.DTypePolicy(policy).compute_dtype, (
                    policy, dtype)
        assert all(weight.dtype == "float32" for weight in layer.weights), policy
    assert keras.mixed_precision.global_policy().name == previous.name


def run_layer_test(layer_cls, init_kwargs, inputs, call_kwargs=None, expected_output_shape=None,
                   run_precision_checks=True):
    """Puts a layer through the shared checks: config, eager and symbolic shapes, mixed precision.

    Args:
        layer_cls: The layer class.
        init_kwargs: Constructor arguments.
        inputs: Numpy inputs (an array or a nested structure of arrays).
        call_kwargs: Further arguments of the call (e.g. `mask`, `present`).
        expected_output_shape: The eager output shape (a nested structure
            of tuples), or None not to check it.
        run_precision_checks: Whether to run `check_mixed_precision`; turn it
            off for a layer that computes in float32 by design.

    Returns:
        The eager outputs of a float32 layer.
    """
    layer = layer_cls(**init_kwargs)
    outputs = check_symbolic_shapes(layer, inputs, call_kwargs)
    if expected_output_shape is not None:
        assert _shapes(outputs) == expected_output_shape
    check_layer_config(layer)
    if run_precision_checks:
        check_mixed_precision(layer_cls, init_kwargs, inputs, call_kwargs)
    return outputs
