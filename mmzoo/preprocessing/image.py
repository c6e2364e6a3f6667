"""Image preprocessing: decode, resize, scale, and training-time augmentation.

`decode_image` is pure TensorFlow, so it runs inside `tf.data` pipelines.
`load_image` reads one file eagerly (for checks and notebooks). `augmentation`
returns Keras preprocessing layers that change images only when called with
`training=True`, so they can sit at the top of a model.
"""

import keras
import tensorflow as tf

from mmzoo._checks import check_bool, check_choice, check_positive_int_sequence, check_probability
from mmzoo._files import reading
from mmzoo.errors import ConfigurationError

SCALE_OPTIONS = ("unit", "vgg16")


def decode_image(contents, size=(224, 224), channels=3, scale="unit", resize=True):
    """Decodes an encoded PNG, JPEG, GIF or BMP image into a float tensor.

    Args:
        contents: Scalar string tensor holding the encoded file bytes.
        size: `(height, width)` the image is resized to (bilinear, without
            keeping the aspect ratio).
        channels: 1 for grayscale or 3 for RGB; the file is converted to that
            number of channels whatever it holds.
        scale: `"unit"` scales pixels to `[0, 1]`; `"vgg16"` applies
            `keras.applications.vgg16.preprocess_input` (BGR, ImageNet mean
            subtracted), as the VGG16 image branch expects; requires
            `channels=3`.
        resize: True resizes an image that is not at `size` (checked image
            by image; one already at `size` is kept as it is, since the
            antialiased resize costs 3x the decoding even then). False
            promises that every image is at `size` already, as a pass that
            decoded them all found (`mmzoo.datasets.from_dataframe`): the
            per-image check is skipped (10-15% of the throughput of small
            images) and an image of another size fails at run time.

    Returns:
        A `float32` tensor of shape `(height, width, channels)`.

    Raises:
        ConfigurationError: If an argument has an invalid value.
        tf.errors.InvalidArgumentError: At run time, if the bytes are not a
            decodable image, or with `resize=False` not at `size`.
    """
    size = check_positive_int_sequence("size", size, length=2)
    _check_channels_and_scale(channels, scale)
    check_bool("resize", resize)
    image = tf.cast(tf.io.decode_image(contents, channels=channels, expand_animations=False, dtype=tf.uint8),
                    tf.float32)
    image = _resize_unless_at(image, size, channels) if resize else tf.ensure_shape(image, (*size, channels))
    if scale == "vgg16":
        return keras.applications.vgg16.preprocess_input(image)
    return image / 255.0


def _resize_unless_at(image, size, channels):
    """Resizes a decoded image to `size` unless it is at `size` already."""
    image = tf.cond(
        tf.reduce_all(tf.equal(tf.shape(image)[:2], size)),
        lambda: image,
        lambda: tf.clip_by_value(tf.image.resize(image, size, method="bilinear", antialias=True), 0.0, 255.0),
    )
    image.set_shape((size[0], size[1], channels))
    return image


def load_image(path, size=(224, 224), channels=3, scale="unit"):
    """Reads and decodes one image file eagerly.

    Args:
        path: Path of a PNG, JPEG, GIF or BMP file.
        size: `(height, width)` the image is resized to.
        channels: 1 for grayscale or 3 for RGB.
        scale: `"unit"` or `"vgg16"`, as in `decode_image`.

    Returns:
        A `float32` numpy array of shape `(height, width, channels)`.

    Raises:
        ConfigurationError: If an argument has an invalid value.
        DamagedFileError: If the file is not a decodable image.
        tf.errors.NotFoundError: If the file does not exist.
    """
    _check_channels_and_scale(channels, scale)
    check_positive_int_sequence("size", size, length=2)
    contents = tf.io.read_file(str(path))
    with reading(path, "image", "Check that it opens in an image viewer; convert it to PNG or JPEG, or drop it."):
        return decode_image(contents, size=size, channels=channels, scale=scale).numpy()


def augmentation(flip="horizontal", rotation=0.1, contrast=0.2, seed=None, name="image_augmentation"):
    """Creates random flip, rotation and contrast layers for training only.

    The returned layers are the identity at inference (`training=False`, the
    default of `predict` and `evaluate`), so the block can be part of a saved
    model. Called without `training` they augment, as Keras' augmentation
    layers do (what a `tf.data` pipeline's `map` wants); inside a model, wrap
    the block, `mmzoo.layers.TrainingOnly(augmentation())`, so that
    `model(x)` and Keras' own `model.export` leave images unchanged too.

    Args:
        flip: `"horizontal"`, `"vertical"`, `"horizontal_and_vertical"` or
            `None` for no flip.
        rotation: Largest rotation as a fraction of a full turn (0.1 is 36
            degrees); 0 disables rotation.
        contrast: Largest relative contrast change; 0 disables it. Images are
            expected in `[0, 1]` (the `"unit"` scale of `decode_image`).
        seed: Optional integer seed for the random transformations.
        name: Name of the returned `keras.Sequential`.

    Returns:
        A `keras.Sequential` of `RandomFlip`, `RandomRotation` and
        `RandomContrast` layers (those that are enabled).

    Raises:
        ArgumentTypeError: If `rotation` or `contrast` is not a number.
        ConfigurationError: If an argument has an invalid value, or every
            transformation is disabled.
    """
    check_choice("flip", flip, ("horizontal", "vertical", "horizontal_and_vertical", None))
    check_probability("rotation", rotation)
    check_probability("contrast", contrast)
    layers = []
    if flip is not None:
        layers.append(keras.layers.RandomFlip(flip, seed=seed, name=f"{name}_flip"))
    if rotation:
        layers.append(
            keras.layers.RandomRotation(rotation, fill_mode="constant", seed=seed, name=f"{name}_rotation")
        )
    if contrast:
        layers.append(
            keras.layers.RandomContrast(contrast, value_range=(0, 1), seed=seed, name=f"{name}_contrast")
        )
    if not layers:
        raise ConfigurationError(
            "At least one transformation must be enabled. "
            f"Received: flip={flip!r}, rotation={rotation!r}, contrast={contrast!r}"
        )
    return keras.Sequential(layers, name=name)


def _check_channels_and_scale(channels, scale):
    check_choice("channels", channels, (1, 3))
    check_choice("scale", scale, SCALE_OPTIONS)
    if scale == "vgg16" and channels != 3:
        raise ConfigurationError(
            f"`scale='vgg16'` needs RGB images (`channels=3`). Received: channels={channels}"
        )
