"""The Conv2D + MaxPooling stack shared by the image and spectrogram branches."""

import keras

from mmzoo.branches._pooling import pool_feature_map
from mmzoo._checks import (
    POOLING_MODES,
    check_choice,
    check_positive_int,
    check_positive_int_sequence,
    check_rate,
)
from mmzoo.errors import ConfigurationError


PADDING_MODES = ("same", "valid")

CONV_BLOCK_ARGS = """filters: Number of filters of each block; one block per entry.
        kernel_size: Square convolution kernel size.
        pool_size: Square max-pooling size after each convolution.
        padding: `"same"` or `"valid"` convolution padding.
        activation: Activation of the convolutions (and of `units`).
        batch_norm: Whether to add BatchNormalization after each convolution.
        dropout: Dropout rate on the pooled features (0 for none)."""
"""The arguments of the Conv2D + MaxPooling blocks, as the branch builders document them."""


def check_conv_arguments(filters, kernel_size, pool_size, padding, pooling, dropout, units):
    """Validates the arguments of a convolutional branch.

    Args:
        filters: Filters of each Conv2D block.
        kernel_size: Square kernel size.
        pool_size: Square max-pooling size.
        padding: Convolution padding, `"same"` or `"valid"`.
        pooling: How the last feature map becomes features.
        dropout: Dropout rate after the stack.
        units: Width of an optional final Dense layer, or None.

    Returns:
        `filters` as a tuple.

    Raises:
        ConfigurationError: an argument is out of range.
        ArgumentTypeError: an argument has the wrong type.
    """
    filters = check_positive_int_sequence("filters", filters)
    check_positive_int("kernel_size", kernel_size)
    check_positive_int("pool_size", pool_size)
    check_choice("padding", padding, PADDING_MODES)
    check_choice("pooling", pooling, POOLING_MODES)
    check_rate("dropout", dropout)
    if units is not None:
        check_positive_int("units", units)
        if pooling == "tokens":
            raise ConfigurationError(
                "`units` adds a Dense layer on a pooled vector and cannot be "
                "combined with pooling='tokens'. Received: units="
                f"{units!r}, pooling={pooling!r}"
            )
    return filters


def check_spatial_size(input_shape, num_blocks, kernel_size, pool_size, padding):
    """Raises when the stack would shrink the input below one pixel.

    Args:
        input_shape: `(height, width, channels)`.
        num_blocks: Number of Conv2D + MaxPooling blocks.
        kernel_size: Square kernel size.
        pool_size: Square max-pooling size.
        padding: Convolution padding, `"same"` or `"valid"`.

    Raises:
        ConfigurationError: the input is too small for the stack.
    """
    size = min(input_shape[0], input_shape[1])
    for _ in range(num_blocks):
        if padding == "valid":
            size -= kernel_size - 1
        size = size // pool_size if size > 0 else 0
    if size < 1:
        raise ConfigurationError(
            f"{num_blocks} block(s) of {kernel_size}x{kernel_size} convolution "
            f"(padding={padding!r}) and {pool_size}x{pool_size} max pooling "
            f"shrink this input to nothing. Received: input_shape={input_shape!r}"
        )


def conv_stack(inputs, filters, kernel_size, pool_size, padding, activation,
               batch_norm, dropout, pooling, units, name):
    """Applies Conv2D (+ BatchNorm) + MaxPooling blocks and pools the result.

    Args:
        inputs: Symbolic `(batch, height, width, channels)` tensor.
        filters: Filters of each block, e.g. `(32,)`.
        kernel_size: Square kernel size.
        pool_size: Square max-pooling size.
        padding: Convolution padding, `"same"` or `"valid"`.
        activation: Activation of the convolutions.
        batch_norm: Whether to add BatchNormalization after each convolution.
        dropout: Dropout rate after the stack (0 for none).
        pooling: `"flatten"`, `"avg"`, `"max"` or `"tokens"`.
        units: Width of a final Dense layer on the pooled vector, or None.
        name: Prefix of the layer names (`{name}_block1_conv`, ...).

    Returns:
        The features: `(batch, dim)` or, for `pooling="tokens"`,
        `(batch, steps, channels)`.
    """
    x = inputs
    for index, block_filters in enumerate(filters, start=1):
        prefix = f"{name}_block{index}"
        x = keras.layers.Conv2D(
            block_filters,
            kernel_size,
            padding=padding,
            activation=None if batch_norm else activation,
            name=f"{prefix}_conv",
        )(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"{prefix}_bn")(x)
            x = keras.layers.Activation(activation, name=f"{prefix}_act")(x)
        x = keras.layers.MaxPooling2D(pool_size, name=f"{prefix}_pool")(x)
    x = pool_feature_map(x, pooling, name)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    if units is not None:
        x = keras.layers.Dense(units, activation=activation, name=f"{name}_dense")(x)
    return x
