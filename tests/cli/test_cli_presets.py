"""`mmzoo train --image-preset/--text-preset/--audio-preset` on a manifest, with tiny local keras-hub presets."""

import json

import pytest

from cli_runner import assert_one_line_error, run_mmzoo
from hub_presets import save_tiny_presets
from media_files import manifest
from pairs_manifest import TEST_ROWS, write_pairs

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
                                    "--text-preset", "x", "--out", tmp_path / "b"), "--text-preset",
                          "fusion or dual encoder NAME", "dual_encoder")
    assert_one_line_error(run_mmzoo("train", "concat", "--data", tmp_path / "manifest.csv", "--image-col", "image",
                                    "--audio-preset", "x", "--out", tmp_path / "c"), "--audio-preset", "column")


@pytest.mark.slow
def test_train_a_dual_encoder_of_preset_encoders_and_search_it_with_text(tmp_path):
    presets = save_tiny_presets(str(tmp_path / "presets"))
    data = write_pairs(tmp_path)
    folder = tmp_path / "run"
    process = run_mmzoo("train", "dual_encoder", "--data", data, "--image-col", "photo", "--text-col", "caption",
                        "--image-preset", presets["image"], "--text-preset", presets["text"], "--epochs", "30",
                        "--batch-size", "8", "--out", folder)
    assert process.returncode == 0, process.stderr
    losses = json.loads((folder / "history.json").read_text(encoding="utf-8"))["loss"]
    assert losses[-1] < 0.7 * losses[0], losses   # the projections learn on the frozen towers' cached features
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["samples"] == len(TEST_ROWS)
    assert metrics["retrieval"]["text->image"]["class"]["recall@1"] > 0.25, metrics   # chance: 0.25
    search = run_mmzoo("search", folder / "model.keras", "--query", "a blue square", "--modality", "text", "--k", "3")
    assert search.returncode == 0, search.stderr
    assert search.stdout.count("  score ") == 3, search.stdout
