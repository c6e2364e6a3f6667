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

VGG16_MIN_SIZE = 32


def _check_vgg16_weights(weights, input_shape):
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


def vgg16(input_shape=(224, 224, 3), weights=None, trainable=False,
          pooling="flatten", name="image_vgg16"):
    """Builds an image branch on the VGG16 convolutional backbone.

    The backbone is `keras.applications.VGG16` without its classifier top.
    Images should be prepared with `keras.applications.vgg16.preprocess_input`.

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
    _check_vgg16_weights(weights, input_shape)
    check_bool("trainable", trainable)
    check_choice("pooling", pooling, POOLING_MODES)

    backbone = keras.applications.VGG16(
        include_top=False,
        weights=None if weights is None else os.fspath(weights),
        input_shape=input_shape,
    )
    backbone.trainable = trainable
    inputs = keras.Input(shape=input_shape, name=f"{name}_input")
    features = pool_feature_map(backbone(inputs), pooling, name)
    return keras.Model(inputs, features, name=name)


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
