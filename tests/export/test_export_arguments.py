"""Bad arguments of the export functions, and atomic writes."""

import os

import keras
import numpy as np
import pytest

import mmzoo
from mmzoo import branches, export, heads
from mmzoo._files import TEMPORARY_PREFIX


@pytest.fixture
def model():
    return mmzoo.build_model({"audio": branches.dense(input_dim=8, hidden_units=(4,))}, head=heads.multiclass(3))


@pytest.fixture
def inputs():
    return {"audio": np.random.default_rng(0).normal(size=(12, 8)).astype("float32")}


def test_unknown_format(model, tmp_path):
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: format='onnx'$"):
        export.export_model(model, tmp_path / "model.onnx", "onnx")


def test_unknown_quantization(model, tmp_path):
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: quantization='int4'$"):
        export.export_tflite(model, tmp_path / "model.tflite", quantization="int4")


def test_int8_needs_representative_data(model, tmp_path):
    expected = r"required by quantization='int8'.*Received: quantization='int8', representative_data=NoneType$"
    with pytest.raises(mmzoo.ConfigurationError, match=expected):
        export.export_model(model, tmp_path / "model.tflite", "tflite_int8")


def test_representative_data_only_for_int8(model, inputs, tmp_path):
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: format='saved_model'$"):
        export.export_model(model, tmp_path / "served", "saved_model", representative_data=inputs)
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: quantization='float16'"):
        export.export_tflite(model, tmp_path / "model.tflite", quantization="float16", representative_data=inputs)


def test_representative_data_must_match_the_inputs(model, inputs, tmp_path):
    with pytest.raises(mmzoo.ConfigurationError, match=r"missing: \['audio'\], unexpected: \['image'\]"):
        export.export_tflite(model, tmp_path / "model.tflite", quantization="int8",
                             representative_data={"image": inputs["audio"]})
    with pytest.raises(mmzoo.ArgumentTypeError, match=r"Received: representative_data of type ndarray$"):
        export.export_tflite(model, tmp_path / "model.tflite", quantization="int8",
                             representative_data=inputs["audio"])
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: calibration_samples=0$"):
        export.export_tflite(model, tmp_path / "model.tflite", quantization="int8",
                             representative_data=inputs, calibration_samples=0)


def test_existing_destination_needs_overwrite(model, tmp_path):
    path = export.export_tflite(model, tmp_path / "model.tflite")
    with pytest.raises(mmzoo.ConfigurationError, match=r"overwrite=True.*Received: path='.*model.tflite'$"):
        export.export_tflite(model, path)
    before = os.path.getmtime(path)
    os.utime(path, (before - 100, before - 100))
    export.export_tflite(model, path, overwrite=True)
    assert os.path.getmtime(path) > before - 100
    with pytest.raises(mmzoo.ArgumentTypeError, match=r"Received: overwrite='yes'$"):
        export.export_tflite(model, path, overwrite="yes")


def test_destination_checks(model, tmp_path):
    with pytest.raises(mmzoo.ConfigurationError, match=r"must end with '.tflite'. Received: path='.*model.tfl'$"):
        export.export_tflite(model, tmp_path / "model.tfl")
    with pytest.raises(mmzoo.ConfigurationError, match=r"must end with '.keras'"):
        export.save_keras(model, tmp_path / "model.h5")
    with pytest.raises(mmzoo.ConfigurationError, match=r"folder of `path` does not exist"):
        export.export_saved_model(model, tmp_path / "missing" / "served")
    with pytest.raises(mmzoo.ArgumentTypeError, match=r"Received: path=3$"):
        export.export_saved_model(model, 3)
    with pytest.raises(mmzoo.ArgumentTypeError, match=r"Received: model='model'"):
        export.export_tflite("model", tmp_path / "model.tflite")


