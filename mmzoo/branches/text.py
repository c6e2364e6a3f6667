"""Text branches: token ids `(sequence_length,)` -> features."""

import keras

from mmzoo._deprecation import renamed_arguments
from mmzoo._checks import (
    OUTPUT_MODES,
    check_bool,
    check_choice,
    check_positive_int,
    check_rate,
)
from mmzoo.layers.masked_global_max_pooling1d import MaskedGlobalMaxPooling1D


def _check_token_sizes(vocab_size, sequence_length, embedding_dim):
    """Raises unless the sizes of a token input and of its embeddings are positive integers."""
    check_positive_int("vocab_size", vocab_size)
    if sequence_length is not None:
        check_positive_int("sequence_length", sequence_length)
    check_positive_int("embedding_dim", embedding_dim)


def _embedded_tokens(vocab_size, sequence_length, embedding_dim, mask_zero, name):
    """Returns the int token input of a text branch and its token embeddings."""
    inputs = keras.Input(shape=(sequence_length,), dtype="int32", name=f"{name}_input")
    embeddings = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=mask_zero,
                                        name=f"{name}_embedding")(inputs)
    return inputs, embeddings


@renamed_arguments(output="pooling")
def lstm(vocab_size, sequence_length=None, embedding_dim=64, units=64,
         bidirectional=False, dropout=0.0, recurrent_dropout=0.0,
         pooling="vector", mask_zero=True, name="text_lstm"):
    """Builds a text branch: Embedding + LSTM over integer token ids.

    Token id 0 is padding: with `mask_zero=True` the LSTM skips it, so padded
    and unpadded texts get the same features.

    Reference:
        Hochreiter & Schmidhuber, "Long Short-Term Memory", Neural
        Computation 1997.

    Args:
        vocab_size: Number of token ids, padding (0) and out-of-vocabulary
            ids included, e.g. `TextVectorization.vocabulary_size()`.
        sequence_length: Fixed number of tokens per text, or None for any
            length.
        embedding_dim: Size of the token embeddings.
        units: Size of the LSTM state (twice that when bidirectional).
        bidirectional: Whether to read the text in both directions.
        dropout: Dropout rate of the LSTM inputs (0 for none).
        recurrent_dropout: Dropout rate of the LSTM recurrent state.
        pooling: `"vector"` (last state, `(batch, units)`) or `"tokens"`
            (every state, `(batch, steps, units)`, for attention fusion).
        mask_zero: Whether id 0 is padding to be masked.
        name: Name of the returned model; also prefixes its own layers.

    Returns:
        A `keras.Model` from int token ids to text features.

    Raises:
        ValueError: a size is not positive, a rate is not in [0, 1) or
            `pooling` is unknown.
        TypeError: a size or flag has the wrong type.
    """
    _check_token_sizes(vocab_size, sequence_length, embedding_dim)
    check_positive_int("units", units)
    check_rate("dropout", dropout)
    check_rate("recurrent_dropout", recurrent_dropout)
    check_choice("pooling", pooling, OUTPUT_MODES)
    check_bool("bidirectional", bidirectional)
    check_bool("mask_zero", mask_zero)

    inputs, x = _embedded_tokens(vocab_size, sequence_length, embedding_dim, mask_zero, name)
    recurrent = keras.layers.LSTM(
        units,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        return_sequences=pooling == "tokens",
        name=f"{name}_lstm",
    )
    if bidirectional:
        recurrent = keras.layers.Bidirectional(recurrent, name=f"{name}_bidirectional")
    features = recurrent(x)
    return keras.Model(inputs, features, name=name)


def embedding(vocab_size, sequence_length=None, embedding_dim=64, pooling="avg", dropout=0.0,
              mask_zero=True, name="text_embedding"):
    """Builds a text branch: token embeddings, pooled (no recurrence).

    A bag-of-embeddings text encoder: fast, and often enough for short texts.

    Args:
        vocab_size: Number of token ids, padding (0) and out-of-vocabulary
            ids included.
        sequence_length: Fixed number of tokens per text, or None.
        embedding_dim: Size of the token embeddings.
        pooling: `"avg"` (masked mean, `(batch, embedding_dim)`), `"max"`
            (masked max, same shape), or
            `"tokens"` (`(batch, steps, embedding_dim)`, for attention
            fusion).
        dropout: Dropout rate on the embeddings (0 for none).
        mask_zero: Whether id 0 is padding to be masked.
        name: Name of the returned model; also prefixes its own layers.

    Returns:
        A `keras.Model` from int token ids to text features.

    Raises:
        ValueError: a size is not positive, `dropout` is not in [0, 1) or
            `pooling` is unknown.
        TypeError: a size or flag has the wrong type.
    """
    _check_token_sizes(vocab_size, sequence_length, embedding_dim)
    check_choice("pooling", pooling, ("avg", "max", "tokens"))
    check_rate("dropout", dropout)
    check_bool("mask_zero", mask_zero)

    inputs, x = _embedded_tokens(vocab_size, sequence_length, embedding_dim, mask_zero, name)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    if pooling == "avg":
        x = keras.layers.GlobalAveragePooling1D(name=f"{name}_avg_pool")(x)
    elif pooling == "max":
        x = MaskedGlobalMaxPooling1D(name=f"{name}_max_pool")(x)
    return keras.Model(inputs, x, name=name)
