"""`mmzoo train --image-preset/--text-preset/--audio-preset` on a manifest, with tiny local keras-hub presets."""

import json

import pytest

from cli_runner import assert_one_line_error, run_mmzoo
from hub_presets import save_tiny_presets
from media_files import manifest

pytest.importorskip("keras_hub")  # the "hub" extra: pip install -e ".[dev,hub]"

COLUMNS = ("--image-col", "image", "--text-col", "caption", "--audio-col", "audio", "--label-col", "label")


@pytest.mark.slow
def test_train_and_evaluate_a_fusion_of_preset_encoders_on_a_manifest(tmp_path):
    presets = save_tiny_presets(str(tmp_path / "presets"))
    frame = manifest(tmp_path, rows=20)
    frame["split"] = ["train"] * 14 + ["validation"] * 2 + ["test"] * 4
    frame.to_csv(tmp_path / "manifest.csv", index=False)
    folder = tmp_path / "run"
    process = run_mmzoo("train", "concat", "--data", tmp_path / "manifest.csv", *COLUMNS, "--epochs", "2",
                        "--batch-size", "4", "--image-preset", presets["image"], "--text-preset", presets["text"],
                        "--audio-preset", presets["audio"], "--out", folder)
    assert process.returncode == 0, process.stderr
    assert json.loads((folder / "metrics.json").read_text(encoding="utf-8"))["samples"] == 4
    process = run_mmzoo("evaluate", folder / "model.keras", "--data", tmp_path / "manifest.csv")
    assert process.returncode == 0, process.stderr
    assert "4 samples" in process.stdout


def test_a_preset_needs_a_manifest_and_a_fusion(tmp_path):
    assert_one_line_error(run_mmzoo("train", "concat", "--data", "synthetic", "--image-preset", "x",
                                    "--out", tmp_path / "a"), "--image-preset", "manifest")
    manifest(tmp_path, rows=2).to_csv(tmp_path / "manifest.csv", index=False)
    assert_one_line_error(run_mmzoo("train", "trimodal_classifier", "--data", tmp_path / "manifest.csv", *COLUMNS,
                                    "--text-preset", "x", "--out", tmp_path / "b"), "--text-preset", "fusion")
    assert_one_line_error(run_mmzoo("train", "concat", "--data", tmp_path / "manifest.csv", "--image-col", "image",
                                    "--audio-preset", "x", "--out", tmp_path / "c"), "--audio-preset", "column")
