"""`TokenAndPositionEmbedding`: through the shared harness, and its padding mask."""

import numpy as np
from harness import run_layer_test

from mmzoo.layers import TokenAndPositionEmbedding


def test_token_and_position_embedding_through_the_harness():
    tokens = np.array([[2, 5, 0, 0], [1, 1, 3, 0]], "int32")
    settings = {"vocab_size": 6, "sequence_length": 4, "embedding_dim": 3}
    embedded = run_layer_test(TokenAndPositionEmbedding, settings, tokens, expected_output_shape=(2, 4, 3))
    layer = TokenAndPositionEmbedding(**settings)
    np.testing.assert_array_equal(np.asarray(layer.compute_mask(tokens)), tokens != 0)
    assert np.all(np.isfinite(np.asarray(embedded)))


def test_the_same_token_differs_by_position():
    layer = TokenAndPositionEmbedding(vocab_size=4, sequence_length=3, embedding_dim=2)
    embedded = np.asarray(layer(np.array([[1, 1, 1]], "int32")))
    tokens = np.asarray(layer.tokens(np.array([1])))[0]
    positions = np.asarray(layer.positions(np.arange(3)))
    np.testing.assert_allclose(embedded[0], tokens + positions, rtol=1e-6)
