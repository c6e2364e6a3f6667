"""`mmzoo train --image-preset/--text-preset/--audio-preset` on a manifest, with tiny local keras-hub presets."""

import json

import numpy as np
import pytest

from cli_runner import assert_one_line_error, run_mmzoo
from hub_presets import save_tiny_clip, save_tiny_presets, save_tiny_siglip
from mmzoo import branches, retrieval
from mmzoo.export import load_keras
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


def test_the_joint_space_needs_one_preset_for_images_and_texts_of_a_dual_encoder(tmp_path):
    data = write_pairs(tmp_path, audio=True)
    pairs = ("--data", data, "--image-col", "photo", "--text-col", "caption")
    assert_one_line_error(run_mmzoo("train", "concat", *pairs, "--joint-space", "--out", tmp_path / "a"),
                          "--joint-space", "dual_encoder", "NAME concat")
    assert_one_line_error(run_mmzoo("train", "concat", *pairs, "--loss", "sigmoid", "--out", tmp_path / "b"),
                          "--loss", "dual_encoder", "NAME concat")
    assert_one_line_error(run_mmzoo("train", "dual_encoder", *pairs, "--image-preset", "clip_a", "--text-preset",
                                    "clip_b", "--joint-space", "--out", tmp_path / "c"),
                          "--joint-space", "same preset", "--image-preset clip_a", "--text-preset clip_b")
    assert_one_line_error(run_mmzoo("train", "dual_encoder", *pairs, "--audio-col", "clip", "--image-preset", "clip",
                                    "--text-preset", "clip", "--joint-space", "--out", tmp_path / "d"),
                          "--joint-space", "no audio", "--audio-col clip")
    assert_one_line_error(run_mmzoo("train", "dual_encoder", *pairs, "--audio-preset", "hubert", "--image-preset",
                                    "clip", "--text-preset", "clip", "--joint-space", "--out", tmp_path / "f"),
                          "--joint-space", "no audio", "--audio-preset hubert")
    process = run_mmzoo("train", "dual_encoder", *pairs, "--loss", "hinge", "--out", tmp_path / "e")
    assert process.returncode == 2 and "--loss" in process.stderr and "'hinge'" in process.stderr
    assert not any((tmp_path / name).exists() for name in "abcdef")


@pytest.mark.slow  # two trainings on tiny presets, about 40 s on 2 cores
@pytest.mark.parametrize("kind, loss", [("clip", "softmax"), ("siglip", "sigmoid")])
def test_train_in_the_joint_space_of_a_preset_keeps_its_embeddings_and_its_loss(tmp_path, kind, loss):
    preset = {"clip": save_tiny_clip, "siglip": save_tiny_siglip}[kind](str(tmp_path / "presets"))
    data = write_pairs(tmp_path)
    folder = tmp_path / "run"
    process = run_mmzoo("train", "dual_encoder", "--data", data, "--image-col", "photo", "--text-col", "caption",
                        "--image-preset", preset, "--text-preset", preset, "--joint-space", "--epochs", "2",
                        "--batch-size", "8", "--out", folder)
    assert process.returncode == 0, process.stderr
    model, _ = load_keras(folder / "model.keras")
    layer = model.get_layer("contrastive_loss")
    own = branches.joint_similarity(preset)
    assert layer.loss == loss == own["loss"]
    assert layer.temperature == pytest.approx(own["temperature"], rel=1e-5)
    assert [weight.name for weight in model.trainable_weights] == (
        ["log_scale"] if loss == "softmax" else ["log_scale", "logit_bias"]), "the towers and projections stay frozen"
    captions = np.array(["a red square", "a blue square"], dtype=object)
    expected = branches.from_preset(preset, "text", pooling="embedding").predict(captions, verbose=0)
    np.testing.assert_allclose(retrieval.embed(model, captions, "text"),
                               expected / np.linalg.norm(expected, axis=1, keepdims=True), rtol=1e-4, atol=1e-5)
    search = run_mmzoo("search", folder / "model.keras", "--query", "a blue square", "--modality", "text", "--k", "2")
    assert search.returncode == 0, search.stderr
    assert search.stdout.count("  score ") == 2, search.stdout


def test_the_loss_choices_of_the_command_are_the_librarys():
    from mmzoo.cli.train_contrastive import LOSSES as COMMAND_LOSSES
    from mmzoo.layers.contrastive_loss import LOSSES

    assert COMMAND_LOSSES == LOSSES
