import numpy as np
import pytest

import mmzoo
from mmzoo import branches, heads
from harness import check_model


@pytest.mark.parametrize(
    "kwargs, expected_shape",
    [({}, (None, 128)), ({"hidden_units": (64, 32), "dropout": 0.1, "batch_norm": True}, (None, 32))],
)
def test_dense_shapes_train_and_reload(kwargs, expected_shape, tmp_path):
    branch = branches.dense(input_dim=128, **kwargs)
    assert branch.output.shape == expected_shape
    model = mmzoo.build_model({"audio": branch}, head=heads.regression())
    features = np.random.default_rng(0).normal(size=(8, 128)).astype("float32")
    check_model(model, {"audio": features}, np.linspace(0, 1, 8), tmp_path)


@pytest.mark.parametrize(
    "input_shape, kwargs, expected_shape",
    [
        ((32, 20), {}, (None, 8 * 5 * 32)),
        ((32, 20, 1), {"pooling": "avg"}, (None, 32)),
        ((32, 20), {"pooling": "tokens"}, (None, 40, 32)),
        ((32, 20), {"standardize": True, "batch_norm": True, "pooling": "avg"}, (None, 32)),
        ((32, 20), {"frequency_shift": 2, "subtract_band_mean": True}, (None, 8 * 5 * 32)),
    ],
)
def test_spectrogram_conv2d_shapes_train_and_reload(input_shape, kwargs, expected_shape, tmp_path):
    branch = branches.audio_conv2d(input_shape=input_shape, **kwargs)
    assert branch.output.shape == expected_shape
    model = mmzoo.build_model({"audio": branch}, head=heads.multiclass(3))
    spectrograms = np.random.default_rng(0).random((8,) + input_shape, dtype="float32")
    check_model(model, {"audio": spectrograms}, np.arange(8) % 3, tmp_path)


def test_spectrogram_conv2d_standardize_learns_the_spectrogram_statistics():
    rng = np.random.default_rng(0)
    spectrograms = (0.73 + 0.09 * rng.standard_normal((256, 16, 16))).astype("float32")
    branch = branches.audio_conv2d(input_shape=(16, 16), standardize=True, pooling="avg")
    model = mmzoo.build_model({"audio": branch}, head=heads.multiclass(2))
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit({"audio": spectrograms}, np.arange(256) % 2, epochs=3, batch_size=8, verbose=0)
    standardize = branch.get_layer("audio_conv2d_standardize")
    assert abs(float(standardize.moving_mean.numpy()[0]) - 0.73) < 0.01
    assert abs(float(standardize.moving_variance.numpy()[0]) - 0.09**2) < 0.001


def test_spectrogram_conv2d_standardize_must_be_a_bool():
    with pytest.raises(TypeError, match="standardize.*Received: standardize='yes'"):
        branches.audio_conv2d(input_shape=(16, 16), standardize="yes")


def test_frequency_shift_moves_the_bands_in_training_only():
    branch = branches.audio_conv2d(input_shape=(8, 16), frequency_shift=3, pooling="avg")
    shift = branch.get_layer("audio_conv2d_frequency_shift")
    spectrogram = np.zeros((1, 8, 16, 1), "float32")
    spectrogram[..., 8, :] = 1.0   # one band lit
    np.testing.assert_array_equal(shift(spectrogram, training=False), spectrogram)
    moved = set()
    for _ in range(20):
        bands = np.asarray(shift(spectrogram, training=True))[0, 0, :, 0]
        assert bands.max() > 0.4
        moved.add(int(bands.argmax()))
    assert len(moved) > 1 and all(5 <= band <= 11 for band in moved)   # at most 3 bins either way


def test_frequency_shift_must_be_a_non_negative_integer():
    with pytest.raises(ValueError, match="frequency_shift.*Received: frequency_shift=-1"):
        branches.audio_conv2d(input_shape=(16, 16), frequency_shift=-1)
