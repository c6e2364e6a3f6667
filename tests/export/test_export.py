"""Round trips of every export format, the TFLite predictor and the export report."""

import json
import os
import warnings
import zipfile

import keras
import numpy as np
import pytest

import mmzoo
from mmzoo import branches, export, heads
from mmzoo.datasets import synthetic
from mmzoo._files import TEMPORARY_PREFIX
from mmzoo.preprocessing.text import branch_kwargs, text_vectorizer

# Largest difference of an output probability from the Keras model's, per quantization.
TOLERANCES = {"float32": 1e-5, "float16": 5e-3, "dynamic_range": 5e-2, "int8": 1e-1}


def train(model, inputs, labels, epochs=3):
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(inputs, labels, epochs=epochs, batch_size=32, verbose=0)
    return model


@pytest.fixture(scope="module")
def image_audio():
    """A small trained image + audio classifier and its synthetic data."""
    keras.utils.set_random_seed(7)
    inputs, labels = synthetic.generate(256, task="image", image_size=16, audio_dim=16,
                                        modalities=("image", "audio"), seed=3)
    model = mmzoo.build_model(
        {"image": branches.conv2d(input_shape=(16, 16, 1), filters=(8,), pooling="avg"),
         "audio": branches.dense(input_dim=16, hidden_units=(8,))},
        head=heads.multiclass(4),
    )
    return train(model, inputs, labels, epochs=8), inputs, labels


def no_temporary_files(folder):
    return not [name for name in os.listdir(folder) if name.startswith(TEMPORARY_PREFIX)]


@pytest.mark.parametrize("quantization", ["float32", "float16", "dynamic_range", "int8"])
def test_tflite_round_trip(image_audio, tmp_path, quantization):
    model, inputs, _ = image_audio
    representative = inputs if quantization == "int8" else None
    path = export.export_tflite(model, tmp_path / "model.tflite", quantization=quantization,
                                representative_data=representative)
    predictor = export.TFLitePredictor(path)
    assert predictor.input_names == ["audio", "image"]
    actual = predictor.predict(inputs, batch_size=50)
    expected = model.predict(inputs, verbose=0)
    assert actual.dtype == np.float32 and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, atol=TOLERANCES[quantization])
    agreement = np.mean(actual.argmax(-1) == expected.argmax(-1))
    assert agreement >= (0.9 if quantization == "int8" else 0.99)
    assert no_temporary_files(tmp_path)


def test_int8_file_takes_and_returns_int8(image_audio, tmp_path):
    model, inputs, _ = image_audio
    path = export.export_tflite(model, tmp_path / "model.tflite", quantization="int8",
                                representative_data=inputs)
    predictor = export.TFLitePredictor(path)
    details = {**predictor.input_details, **predictor.output_details}
    assert sorted(details) == ["audio", "image", "label"]
    assert {str(item["dtype"]) for item in details.values()} == {"int8"}
    assert all(item["quantization"][0] > 0 for item in details.values())
    assert predictor.input_details["image"]["shape"] == (-1, 16, 16, 1)


def test_quantized_files_are_smaller_on_a_model_with_large_weights(tmp_path):
    inputs, labels = synthetic.generate(64, task="audio", audio_dim=64, modalities=("audio",))
    model = mmzoo.build_model({"audio": branches.dense(input_dim=64, hidden_units=(256, 256))},
                              head=heads.multiclass(4))
    sizes = {}
    for quantization in ("float32", "float16", "dynamic_range", "int8"):
        path = export.export_tflite(model, tmp_path / f"{quantization}.tflite", quantization=quantization,
                                    representative_data=inputs if quantization == "int8" else None)
        sizes[quantization] = os.path.getsize(path)
    assert sizes["float16"] < 0.6 * sizes["float32"]
    assert sizes["dynamic_range"] < 0.35 * sizes["float32"]
    assert sizes["int8"] < 0.35 * sizes["float32"]


def test_predictor_maps_inputs_by_name_not_position(tmp_path):
    # Two inputs of the same shape: feeding one in the other's slot would go unnoticed by position.
    inputs = {"left": np.random.default_rng(0).normal(size=(20, 8)).astype("float32"),
              "right": np.random.default_rng(1).normal(size=(20, 8)).astype("float32")}
    model = mmzoo.build_model(
        {"left": branches.dense(input_dim=8, hidden_units=(4,), name="left_dense"),
         "right": branches.dense(input_dim=8, hidden_units=(4,), name="right_dense")},
        head=heads.multiclass(3),
    )
    predictor = export.TFLitePredictor(export.export_tflite(model, tmp_path / "model.tflite"))
    expected = model.predict(inputs, verbose=0)
    reordered = {"right": inputs["right"], "left": inputs["left"]}
    np.testing.assert_allclose(predictor.predict(reordered), expected, atol=1e-5)
    swapped = {"left": inputs["right"], "right": inputs["left"]}
    assert np.abs(predictor.predict(swapped) - expected).max() > 1e-3


