"""`mmzoo train`, `evaluate` and `export` end to end through the command, on tiny settings."""

import json

import pytest
from cli_runner import assert_one_line_error, run_mmzoo
from media_files import manifest


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory):
    """A concat model trained for one epoch on the generated data."""
    folder = tmp_path_factory.mktemp("synthetic") / "run"
    process = run_mmzoo("train", "concat", "--data", "synthetic", "--epochs", "1", "--out", folder)
    assert process.returncode == 0, process.stderr
    return folder


def test_train_writes_the_model_history_and_metrics(synthetic_run):
    metrics = json.loads((synthetic_run / "metrics.json").read_text(encoding="utf-8"))
    history = json.loads((synthetic_run / "history.json").read_text(encoding="utf-8"))
    assert (synthetic_run / "model.keras").is_file()
    assert metrics["model"] == "concat" and metrics["split"] == "test" and metrics["samples"] == 1000
    assert 0.0 <= metrics["accuracy"] <= 1.0 and metrics["parameters"] > 0
    assert len(history["loss"]) == 1 and len(history["val_loss"]) == 1


def test_evaluate_prints_and_writes_the_report(synthetic_run, tmp_path):
    report = tmp_path / "report.json"
    process = run_mmzoo("evaluate", synthetic_run / "model.keras", "--data", "synthetic", "--out", report)
    assert process.returncode == 0, process.stderr
    assert "accuracy" in process.stdout and "1000 samples" in process.stdout
    saved = json.loads(report.read_text(encoding="utf-8"))
    trained = json.loads((synthetic_run / "metrics.json").read_text(encoding="utf-8"))
    assert saved["label"]["accuracy"] == pytest.approx(trained["accuracy"], abs=1e-6)


def test_export_int8_prints_the_size_and_accuracy_report(synthetic_run, tmp_path):
    destination = tmp_path / "concat_int8.tflite"
    process = run_mmzoo("export", synthetic_run / "model.keras", "--format", "tflite-int8", "--data", "synthetic",
                        "--out", destination)
    assert process.returncode == 0, process.stderr
    assert destination.is_file() and destination.stat().st_size > 1000
    assert "| tflite_int8 | concat_int8.tflite |" in process.stdout
    assert [path.name for path in tmp_path.iterdir()] == ["concat_int8.tflite"]


@pytest.mark.slow
def test_a_zoo_model_whose_modalities_the_data_lacks(tmp_path):
    process = run_mmzoo("train", "dot_gated_fusion", "--data", "av_mnist", "--out", tmp_path / "run")
    assert_one_line_error(process, "dot_gated_fusion", "text")
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_train_and_evaluate_on_a_manifest_of_real_files(tmp_path):
    frame = manifest(tmp_path, rows=20)
    frame["split"] = ["train"] * 14 + ["validation"] * 2 + ["test"] * 4
    frame.to_csv(tmp_path / "manifest.csv", index=False)
    folder = tmp_path / "run"
    columns = ("--image-col", "image", "--text-col", "caption", "--audio-col", "audio", "--label-col", "label")
    process = run_mmzoo("train", "gated", "--data", tmp_path / "manifest.csv", *columns, "--epochs", "2",
                        "--batch-size", "4", "--out", folder)
    assert process.returncode == 0, process.stderr
    assert {"model.keras", "model.text.vocab.json", "model.preprocessing.json"} <= {p.name for p in folder.iterdir()}
    assert json.loads((folder / "metrics.json").read_text(encoding="utf-8"))["samples"] == 4
    process = run_mmzoo("evaluate", folder / "model.keras", "--data", tmp_path / "manifest.csv")
    assert process.returncode == 0, process.stderr
    assert "4 samples" in process.stdout and "cat" in process.stdout and "dog" in process.stdout
