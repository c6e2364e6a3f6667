"""Pooling over the steps a padding mask keeps."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="mmzoo")
class MaskedGlobalMaxPooling1D(keras.layers.Layer):
    """Max over the time steps, ignoring masked (padding) steps.

    Keras' `GlobalMaxPooling1D` drops the mask and takes padded steps into
    the max; this layer takes the max over the kept steps only. A sample
    whose every step is masked gets zeros.

    Example:
        >>> x = keras.layers.Embedding(100, 8, mask_zero=True)(token_ids)
        >>> features = MaskedGlobalMaxPooling1D()(x)  # (batch, 8)

    Args:
        **kwargs: Standard layer arguments.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.max(inputs, axis=1)
        kept = ops.expand_dims(ops.cast(mask, "bool"), axis=-1)
        lowest = ops.full_like(inputs, float("-inf"))
        maxima = ops.max(ops.where(kept, inputs, lowest), axis=1)
        any_kept = ops.any(kept, axis=1)
        return ops.where(any_kept, maxima, ops.zeros_like(maxima))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])
