"""`mmzoo train dual_encoder` and `mmzoo search`."""

import json

import numpy as np
import pytest
from cli_runner import assert_one_line_error, run_mmzoo

from mmzoo import retrieval, zoo
from mmzoo.datasets import load


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    """An (untrained) AV-MNIST dual encoder with the index of 300 test images next to it."""
    folder = tmp_path_factory.mktemp("search")
    model = zoo.build("dual_encoder", embedding_dim=16)
    path = folder / "model.keras"
    model.save(path)
    inputs, _ = load("av_mnist", split="test", as_dataset=False)
    index = retrieval.build_index(model, inputs["image"][:300], "image")
    index.save(retrieval.index_path(path, "image"))
    return path, model, index, inputs


def test_search_prints_the_items_of_the_index_closest_to_the_query(saved_model, tmp_path):
    path, model, index, inputs = saved_model
    np.save(tmp_path / "clips.npy", inputs["audio"][:2])
    process = run_mmzoo("search", path, "--query", tmp_path / "clips.npy", "--modality", "audio", "--k", "3")
    assert process.returncode == 0, process.stderr
    expected_ids, _ = retrieval.search(model, index, inputs["audio"][:2], "audio", k=3)
    lines = process.stdout.strip().splitlines()
    assert lines[0] == "query 0: audio -> image" and lines[4] == "query 1: audio -> image"
    printed = [int(line.split()[2]) for line in lines if line.startswith("  ")]
    assert printed == expected_ids.ravel().tolist()


@pytest.mark.slow
def test_search_a_bundled_row_shows_the_digits(saved_model):
    path, _, _, _ = saved_model
    process = run_mmzoo("search", path, "--query", "av_mnist:17", "--modality", "audio", "--k", "2")
    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith("query 0 (digit ") and process.stdout.count("  digit ") == 2


def test_search_by_class_uses_the_class_prototypes_and_needs_them(saved_model, tmp_path):
    path, _, _, inputs = saved_model
    np.save(tmp_path / "clips.npy", inputs["audio"][:2])
    assert_one_line_error(run_mmzoo("search", path, "--query", tmp_path / "clips.npy", "--modality", "audio",
                                    "--by-class"), "built with `num_classes`")
    aware = zoo.build("dual_encoder", embedding_dim=16, num_classes=10)
    aware_path = tmp_path / "aware.keras"
    aware.save(aware_path)
    index = retrieval.build_index(aware, inputs["image"][:300], "image")
    index.save(retrieval.index_path(aware_path, "image"))
    process = run_mmzoo("search", aware_path, "--query", tmp_path / "clips.npy", "--modality", "audio", "--k", "3",
                        "--by-class")
    assert process.returncode == 0, process.stderr
    expected_ids, _ = retrieval.search(aware, index, inputs["audio"][:2], "audio", k=3, by_class=True)
    printed = [int(line.split()[2]) for line in process.stdout.splitlines() if line.startswith("  ")]
    assert printed == expected_ids.ravel().tolist()


def test_search_queries_of_another_modality(saved_model, tmp_path):
    path, _, _, inputs = saved_model
    np.save(tmp_path / "images.npy", inputs["image"][:2])
    assert_one_line_error(run_mmzoo("search", path, "--query", tmp_path / "images.npy", "--modality", "audio"),
                          "modality='audio'", "(2, 28, 28, 1)")


def test_search_a_missing_query_file_fails_before_loading_tensorflow(saved_model):
    assert_one_line_error(run_mmzoo("search", saved_model[0], "--query", "nothing.npy", "--modality", "audio"),
                          "nothing.npy")


@pytest.mark.slow
def test_search_unknown_modality_or_missing_index(saved_model):
    path = saved_model[0]
    assert_one_line_error(run_mmzoo("search", path, "--query", "av_mnist:1", "--modality", "text"),
                          "Received: modality='text'")
    assert_one_line_error(run_mmzoo("search", path, "--query", "av_mnist:1", "--modality", "image"),
                          "no audio index")


def test_train_dual_encoder_refuses_synthetic_data(tmp_path):
    assert_one_line_error(run_mmzoo("train", "dual_encoder", "--data", "synthetic", "--out", tmp_path / "run"),
                          "--data av_mnist")


@pytest.mark.slow
def test_train_dual_encoder_writes_model_metrics_and_indexes(tmp_path):
    out = tmp_path / "run"
    process = run_mmzoo("train", "dual_encoder", "--data", "av_mnist", "--epochs", "2", "--out", out)
    assert process.returncode == 0, process.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    for direction in ("audio->image", "image->audio"):
        assert metrics["retrieval"][direction]["class"]["recall@1"] > 0.25, metrics   # chance: 0.1
    assert sorted(path.name for path in out.iterdir()) == [
        "checkpoints", "history.json", "metrics.json", "model.audio.index.npz", "model.image.index.npz",
        "model.keras"]
    search = run_mmzoo("search", out / "model.keras", "--query", "av_mnist:3", "--modality", "image")
    assert search.returncode == 0 and search.stdout.count("  digit ") == 5, search.stderr
