import keras
import numpy as np
import pytest
import tensorflow as tf

from mmzoo.errors import ArgumentTypeError, ConfigurationError, DamagedFileError
from mmzoo.preprocessing import augmentation, decode_image, load_image


def _encoded(pixels, fmt):
    encode = tf.io.encode_png if fmt == "png" else tf.io.encode_jpeg
    return encode(tf.constant(pixels, tf.uint8))


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
@pytest.mark.parametrize("source_channels", [1, 3])
@pytest.mark.parametrize("channels", [1, 3])
def test_decodes_any_format_and_channel_count_to_unit_floats(fmt, source_channels, channels):
    pixels = np.full((12, 10, source_channels), 200, np.uint8)
    image = decode_image(_encoded(pixels, fmt), size=(6, 5), channels=channels)
    assert image.shape == (6, 5, channels)
    assert image.dtype == tf.float32
    np.testing.assert_allclose(image.numpy(), 200 / 255, atol=0.02)


def test_resize_keeps_the_picture():
    pixels = np.zeros((40, 40, 3), np.uint8)
    pixels[:, 20:] = 255  # right half white
    image = decode_image(_encoded(pixels, "png"), size=(8, 8), channels=3).numpy()
    assert image[:, :3].max() < 0.05 and image[:, 5:].min() > 0.95


def test_without_resize_an_image_at_size_decodes_the_same_and_another_size_fails():
    pixels = np.random.default_rng(0).integers(0, 256, (8, 6, 3), dtype=np.uint8)
    checked = decode_image(_encoded(pixels, "png"), size=(8, 6), channels=3, resize=False)
    np.testing.assert_array_equal(checked.numpy(), decode_image(_encoded(pixels, "png"), size=(8, 6)).numpy())
    with pytest.raises(tf.errors.InvalidArgumentError):
        decode_image(_encoded(pixels, "png"), size=(6, 8), channels=3, resize=False)


def test_vgg16_scale_is_keras_preprocess_input():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    image = decode_image(_encoded(pixels, "png"), size=(16, 16), channels=3, scale="vgg16").numpy()
    expected = keras.applications.vgg16.preprocess_input(pixels.astype(np.float32))
    np.testing.assert_allclose(image, expected, atol=1e-3)


def test_load_image_reads_a_file(tmp_path):
    path = tmp_path / "x.jpg"
    path.write_bytes(_encoded(np.full((9, 9, 3), 30, np.uint8), "jpeg").numpy())
    image = load_image(path, size=(4, 4), channels=1)
    assert image.shape == (4, 4, 1) and isinstance(image, np.ndarray)
    np.testing.assert_allclose(image, 30 / 255, atol=0.02)


def test_load_image_raises_on_a_corrupt_file(tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(_encoded(np.full((30, 30, 3), 9, np.uint8), "png").numpy()[:40])
    with pytest.raises(DamagedFileError, match=r"image file '.*broken.png' is damaged.*Received: path="):
        load_image(path, size=(4, 4))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"size": (0, 4)}, ConfigurationError, "Received: size="),
        ({"size": 32}, ArgumentTypeError, "Received: size="),
        ({"channels": 4}, ConfigurationError, "Received: channels=4"),
        ({"scale": "imagenet"}, ConfigurationError, "Received: scale='imagenet'"),
        ({"channels": 1, "scale": "vgg16"}, ConfigurationError, "Received: channels=1"),
        ({"resize": "no"}, ArgumentTypeError, "Received: resize='no'"),
    ],
)
def test_invalid_arguments_are_rejected(kwargs, error, match):
    with pytest.raises(error, match=match):
        decode_image(_encoded(np.zeros((2, 2, 1), np.uint8), "png"), **kwargs)


def test_augmentation_changes_images_only_in_training():
    images = np.random.default_rng(0).uniform(0, 1, (4, 16, 16, 3)).astype(np.float32)
    block = augmentation(flip="horizontal", rotation=0.2, contrast=0.3, seed=1)
    assert [type(layer).__name__ for layer in block.layers] == ["RandomFlip", "RandomRotation", "RandomContrast"]
    np.testing.assert_allclose(block(images, training=False), images)
    assert np.abs(block(images, training=True).numpy() - images).max() > 0.05


def test_augmentation_inside_a_model_round_trips_through_keras_save(tmp_path):
    inputs = keras.Input((8, 8, 1))
    model = keras.Model(inputs, augmentation(flip=None, rotation=0.1, contrast=0.0)(inputs))
    assert [type(layer).__name__ for layer in model.layers[1].layers] == ["RandomRotation"]
    model.save(tmp_path / "aug.keras")
    reloaded = keras.saving.load_model(tmp_path / "aug.keras", safe_mode=True)
    images = np.random.default_rng(1).uniform(0, 1, (2, 8, 8, 1)).astype(np.float32)
    np.testing.assert_allclose(reloaded.predict(images, verbose=0), images)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"flip": "diagonal"}, "Received: flip='diagonal'"),
        ({"rotation": 2}, "Received: rotation=2"),
        ({"contrast": -0.1}, "Received: contrast=-0.1"),
        ({"flip": None, "rotation": 0, "contrast": 0}, "At least one"),
    ],
)
def test_augmentation_rejects_invalid_arguments(kwargs, match):
    with pytest.raises(ConfigurationError, match=match):
        augmentation(**kwargs)
