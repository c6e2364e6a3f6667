"""`ModalityDropout`: drops only while training, takes missing modalities at inference, saves and reloads."""

import keras
import numpy as np
import pytest
from harness import assert_no_lambda

import mmzoo
import mmzoo.training
from mmzoo import branches, heads
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.robustness import remove_modality
from mmzoo.robustness.dropout import modality_dropout_layer


def build(rate=0.5, fusion="concat"):
    return mmzoo.build_model(
        {"image": branches.conv2d(input_shape=(8, 8, 1), filters=(4,), units=8),
         "audio": branches.dense(input_dim=6, hidden_units=(8,))},
        fusion=fusion, head=heads.multiclass(3), modality_dropout=rate,
    )


@pytest.fixture()
def data():
    rng = np.random.default_rng(0)
    inputs = {"image": rng.random((32, 8, 8, 1), dtype=np.float32), "audio": rng.random((32, 6), dtype=np.float32)}
    return inputs, rng.integers(0, 3, 32)


def test_bad_modality_dropout_arguments():
    with pytest.raises(ArgumentTypeError, match="modality_dropout='yes'"):
        build(rate="yes")
    with pytest.raises(ConfigurationError, match="modality_dropout=-0.1"):
        build(rate=-0.1)


def test_model_without_a_mask_input_predicts_like_a_plain_call(data):
    inputs, _ = data
    model = build()
    assert sorted(model.input) == ["audio", "image"]
    assert modality_dropout_layer(model) is not None
    assert_no_lambda(model)
    np.testing.assert_allclose(model.predict(inputs, verbose=0), model(inputs, training=False), rtol=1e-5)


def test_missing_modality_is_an_input_not_a_crash_and_survives_saving(data, tmp_path):
    inputs, labels = data
    model = build(fusion="gated")
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(inputs, labels, epochs=2, verbose=0)
    half = np.arange(32) < 16
    partly = remove_modality(inputs, "audio", model, rows=half)
    assert np.isnan(partly["audio"][half]).all() and not np.isnan(partly["audio"][~half]).any()
    full, without_audio = model.predict(inputs, verbose=0), model.predict(partly, verbose=0)
    assert np.all(np.isfinite(without_audio))
    np.testing.assert_allclose(without_audio[~half], full[~half], rtol=1e-5)
    assert not np.allclose(without_audio[half], full[half])
    # The prediction without audio does not depend on the audio values at all.
    other = {**inputs, "audio": inputs["audio"][::-1].copy()}
    np.testing.assert_allclose(model.predict(remove_modality(other, "audio", model, rows=half), verbose=0)[half],
                               without_audio[half], rtol=1e-5)

    path = tmp_path / "dropout.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(loaded.predict(partly, verbose=0), without_audio)
    np.testing.assert_array_equal(loaded.predict(inputs, verbose=0), full)
    assert modality_dropout_layer(loaded).rate == 0.5


def test_dropout_changes_training_not_inference(data):
    inputs, _ = data
    model = build(rate=0.9)
    first = np.asarray(model(inputs, training=True))
    second = np.asarray(model(inputs, training=True))
    assert not np.allclose(first, second)
    np.testing.assert_array_equal(model(inputs, training=False), model(inputs, training=False))


def test_token_features_missing_as_all_padding():
    model = mmzoo.build_model(
        {"image": branches.conv2d(input_shape=(8, 8, 1), filters=(4,), pooling="tokens"),
         "text": branches.lstm(vocab_size=20, sequence_length=5, pooling="tokens")},
        fusion="attention", head=heads.multiclass(3), modality_dropout=0.3,
    )
    rng = np.random.default_rng(0)
    inputs = {"image": rng.random((4, 8, 8, 1), dtype=np.float32), "text": rng.integers(1, 20, (4, 5))}
    without_text = remove_modality(inputs, "text", model)
    np.testing.assert_array_equal(without_text["text"], 0)
    predictions = model.predict(without_text, verbose=0)
    assert np.all(np.isfinite(predictions))
    assert not np.allclose(predictions, model.predict(inputs, verbose=0))


def test_training_fit_accepts_the_model_and_missing_rows(data):
    inputs, labels = data
    partly = remove_modality(inputs, "image", build(), rows=np.arange(32) % 4 == 0)
    model, history = mmzoo.training.fit(lambda: build(), (partly, labels), epochs=2, batch_size=8, verbose=0,
                                        strategy="default")
    assert np.all(np.isfinite(history.history["loss"]))
    assert modality_dropout_layer(model) is not None


def test_remove_modality_without_dropout_gives_zeros(data):
    inputs, _ = data
    plain = mmzoo.build_model({"image": branches.conv2d(input_shape=(8, 8, 1), filters=(4,))},
                              head=heads.multiclass(3))
    removed = remove_modality(inputs, "image", plain)
    np.testing.assert_array_equal(removed["image"], 0.0)
    assert removed["audio"] is inputs["audio"]
    with pytest.raises(ConfigurationError, match="modality='text'"):
        remove_modality(inputs, "text")
    with pytest.raises(ConfigurationError, match=r"rows of shape \(3,\)"):
        remove_modality(inputs, "image", rows=np.ones(3, bool))
