"""`bench/export.py`: the hand-written exports it measures mmzoo's against."""

import keras
import numpy as np
import pandas as pd

import export as bench


def _classifier():
    image = keras.Input((6, 6, 1), name="image")
    audio = keras.Input((4,), name="audio")
    features = keras.layers.Concatenate()([keras.layers.Flatten()(image), audio])
    hidden = keras.layers.Dense(128, activation="relu")(features)  # weights enough for int8 to be smaller
    return keras.Model({"image": image, "audio": audio}, keras.layers.Dense(3, activation="softmax")(hidden))


def _data(samples, seed):
    rng = np.random.default_rng(seed)
    inputs = {"image": rng.normal(size=(samples, 6, 6, 1)).astype("float32"),
              "audio": rng.normal(size=(samples, 4)).astype("float32")}
    return inputs, rng.integers(0, 3, samples)


def test_the_hand_written_exports_are_read_back_and_scored_against_the_keras_model(tmp_path):
    model = _classifier()
    test = _data(300, 1)
    report = bench.by_hand_report(model, test, str(tmp_path), _data(bench.CALIBRATION_SAMPLES, 2)[0])
    assert sorted(report) == ["saved_model", "tflite_dynamic_range", "tflite_float32", "tflite_int8"]
    keras_classes = model.predict(test[0], verbose=0).argmax(axis=1)
    assert report["saved_model"]["agreement"] == report["tflite_float32"]["agreement"] == 1.0
    assert report["saved_model"]["accuracy"] == np.mean(keras_classes == test[1])
    assert report["tflite_int8"]["agreement"] > 0.8  # quantized, yet the same model
    assert report["tflite_int8"]["size_bytes"] < report["tflite_float32"]["size_bytes"]
    np.testing.assert_allclose(bench.predict_by_hand(str(tmp_path / "by_hand_tflite_float32.tflite"), test[0]),
                               model.predict(test[0], verbose=0), atol=1e-5)


def test_the_comparison_puts_each_format_of_mmzoo_next_to_the_hand_written_one():
    table = pd.DataFrame([{"format": "keras", "size_bytes": 4096, "accuracy": 0.9, "agreement": 1.0},
                          {"format": "tflite_int8", "size_bytes": 1024, "accuracy": 0.88, "agreement": 0.97}])
    by_hand = {"tflite_int8": {"size_bytes": 2048, "accuracy": 0.87, "agreement": 0.95}}
    text = bench.comparison_text(table, by_hand)
    assert "| tflite_int8 | 1.0 | 2.0 | 0.8800 | 0.8700 | +1.00 | 0.9700 | 0.9500 |" in text
    assert "| keras |" not in text
