import numpy as np
import pytest

import mmzoo
from mmzoo import branches, heads
from harness import check_model


def _token_ids(count=8, length=10, vocab=50):
    ids = np.random.default_rng(0).integers(1, vocab, size=(count, length)).astype("int32")
    ids[:, 6:] = 0
    return ids


@pytest.mark.parametrize(
    "kwargs, expected_shape",
    [
        ({}, (None, 16)),
        ({"bidirectional": True}, (None, 32)),
        ({"pooling": "tokens"}, (None, 10, 16)),
        ({"pooling": "tokens", "bidirectional": True}, (None, 10, 32)),
        ({"dropout": 0.2, "recurrent_dropout": 0.1}, (None, 16)),
    ],
)
def test_lstm_shapes_train_and_reload(kwargs, expected_shape, tmp_path):
    branch = branches.lstm(vocab_size=50, sequence_length=10, embedding_dim=8, units=16, **kwargs)
    assert branch.output.shape == expected_shape
    model = mmzoo.build_model({"text": branch}, head=heads.binary())
    check_model(model, {"text": _token_ids()}, np.arange(8) % 2, tmp_path)


def test_lstm_masks_padding():
    branch = branches.lstm(vocab_size=50, sequence_length=None, embedding_dim=8, units=16)
    short = _token_ids()[:, :6]
    padded = np.pad(short, ((0, 0), (0, 7)))
    np.testing.assert_allclose(branch.predict(short, verbose=0), branch.predict(padded, verbose=0), atol=1e-6)


def test_lstm_without_mask_sees_padding():
    branch = branches.lstm(vocab_size=50, embedding_dim=8, units=16, mask_zero=False)
    short = _token_ids()[:, :6]
    padded = np.pad(short, ((0, 0), (0, 7)))
    assert not np.allclose(branch.predict(short, verbose=0), branch.predict(padded, verbose=0), atol=1e-4)


@pytest.mark.parametrize("pooling, expected_shape", [("avg", (None, 8)), ("max", (None, 8)), ("tokens", (None, 10, 8))])
def test_embedding_shapes_train_and_reload(pooling, expected_shape, tmp_path):
    branch = branches.embedding(vocab_size=50, sequence_length=10, embedding_dim=8, pooling=pooling, dropout=0.1)
    assert branch.output.shape == expected_shape
    model = mmzoo.build_model({"text": branch}, head=heads.multiclass(3))
    check_model(model, {"text": _token_ids()}, np.arange(8) % 3, tmp_path)


def test_embedding_average_skips_padding():
    branch = branches.embedding(vocab_size=50, embedding_dim=4)
    table = branch.get_layer("text_embedding_embedding").embeddings.numpy()
    features = branch.predict(np.array([[3, 4, 0, 0, 0]]), verbose=0)
    np.testing.assert_allclose(features[0], table[[3, 4]].mean(axis=0), rtol=1e-6)


def test_embedding_max_skips_padding_even_when_the_padding_embedding_is_largest():
    branch = branches.embedding(vocab_size=50, embedding_dim=4, pooling="max")
    layer = branch.get_layer("text_embedding_embedding")
    table = layer.embeddings.numpy()
    table[0] = 100.0
    layer.embeddings.assign(table)
    features = branch.predict(np.array([[3, 4, 0, 0, 0], [0, 0, 0, 0, 0]]), verbose=0)
    np.testing.assert_allclose(features[0], table[[3, 4]].max(axis=0), rtol=1e-6)
    np.testing.assert_array_equal(features[1], np.zeros(4))
