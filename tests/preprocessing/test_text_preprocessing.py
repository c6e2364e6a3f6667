import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.preprocessing import branch_kwargs, load_vectorizer, save_vectorizer, text_vectorizer

CORPUS = ["The cat sat on the mat.", "A dog, a cat!", "Dogs and CATS play"]


def test_adapts_vocabulary_pads_with_zero_and_marks_unknown_words():
    vectorizer = text_vectorizer(CORPUS, max_tokens=50, sequence_length=6)
    ids = vectorizer(["the cat", "zebra cat"]).numpy()
    vocabulary = vectorizer.get_vocabulary()
    assert ids.shape == (2, 6)
    assert vocabulary[:2] == ["", "[UNK]"]
    assert [vocabulary[i] for i in ids[0, :2]] == ["the", "cat"]
    assert ids[0, 2:].tolist() == [0, 0, 0, 0]
    assert ids[1, 0] == 1  # out of vocabulary
    assert "cats" in vocabulary and "CATS" not in vocabulary  # lower-cased, punctuation stripped
    assert "cat!" not in vocabulary


def test_missing_texts_in_the_corpus_are_ignored():
    vectorizer = text_vectorizer(["a cat", None, float("nan"), "a dog"], max_tokens=50, sequence_length=3)
    assert "nan" not in vectorizer.get_vocabulary() and "none" not in vectorizer.get_vocabulary()
    assert set(vectorizer.get_vocabulary()[2:]) == {"a", "cat", "dog"}


def test_max_tokens_caps_the_vocabulary_and_truncation_applies():
    vectorizer = text_vectorizer(CORPUS, max_tokens=4, sequence_length=2)
    assert vectorizer.vocabulary_size() == 4
    assert vectorizer(["the cat sat on the mat"]).numpy().shape == (1, 2)


def test_branch_kwargs_follow_the_vectorizer():
    vectorizer = text_vectorizer(CORPUS, max_tokens=50, sequence_length=7)
    kwargs = branch_kwargs(vectorizer)
    assert kwargs == {"vocab_size": vectorizer.vocabulary_size(), "sequence_length": 7}
    assert kwargs["vocab_size"] == len(vectorizer.get_vocabulary())


def test_branch_kwargs_build_an_lstm_branch_that_accepts_the_ids():
    from mmzoo import branches

    vectorizer = text_vectorizer(CORPUS, max_tokens=50, sequence_length=7)
    branch = branches.lstm(**branch_kwargs(vectorizer), units=8, embedding_dim=8)
    assert branch(vectorizer(CORPUS)).shape[0] == len(CORPUS)


def test_saved_vocabulary_restores_identical_ids(tmp_path):
    vectorizer = text_vectorizer(CORPUS, max_tokens=50, sequence_length=5, standardize="lower")
    path = save_vectorizer(vectorizer, tmp_path / "model.vocab.json")
    assert json.loads((tmp_path / "model.vocab.json").read_text())["sequence_length"] == 5
    assert not list(tmp_path.glob("*.tmp-*"))
    restored = load_vectorizer(path)
    texts = ["the cat sat", "dogs, and a zebra!", "CATS play on the mat"]
    np.testing.assert_array_equal(restored(texts).numpy(), vectorizer(texts).numpy())
    assert restored.get_vocabulary() == vectorizer.get_vocabulary()
    assert branch_kwargs(restored) == branch_kwargs(vectorizer)


def test_vectorizer_inside_a_model_survives_keras_save_and_safe_load(tmp_path):
    vectorizer = text_vectorizer(CORPUS, max_tokens=50, sequence_length=6)
    texts = keras.Input(shape=(), dtype="string", name="text")
    ids = vectorizer(texts)
    model = keras.Model(texts, ids)
    model.save(tmp_path / "model.keras")
    reloaded = keras.saving.load_model(tmp_path / "model.keras", safe_mode=True)
    batch = tf.constant(["a cat and a dog", "zebra"])
    np.testing.assert_array_equal(reloaded(batch).numpy(), vectorizer(batch).numpy())


def test_load_rejects_a_json_file_of_another_kind(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"vocabulary": ["a"]}))
    with pytest.raises(ConfigurationError, match="Received: path="):
        load_vectorizer(path)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"corpus": "one single string"}, ArgumentTypeError, "Received: corpus="),
        ({}, ConfigurationError, "exactly one of"),
        ({"corpus": CORPUS, "vocabulary": ["a"]}, ConfigurationError, "exactly one of"),
        ({"corpus": CORPUS, "max_tokens": 2}, ConfigurationError, "Received: max_tokens=2"),
        ({"corpus": CORPUS, "sequence_length": 0}, ConfigurationError, "Received: sequence_length=0"),
        ({"corpus": CORPUS, "standardize": "upper"}, ConfigurationError, "Received: standardize='upper'"),
        ({"corpus": ["...", "!!"]}, ConfigurationError, "no token"),
    ],
)
def test_invalid_arguments_are_rejected(kwargs, error, match):
    with pytest.raises(error, match=match):
        text_vectorizer(**kwargs)


def test_branch_kwargs_rejects_other_layers():
    with pytest.raises(ArgumentTypeError, match="Received: vectorizer="):
        branch_kwargs(keras.layers.Dense(3))
    multi_hot = keras.layers.TextVectorization(output_mode="multi_hot", vocabulary=["a", "b"])
    with pytest.raises(ConfigurationError, match="output_mode='multi_hot'"):
        branch_kwargs(multi_hot)