def test_predictor_returns_a_dict_for_several_outputs(tmp_path):
    inputs, _ = synthetic.generate(10, task="audio", audio_dim=16, modalities=("audio",))
    model = mmzoo.build_model(
        {"audio": branches.dense(input_dim=16, hidden_units=(8,))},
        head=heads.multitask({"digit": heads.multiclass(10), "loud": heads.binary()}),
    )
    predictor = export.TFLitePredictor(export.export_tflite(model, tmp_path / "model.tflite"))
    actual = predictor.predict(inputs)
    expected = model.predict(inputs, verbose=0)
    assert sorted(actual) == sorted(expected) == ["digit", "loud"]
    for name in expected:
        np.testing.assert_allclose(actual[name], expected[name], atol=1e-5)


@pytest.mark.parametrize("quantization", ["float32", pytest.param("int8", marks=pytest.mark.slow)])
def test_lstm_text_branch_converts_unrolled(tmp_path, quantization):
    inputs, labels = synthetic.generate(64, task="text", image_size=16, audio_dim=16,
                                        modalities=("text", "audio"))
    model = mmzoo.build_model(
        {"text": branches.lstm(len(synthetic.VOCABULARY), sequence_length=8, embedding_dim=8, units=8,
                               bidirectional=True),
         "audio": branches.dense(input_dim=16, hidden_units=(8,))},
        head=heads.multiclass(4),
    )
    path = export.export_tflite(model, tmp_path / "model.tflite", quantization=quantization,
                                representative_data=inputs if quantization == "int8" else None)
    actual = export.TFLitePredictor(path).predict(inputs)
    np.testing.assert_allclose(actual, model.predict(inputs, verbose=0), atol=TOLERANCES[quantization])
    lstm = model.get_layer("text_lstm").get_layer("text_lstm_bidirectional")
    assert not lstm.forward_layer.unroll, "the exported model itself must stay as it was"


def test_unconvertible_layer_is_named(tmp_path):
    # Without a fixed sequence length the LSTM cannot be unrolled, and TFLite's
    # builtin ops have no kernel for the TensorList ops of its loop.
    model = mmzoo.build_model(
        {"text": branches.lstm(20, sequence_length=None, embedding_dim=4, units=4),
         "audio": branches.dense(input_dim=16, hidden_units=(8,))},
        head=heads.multiclass(2),
    )
    with pytest.raises(mmzoo.ConfigurationError, match=r"'text_lstm_lstm' \(LSTM\).*TensorList") as info:
        export.export_tflite(model, tmp_path / "model.tflite")
    assert str(info.value).endswith("Received: model='mmzoo_model'")
    assert os.listdir(tmp_path) == []


def test_keras_round_trip_with_vocabulary(tmp_path):
    inputs, labels = synthetic.generate(64, task="text", audio_dim=16, modalities=("text", "audio"),
                                        text_format="strings")
    vectorizer = text_vectorizer(inputs["text"], max_tokens=40, sequence_length=8)
    ids = {"text": vectorizer(inputs["text"]).numpy(), "audio": inputs["audio"]}
    model = mmzoo.build_model(
        {"text": branches.embedding(**branch_kwargs(vectorizer), embedding_dim=4),
         "audio": branches.dense(input_dim=16, hidden_units=(8,))},
        head=heads.multiclass(4),
    )
    train(model, ids, labels, epochs=1)
    path = export.save_keras(model, tmp_path / "model.keras", vectorizers={"text": vectorizer})
    assert sorted(os.listdir(tmp_path)) == ["model.keras", "model.text.vocab.json"]

    loaded, vectorizers = export.load_keras(path)
    assert list(vectorizers) == ["text"]
    np.testing.assert_array_equal(vectorizers["text"](inputs["text"]).numpy(), ids["text"])
    np.testing.assert_allclose(loaded.predict(ids, verbose=0), model.predict(ids, verbose=0), atol=1e-6)


