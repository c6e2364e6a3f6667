"""The checks every mmzoo layer and model goes through.

`check_model` trains a model a few steps, predicts from numpy and from a
`tf.data.Dataset`, saves it as `.keras`, reloads it with `safe_mode=True` and
compares predictions; `check_layer_config` round-trips a layer's config.
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
