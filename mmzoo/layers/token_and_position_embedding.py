"""`TokenAndPositionEmbedding`: token embeddings plus learned position embeddings."""

import keras

from mmzoo._checks import check_positive_int
from keras import ops

from mmzoo._deprecation import renamed_arguments


@keras.saving.register_keras_serializable(package="mmzoo")
class TokenAndPositionEmbedding(keras.layers.Layer):
    """Token embeddings plus learned position embeddings; id 0 is masked padding.

    Args:
        vocab_size: Number of token ids.
        sequence_length: Longest sequence (the number of positions).
        embedding_dim: Size of the embeddings.
        **kwargs: Standard layer arguments.
    """

    @renamed_arguments(max_length="sequence_length")
    def __init__(self, vocab_size, sequence_length, embedding_dim, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("vocab_size", vocab_size), ("sequence_length", sequence_length),
                            ("embedding_dim", embedding_dim)):
            check_positive_int(name, value)
        self.vocab_size = vocab_size
        self.sequence_length = sequence_length
        self.embedding_dim = embedding_dim
        self.tokens = keras.layers.Embedding(vocab_size, embedding_dim, name="tokens")
        self.positions = keras.layers.Embedding(sequence_length, embedding_dim, name="positions")

    def build(self, input_shape):
        self.tokens.build(input_shape)
        self.positions.build((input_shape[1],))
        self.built = True

    def call(self, inputs):
        steps = ops.arange(ops.shape(inputs)[1])
        return self.tokens(inputs) + ops.expand_dims(self.positions(steps), 0)

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0)

    def get_config(self):
        config = {"vocab_size": self.vocab_size, "sequence_length": self.sequence_length,
                  "embedding_dim": self.embedding_dim}
        return {**super().get_config(), **config}
