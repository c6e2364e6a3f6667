"""`masked_mean`: the mean of token features over the steps a padding mask keeps."""

from keras import ops

from mmzoo.errors import ConfigurationError


def masked_mean(tokens, mask):
    """Averages `(batch, steps, dim)` tokens over the steps a mask keeps.

    Args:
        tokens: Token tensor.
        mask: Boolean `(batch, steps)` mask, or None to average every step.

    Returns:
        A `(batch, dim)` tensor.

    Raises:
        ConfigurationError: `tokens` is not 3-D, or `mask` not `(batch, steps)`.
    """
    if len(tokens.shape) != 3:
        raise ConfigurationError(
            f"`tokens` must be 3-D (batch, steps, dim). Received: tokens of shape {tuple(tokens.shape)}"
        )
    if mask is not None and len(mask.shape) != 2:
        raise ConfigurationError(
            f"`mask` must be 2-D (batch, steps). Received: mask of shape {tuple(mask.shape)}"
        )
    if mask is None:
        return ops.mean(tokens, axis=1)
    weights = ops.expand_dims(ops.cast(mask, tokens.dtype), -1)
    total = ops.sum(tokens * weights, axis=1)
    count = ops.maximum(ops.sum(weights, axis=1), 1.0)
    return total / count
