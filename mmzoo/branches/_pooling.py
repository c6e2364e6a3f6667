"""Turning a convolutional feature map into branch features."""

import keras


def pool_feature_map(feature_map, pooling, name):
    """Pools a `(batch, height, width, channels)` feature map.

    Args:
        feature_map: The symbolic feature map.
        pooling: `"flatten"` (vector of height * width * channels), `"avg"` or
            `"max"` (global pooling, vector of channels), or `"tokens"` (one
            token per spatial position: `(batch, height * width, channels)`,
            for attention fusion).
        name: Prefix of the created layer's name.

    Returns:
        The pooled symbolic tensor.
    """
    if pooling == "flatten":
        return keras.layers.Flatten(name=f"{name}_flatten")(feature_map)
    if pooling == "avg":
        return keras.layers.GlobalAveragePooling2D(name=f"{name}_avg_pool")(feature_map)
    if pooling == "max":
        return keras.layers.GlobalMaxPooling2D(name=f"{name}_max_pool")(feature_map)
    height, width, channels = feature_map.shape[1:]
    return keras.layers.Reshape((height * width, channels), name=f"{name}_tokens")(feature_map)
