"""Image branches: an image `(height, width, channels)` -> features."""

import os

import keras

from mmzoo._docstrings import shared_arguments
from mmzoo.branches._conv import CONV_BLOCK_ARGS, check_conv_arguments, check_spatial_size, conv_stack
from mmzoo.branches._pooling import pool_feature_map
from mmzoo._checks import (
    POOLING_MODES,
    check_bool,
    check_choice,
    check_input_shape,
)
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.layers.application_preprocessing import ApplicationPreprocessing, application_modules

VGG16_MIN_SIZE = 32


def _check_weights(weights, input_shape):
    if weights is None:
        return
    if not isinstance(weights, (str, os.PathLike)):
        raise ArgumentTypeError(
            "`weights` must be None, 'imagenet' or the path to a weights file. "
            f"Received: weights={weights!r}"
        )
    if weights == "imagenet":
        if input_shape[2] != 3:
            raise ConfigurationError(
                "ImageNet weights need 3-channel (RGB) images. "
                f"Received: input_shape={input_shape!r}, weights='imagenet'"
            )
        return
    if not os.path.isfile(weights):
        raise ConfigurationError(
            "`weights` must be None, 'imagenet' or the path to an existing "
            f"weights file. Received: weights={os.fspath(weights)!r}"
        )


def application(name, input_shape=(224, 224, 3), weights="imagenet", trainable=False, pooling="avg",
                preprocess=True, branch_name=None):
    """Builds an image branch on any image network of `keras.applications`, without its classifier top.

    Any of `keras.applications`' networks: `"ResNet50"`, `"EfficientNetB0"`,
    `"MobileNetV3Small"`, `"ConvNeXtTiny"`, `"VGG16"`, ... The network's own
    `preprocess_input` runs inside the branch (a registered
    `mmzoo.layers.ApplicationPreprocessing` layer), so the branch takes
    pixels in [0, 255] and its `.keras` file serves raw images.

    Example:
        >>> branch = branches.application("ResNet50", input_shape=(96, 96, 3), weights="resnet50_notop.weights.h5")

    Args:
        name: The network's name in `keras.applications`.
        input_shape: `(height, width, channels)`; each network has its own
            smallest size (32 for most, 75 for the Inception family).
        weights: `"imagenet"` (downloaded by Keras on first use), `None`
            (random initialisation) or the path to a local weights file of
            the network without its top, such as one written by
            `network.save_weights("resnet50.weights.h5")`.
        trainable: Whether the network is trained. Frozen by default, as in
            the classic transfer-learning recipe (and so that
            `cache_frozen=True` can cache its features).
        pooling: `"avg"` or `"max"` (a vector of the last feature map's
            channels), `"flatten"` or `"tokens"` (one token per spatial
            position of the last feature map, for attention fusion).
        preprocess: Whether the branch applies the network's
            `preprocess_input` to its input.
        branch_name: Name of the returned model, `"image_<name in lower
            case>"` by default; also prefixes its own layers.

    Returns:
        A `keras.Model` from the image to its features.

    Raises:
        ConfigurationError: `name` is not a network of `keras.applications`,
            `input_shape` is not 3-D or too small for the network,
            `pooling` is unknown, ImageNet weights on other than 3
            channels, or `weights` is neither None, "imagenet" nor an
            existing file.
        ArgumentTypeError: `weights`, `trainable` or `preprocess` has the wrong type.
    """
    modules = application_modules()
    check_choice("name", name, sorted(modules))
    input_shape = check_input_shape("input_shape", input_shape, 3)
    _check_weights(weights, input_shape)
    check_bool("trainable", trainable)
    check_bool("preprocess", preprocess)
    check_choice("pooling", pooling, POOLING_MODES)
    branch_name = f"image_{name.lower()}" if branch_name is None else branch_name

    try:
        backbone = getattr(keras.applications, name)(
            include_top=False, weights=None if weights is None else os.fspath(weights), input_shape=input_shape)
    except ValueError as error:  # the network's own size rules (e.g. "should be no smaller than 75")
        raise ConfigurationError(f"{name} cannot take these images: {error} Received: input_shape={input_shape!r}") \
            from error
    backbone.trainable = trainable
    inputs = keras.Input(shape=input_shape, name=f"{branch_name}_input")
    pixels = ApplicationPreprocessing(name, name=f"{branch_name}_preprocess")(inputs) if preprocess else inputs
    features = pool_feature_map(backbone(pixels), pooling, branch_name)
    return keras.Model(inputs, features, name=branch_name)


