"""`Index`: exact top-k search identical to numpy brute force, bounded blocks, save/load, bad input."""

import os

import numpy as np
import pytest

from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.retrieval import Index, index_path
from mmzoo.retrieval import index as index_module


def _unit(rows, dim=16, seed=0):
    values = np.random.default_rng(seed).normal(size=(rows, dim)).astype("float32")
    return values / np.linalg.norm(values, axis=1, keepdims=True)


def test_search_is_numpy_brute_force_on_10k_items_over_many_blocks(monkeypatch):
    monkeypatch.setattr(index_module, "BLOCK_ROWS", 1500)
    monkeypatch.setattr(index_module, "QUERY_BATCH", 64)
    items, queries = _unit(10000, 32, seed=0), _unit(300, 32, seed=1)
    index = Index()
    index.add(items[:4000]).add(items[4000:])          # two calls, ids continue
    assert len(index) == 10000 and index.dim == 32 and len(index._blocks) == 7  # 3 + 4 blocks of at most 1,500 rows
    ids, scores = index.search(queries, k=10)
    full = queries @ items.T
    expected = np.argsort(-full, axis=1, kind="stable")[:, :10]
    np.testing.assert_array_equal(ids, expected)
    np.testing.assert_allclose(scores, np.take_along_axis(full, expected, axis=1), rtol=1e-6, atol=1e-6)


def test_ids_are_returned_and_k_equal_to_the_size_ranks_everything():
    items = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype="float32")
    index = Index(modality="image").add(items, ids=["a", "b", "c"])
    ids, scores = index.search(np.array([[0.0, 1.0]]), k=3)
    assert ids.tolist() == [["b", "c", "a"]]
    np.testing.assert_allclose(scores, [[1.0, 0.8, 0.0]], atol=1e-6)


def test_saved_and_loaded_gives_the_same_results(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "BLOCK_ROWS", 100)
    items, queries = _unit(350), _unit(20, seed=3)
    index = Index(modality="audio").add(items, ids=np.arange(350) * 10)
    path = tmp_path / "items.index.npz"
    index.save(path)
    loaded = Index.load(path)
    assert loaded.modality == "audio" and len(loaded) == 350
    for got, expected in zip(loaded.search(queries, 7), index.search(queries, 7)):
        np.testing.assert_array_equal(got, expected)
    assert os.listdir(tmp_path) == ["items.index.npz"]


def test_a_failed_save_leaves_no_file(tmp_path, monkeypatch):
    index = Index().add(_unit(5))

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(index_module.np, "savez", broken)
    with pytest.raises(OSError):
        index.save(tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []


def test_index_path_sits_next_to_the_model():
    assert index_path("runs/a/model.keras", "image") == "runs/a/model.image.index.npz"


@pytest.mark.parametrize("call, error, message", [
    (lambda index: index.add(_unit(3, dim=8)), ConfigurationError, r"size of the index's embeddings, 16\. Received: embeddings.shape=\(3, 8\)"),
    (lambda index: index.search(_unit(2, dim=8), k=1), ConfigurationError, r"Received: queries.shape=\(2, 8\)"),
    (lambda index: index.search(_unit(2), k=6), ConfigurationError, r"at most the number of items in the index \(5\)\. Received: k=6"),
    (lambda index: index.search(_unit(2), k=0), ConfigurationError, "k=0"),
    (lambda index: index.add(_unit(3), ids=[1, 2]), ConfigurationError, r"ids.shape=\(2,\)"),
    (lambda index: index.add(_unit(2), ids=["x", "y"]), ArgumentTypeError, "ids"),
    (lambda index: index.add(np.full((1, 16), np.nan)), ConfigurationError, r"NaN.*Received: embeddings.shape=\(1, 16\)"),
    (lambda index: index.add(np.ones(16)), ConfigurationError, r"embeddings.shape=\(16,\)"),
    (lambda index: index.save("index.json"), ConfigurationError, "path='index.json'"),
])
def test_bad_input_names_the_argument_and_value(call, error, message):
    index = Index().add(_unit(5))
    with pytest.raises(error, match=message):
        call(index)
    assert len(index) == 5


def test_an_empty_index_refuses_a_search(tmp_path):
    with pytest.raises(ConfigurationError, match=r"index is empty.*Received: len\(index\)=0"):
        Index().search(_unit(1), k=1)
    with pytest.raises(ConfigurationError, match="not an mmzoo index"):
        np.savez(tmp_path / "other.npz", values=np.ones(2))
        Index.load(tmp_path / "other.npz")