def test_vectorizers_must_name_inputs(model, tmp_path):
    vectorizer = keras.layers.TextVectorization(output_sequence_length=4, vocabulary=["a", "b"])
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: vectorizers with keys \['text'\]$"):
        export.save_keras(model, tmp_path / "model.keras", vectorizers={"text": vectorizer})
    with pytest.raises(mmzoo.ConfigurationError, match=r"format='keras' only.*Received: format='saved_model'$"):
        export.export_model(model, tmp_path / "served", "saved_model", vectorizers={"audio": vectorizer})
    assert os.listdir(tmp_path) == []


def test_predictor_checks_its_inputs(model, inputs, tmp_path):
    predictor = export.TFLitePredictor(export.export_tflite(model, tmp_path / "model.tflite"))
    expected = r"missing: \['audio'\].*Received: inputs with keys \['sound'\]$"
    with pytest.raises(mmzoo.ConfigurationError, match=expected):
        predictor.predict({"sound": inputs["audio"]})
    with pytest.raises(mmzoo.ConfigurationError, match=r"unexpected: \['image'\]"):
        predictor.predict({**inputs, "image": inputs["audio"]})
    with pytest.raises(mmzoo.ArgumentTypeError, match=r"Received: inputs of type ndarray$"):
        predictor.predict(inputs["audio"])
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: batch_size=0$"):
        predictor.predict(inputs, batch_size=0)
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: path='.*missing.tflite'$"):
        export.TFLitePredictor(tmp_path / "missing.tflite")


def test_report_checks_its_arguments(inputs, tmp_path):
    regression = mmzoo.build_model({"audio": branches.dense(input_dim=8, hidden_units=(4,))}, head=heads.regression())
    with pytest.raises(mmzoo.ConfigurationError, match=r"output tasks \['regression'\]"):
        export.export_report(regression, (inputs, np.zeros(12)), tmp_path)
    classifier = mmzoo.build_model({"audio": branches.dense(input_dim=8, hidden_units=(4,))}, head=heads.multiclass(3))
    with pytest.raises(mmzoo.ConfigurationError, match=r"12 samples and 5 labels$"):
        export.export_report(classifier, (inputs, np.zeros(5)), tmp_path)
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: formats='keras'$"):
        export.export_report(classifier, (inputs, np.zeros(12)), tmp_path, formats="keras")
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: directory='.*missing'$"):
        export.export_report(classifier, (inputs, np.zeros(12)), str(tmp_path / "missing"))
    with pytest.raises(mmzoo.ConfigurationError, match=r"Received: file_names=\{'tflite_int8': 'a.tflite'\}$"):
        export.export_report(classifier, (inputs, np.zeros(12)), tmp_path, formats=("keras",),
                             file_names={"tflite_int8": "a.tflite"})


def test_report_writes_the_export_under_the_name_given(inputs, tmp_path):
    classifier = mmzoo.build_model({"audio": branches.dense(input_dim=8, units=(4,))}, head=heads.multiclass(3))
    report = export.export_report(classifier, (inputs, np.zeros(12)), tmp_path, formats=("keras",),
                                  file_names={"keras": "mine.keras"})
    assert list(report["file"]) == ["mine.keras"]
    assert [path.name for path in tmp_path.iterdir()] == ["mine.keras"]


def test_failed_write_keeps_the_old_file_and_no_temporary(model, tmp_path, monkeypatch):
    path = export.save_keras(model, tmp_path / "model.keras")
    before = open(path, "rb").read()

    def crash(self, filepath, *args, **kwargs):
        with open(filepath, "wb") as handle:
            handle.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(keras.Model, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        export.save_keras(model, path, overwrite=True)
    assert open(path, "rb").read() == before
    assert os.listdir(tmp_path) == ["model.keras"]


def test_saved_model_folder_is_replaced_whole(model, tmp_path):
    path = export.export_saved_model(model, tmp_path / "served")
    open(os.path.join(path, "stale.txt"), "w").close()
    export.export_saved_model(model, path, overwrite=True)
    assert "stale.txt" not in os.listdir(path) and "saved_model.pb" in os.listdir(path)
    assert not [name for name in os.listdir(tmp_path) if name.startswith(TEMPORARY_PREFIX)]
