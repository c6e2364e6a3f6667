"""`mmzoo demo` through the command on a few AV-MNIST pairs, and `list` / `describe`."""

import json

import pytest
from cli_runner import run_mmzoo

TRAINED = ["image only", "audio only", "concat", "weighted", "gated", "attention", "tensor", "late"]
MODELS = TRAINED + ["product of experts"]


@pytest.mark.slow
def test_quick_demo_writes_the_run_folder(tmp_path):
    folder = tmp_path / "runs" / "demo"
    process = run_mmzoo("demo", "--quick", "--train-size", "64", "--test-size", "100", "--out", folder)
    assert process.returncode == 0, process.stderr
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert [row["model"] for row in results["results"]] == MODELS
    assert [path.name for path in folder.parent.iterdir()] == ["demo"]
    assert results["settings"]["train_pairs"] == 64 and results["settings"]["test_pairs"] == 100
    assert results["settings"]["epochs"] == 2 and results["settings"]["fine_tune_epochs"] == 1
    assert "[3/9] concat (from the single-modality branches, 1 epoch(s))" in process.stdout
    best = max(results["results"], key=lambda row: row["accuracy"])
    assert results["best_model"] == best["model"]
    assert len(results["robustness"]["accuracies"]) == len(results["robustness"]["levels"])
    assert results["reference"]["model"] == "plain Keras concat" and 0 <= results["reference"]["accuracy"] <= 1
    for name in ("results.md", "best_model.keras", "confusion_matrix.png", "fusion_weights_weighted.png",
                 "fusion_weights_late.png", "robustness_audio_white_noise.png", "model_comparison.png"):
        assert (folder / name).stat().st_size > 0, name
    assert len(list((folder / "training_curves").glob("*.png"))) == len(TRAINED)
    table = (folder / "results.md").read_text(encoding="utf-8")
    for name in MODELS:
        assert f"| {name} |" in table and f"| {name} |" in process.stdout
    assert "| *plain Keras concat (reference)* |" in table
    history = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert history["settings"]["validation_pairs"] == 2000


def test_list_and_describe():
    listing = run_mmzoo("list")
    assert listing.returncode == 0, listing.stderr
    for name in ("trimodal_classifier", "conditional_gan", "concat", "tensor", "late"):
        assert f"  {name} " in listing.stdout
    described = run_mmzoo("describe", "late")
    assert described.returncode == 0 and "LateFusion" in described.stdout