def vgg16(input_shape=(224, 224, 3), weights=None, trainable=False,
          pooling="flatten", name="image_vgg16"):
    """Builds an image branch on the VGG16 convolutional backbone: `application("VGG16", ...)`.

    The backbone is `keras.applications.VGG16` without its classifier top.
    Images should be prepared with `keras.applications.vgg16.preprocess_input`
    (the branch does not apply it; `application("VGG16")` does).

    Reference:
        Simonyan & Zisserman, "Very Deep Convolutional Networks for
        Large-Scale Image Recognition", ICLR 2015.

    Args:
        input_shape: `(height, width, channels)`, height and width at least 32.
        weights: `None` (random initialisation), `"imagenet"` (downloaded by
            Keras on first use), or the path to a local weights file such as
            one written by `backbone.save_weights("vgg16.weights.h5")`.
        trainable: Whether the backbone is trained. Frozen by default, as in
            the classic transfer-learning recipe.
        pooling: `"flatten"` (vector of `h/32 * w/32 * 512`), `"avg"` or
            `"max"` (vector of 512) or `"tokens"` (`(h/32 * w/32, 512)`, one
            token per spatial position, for attention fusion).
        name: Name of the returned model; also prefixes its own layers.

    Returns:
        A `keras.Model` from the image to its features.

    Raises:
        ValueError: `input_shape` is not 3-D or smaller than 32x32, `pooling`
            is unknown, or `weights` is neither None, "imagenet" nor an
            existing file.
        TypeError: `weights` or `trainable` has the wrong type.
    """
    input_shape = check_input_shape("input_shape", input_shape, 3)
    if min(input_shape[0], input_shape[1]) < VGG16_MIN_SIZE:
        raise ConfigurationError(
            f"VGG16 needs images of at least {VGG16_MIN_SIZE}x{VGG16_MIN_SIZE}. "
            f"Received: input_shape={input_shape!r}"
        )
    return application("VGG16", input_shape=input_shape, weights=weights, trainable=trainable, pooling=pooling,
                       preprocess=False, branch_name=name)


@shared_arguments(conv_block_args=CONV_BLOCK_ARGS)
def conv2d(input_shape=(64, 64, 3), filters=(32,), kernel_size=3, pool_size=2,
           padding="same", activation="relu", batch_norm=False, dropout=0.0,
           pooling="flatten", units=None, name="image_conv2d"):
    """Builds an image branch from a stack of Conv2D + MaxPooling blocks.

    The classic tutorial model (64x64x3 images, one block of 32 3x3 filters,
    2x2 max pooling, flattened) is
    `conv2d(input_shape=(64, 64, 3), filters=(32,), padding="valid")`.

    Args:
        input_shape: `(height, width, channels)`.
        {{conv_block_args}}
        pooling: `"flatten"`, `"avg"`, `"max"` or `"tokens"` (one token per
            spatial position, for attention fusion).
        units: Width of a Dense layer on the pooled vector, or None.
        name: Name of the returned model; also prefixes its own layers.

    Returns:
        A `keras.Model` from the image to its features.

    Raises:
        ValueError: a size is not positive, the input is too small for the
            stack, or `padding`/`pooling` is unknown.
        TypeError: a size has the wrong type.
    """
    input_shape = check_input_shape("input_shape", input_shape, 3)
    filters = check_conv_arguments(filters, kernel_size, pool_size, padding, pooling, dropout, units)
    check_spatial_size(input_shape, len(filters), kernel_size, pool_size, padding)

    inputs = keras.Input(shape=input_shape, name=f"{name}_input")
    features = conv_stack(inputs, filters, kernel_size, pool_size, padding, activation,
                          batch_norm, dropout, pooling, units, name)
    return keras.Model(inputs, features, name=name)