def _as_saved_on_pytorch(path):
    """Rewrites a `.keras` file's optimizer as a model trained on PyTorch saves it: PyTorch's own Adam class."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["compile_config"]["optimizer"]["module"] = "keras.src.backend.torch.optimizers.torch_adam"
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def test_a_model_trained_on_pytorch_loads_and_trains_on_another_backend(image_audio, tmp_path):
    """Keras alone imports torch's optimizer class (not installed here, and useless on TensorFlow's tensors)."""
    model, inputs, labels = image_audio
    path = export.save_keras(model, tmp_path / "model.keras")
    _as_saved_on_pytorch(path)
    with pytest.warns(UserWarning, match=r"Adam optimizer is the torch backend's own class; compiled with the "
                                         r"tensorflow backend's Adam .*without the optimizer's state"):
        loaded, _ = export.load_keras(path)
    np.testing.assert_allclose(loaded.predict(inputs, verbose=0), model.predict(inputs, verbose=0), atol=1e-6)
    assert loaded.optimizer.get_config() == {**model.optimizer.get_config(), "name": loaded.optimizer.name}
    assert loaded.loss == model.loss
    assert np.isfinite(loaded.train_on_batch(inputs, labels))
    with warnings.catch_warnings(record=True) as caught:  # saved on this backend: loads as saved, with its state
        warnings.simplefilter("always")
        again, _ = export.load_keras(export.save_keras(loaded, tmp_path / "again.keras"))
    assert not [warning for warning in caught if "optimizer" in str(warning.message)]
    assert int(again.optimizer.iterations) == 1


def test_saved_model_round_trip(image_audio, tmp_path):
    import tensorflow as tf

    model, inputs, _ = image_audio
    path = export.export_saved_model(model, tmp_path / "served")
    loaded = tf.saved_model.load(path)
    np.testing.assert_allclose(loaded.serve(inputs).numpy(), model.predict(inputs, verbose=0), atol=1e-5)
    assert no_temporary_files(tmp_path)


@pytest.mark.parametrize("format", ["saved_model", "tflite_float32"])
def test_served_predictions_leave_training_only_augmentation_off(tmp_path, format):
    """A branch with a bare augmentation layer (on in training mode by default) serves what `predict` gives."""
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    spectrogram = keras.Input((16, 16), name="audio_input")
    shifted = keras.layers.RandomTranslation(0.0, 0.2, fill_mode="nearest")(keras.layers.Reshape((16, 16, 1))(spectrogram))
    branch = keras.Model(spectrogram, keras.layers.Dense(8)(keras.layers.Flatten()(shifted)), name="audio_branch")
    model = mmzoo.build_model({"audio": branch}, head=heads.multiclass(3))
    inputs = {"audio": np.random.default_rng(0).random((32, 16, 16)).astype(np.float32)}
    expected = model.predict(inputs, verbose=0)
    path = export.export_model(model, tmp_path / ("served" if format == "saved_model" else "m.tflite"), format)
    if format == "saved_model":
        loaded = tf.saved_model.load(path)
        served = [loaded.serve(inputs).numpy() for _ in range(2)]
    else:
        served = [export.TFLitePredictor(path).predict(inputs) for _ in range(2)]
    for actual in served:
        np.testing.assert_allclose(actual, expected, atol=1e-5)


def test_report(image_audio, tmp_path):
    model, inputs, labels = image_audio
    report = export.export_report(model, (inputs, labels), tmp_path, representative_data=inputs,
                                  formats=("keras", "tflite_float32", "tflite_int8"))
    assert list(report["format"]) == ["keras", "tflite_float32", "tflite_int8"]
    keras_accuracy = np.mean(model.predict(inputs, verbose=0).argmax(-1) == labels)
    assert report.attrs["keras_accuracy"] == pytest.approx(keras_accuracy)
    rows = report.set_index("format")
    for name, row in rows.iterrows():
        assert row["size_bytes"] == os.path.getsize(tmp_path / row["file"])
    assert rows.loc["keras", "accuracy"] == pytest.approx(keras_accuracy)
    assert rows.loc["keras", "accuracy_change"] == 0 and rows.loc["keras", "agreement"] == 1
    assert rows.loc["tflite_float32", "size_vs_float32"] == 1
    assert rows.loc["tflite_int8", "accuracy_change"] == pytest.approx(
        100 * (rows.loc["tflite_int8", "accuracy"] - keras_accuracy))
    assert 0 < rows.loc["tflite_int8", "max_abs_difference"] <= TOLERANCES["int8"]

    markdown = export.report_markdown(report)
    assert f"Keras model test accuracy: {keras_accuracy:.4f}" in markdown
    assert markdown.count("\n| ") == 1 + len(report)
    assert "| tflite_int8 | mmzoo_model_int8.tflite |" in markdown
