"""`BandMeanNormalization`: through the shared harness, and its own behaviour."""

import numpy as np
import pytest
from harness import check_layer_config, check_model, run_layer_test

import keras
import mmzoo
from mmzoo import branches, heads
from mmzoo.layers import BandMeanNormalization


def test_band_mean_normalization_through_the_harness():
    spectrogram = np.random.default_rng(0).normal(size=(2, 6, 4, 1)).astype("float32")
    run_layer_test(BandMeanNormalization, {"time_axis": 1}, spectrogram, expected_output_shape=(2, 6, 4, 1))


def test_band_mean_normalization_removes_each_bands_mean_over_time():
    rng = np.random.default_rng(0)
    spectrogram = rng.normal(size=(3, 20, 8, 1)).astype("float32") + np.arange(8, dtype="float32")[:, None]
    output = keras.ops.convert_to_numpy(BandMeanNormalization()(spectrogram))
    np.testing.assert_allclose(output.mean(axis=1), 0.0, atol=1e-5)
    np.testing.assert_allclose(output, spectrogram - spectrogram.mean(axis=1, keepdims=True), atol=1e-5)
    shifted = keras.ops.convert_to_numpy(BandMeanNormalization()(spectrogram + 5.0))
    np.testing.assert_allclose(shifted, output, atol=1e-4)


def test_band_mean_normalization_config_and_model_round_trip(tmp_path):
    check_layer_config(BandMeanNormalization(time_axis=2, name="bands"))
    branch = branches.audio_conv2d(input_shape=(16, 12), filters=(4,), subtract_band_mean=True, units=8)
    assert any(isinstance(layer, BandMeanNormalization) for layer in branch.layers)
    model = mmzoo.build_model({"audio": branch}, head=heads.multiclass(3))
    inputs = {"audio": np.random.default_rng(1).random((16, 16, 12)).astype("float32")}
    check_model(model, inputs, np.arange(16) % 3, tmp_path)


@pytest.mark.parametrize("time_axis, error", [(0, mmzoo.ConfigurationError), ("1", mmzoo.ArgumentTypeError),
                                              (True, mmzoo.ArgumentTypeError)])
def test_band_mean_normalization_names_a_bad_axis(time_axis, error):
    with pytest.raises(error, match="time_axis="):
        BandMeanNormalization(time_axis=time_axis)


def test_audio_conv2d_names_a_bad_subtract_band_mean():
    with pytest.raises(mmzoo.ArgumentTypeError, match="subtract_band_mean"):
        branches.audio_conv2d(input_shape=(16, 12), subtract_band_mean="yes")
