"""`TrainingOnly`: the wrapped layer in training, the identity for every other caller."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from harness import check_layer_config, check_symbolic_shapes

from mmzoo.branches import audio_conv2d
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.layers import TrainingOnly

SPECTROGRAMS = np.random.default_rng(0).normal(size=(4, 16, 16, 1)).astype("float32")


def _shift():
    return keras.layers.RandomTranslation(0.0, 0.25, fill_mode="nearest", seed=1)


def test_the_layer_applies_only_when_training_is_true():
    layer = TrainingOnly(_shift())
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(check_symbolic_shapes(layer, SPECTROGRAMS)),
                                  SPECTROGRAMS)
    shifted = keras.ops.convert_to_numpy(layer(SPECTROGRAMS, training=True))
    assert shifted.shape == SPECTROGRAMS.shape and not np.allclose(shifted, SPECTROGRAMS)
    # What it guards against: the bare layer shifts when called without `training`.
    assert not np.allclose(keras.ops.convert_to_numpy(_shift()(SPECTROGRAMS)), SPECTROGRAMS)


def test_a_model_called_directly_or_exported_by_keras_gives_its_predictions(tmp_path):
    branch = audio_conv2d(input_shape=(16, 16), filters=(4,), units=8, frequency_shift=2)
    expected = branch.predict(SPECTROGRAMS, verbose=0)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(branch(SPECTROGRAMS)), expected, atol=1e-6)
    branch.export(str(tmp_path / "saved_model"), verbose=False)
    saved_model = tf.saved_model.load(str(tmp_path / "saved_model"))  # kept: the endpoint needs its variables
    served = saved_model.serve(SPECTROGRAMS[..., 0])
    np.testing.assert_allclose(served.numpy(), expected, atol=1e-6)
    assert not np.allclose(keras.ops.convert_to_numpy(branch(SPECTROGRAMS, training=True)), expected)


def test_the_wrapped_layer_round_trips_through_a_safe_keras_file(tmp_path):
    check_layer_config(TrainingOnly(_shift(), name="shift"))
    inputs = keras.Input((16, 16, 1))
    model = keras.Model(inputs, TrainingOnly(_shift())(inputs))
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras", safe_mode=True)
    assert isinstance(loaded.layers[1], TrainingOnly)
    assert isinstance(loaded.layers[1].layer, keras.layers.RandomTranslation)
    assert not np.allclose(keras.ops.convert_to_numpy(loaded.layers[1](SPECTROGRAMS, training=True)), SPECTROGRAMS)


def test_a_layer_that_is_not_a_layer_or_changes_the_shape_is_refused():
    with pytest.raises(ArgumentTypeError, match=r"`layer` must be a Keras layer\. Received: layer="):
        TrainingOnly("RandomFlip")
    with pytest.raises(ConfigurationError, match=r"keep the shape.*Received: layer=Dense"):
        TrainingOnly(keras.layers.Dense(3))(SPECTROGRAMS)


def test_the_image_augmentation_block_wrapped_is_left_out_of_a_direct_call():
    from mmzoo.preprocessing import augmentation

    images = np.random.default_rng(1).uniform(size=(4, 16, 16, 3)).astype("float32")
    block = TrainingOnly(augmentation(seed=0))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(block(images)), images)
    assert not np.allclose(keras.ops.convert_to_numpy(block(images, training=True)), images)
