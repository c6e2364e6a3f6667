"""`mmzoo train dual_encoder` on a manifest of pairs, and `mmzoo search` with image files and texts as queries."""

import contextlib
import io
import json

import keras
import numpy as np
import pandas as pd
import pytest
from cli_runner import assert_one_line_error, run_mmzoo
from media_files import write_tone
from pairs_manifest import TEST_ROWS, colour, write_pairs

from mmzoo import datasets, retrieval
from mmzoo.cli.main import main


def run_in_process(*arguments):
    """Runs `mmzoo ARGUMENTS` in this process (TensorFlow is loaded already) and returns its stdout."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert main([str(argument) for argument in arguments]) == 0
    return output.getvalue()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A dual encoder trained for 3 epochs on image + text pairs with labels."""
    folder = tmp_path_factory.mktemp("pairs")
    manifest = write_pairs(folder)
    run_in_process("train", "dual_encoder", "--data", manifest, "--image-col", "photo", "--text-col", "caption",
                   "--epochs", "3", "--batch-size", "8", "--out", folder / "run")
    return folder, folder / "run"


def test_train_writes_the_model_its_decoding_the_metrics_and_indexes_of_the_test_rows(trained):
    _, out = trained
    assert sorted(path.name for path in out.iterdir()) == [
        "checkpoints", "history.json", "metrics.json", "model.image.index.npz", "model.keras",
        "model.preprocessing.json", "model.text.index.npz", "model.text.vocab.json"]
    assert sorted(path.name for path in (out / "checkpoints").iterdir()) == ["best.json", "best.keras"]
    history = json.loads((out / "history.json").read_text())
    assert sorted(history) == ["loss", "val_loss"] and len(history["val_loss"]) == 3   # the validation rows
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["samples"] == len(TEST_ROWS) and metrics["split"] == "test"
    assert sorted(metrics["retrieval"]) == ["image->text", "text->image"]
    for levels in metrics["retrieval"].values():
        assert sorted(levels) == ["class", "instance"]
        assert sorted(levels["class"]) == ["median_rank", "mrr", "recall@1", "recall@10", "recall@5"]
        assert levels["class"]["recall@1"] >= 0.75, metrics   # chance: 0.25 (4 colours)
    assert len(json.loads((out / "history.json").read_text())["loss"]) == 3
    for modality in ("image", "text"):
        index = retrieval.Index.load(retrieval.index_path(out / "model.keras", modality))
        assert index.modality == modality and index.ids().tolist() == TEST_ROWS
    model = keras.saving.load_model(out / "model.keras", safe_mode=True)
    assert retrieval.modalities_of(model) == ["image", "text"]


def test_search_an_image_file_prints_k_test_rows_of_its_colour_first(trained):
    folder, out = trained
    printed = run_in_process("search", out / "model.keras", "--query", folder / "square_3.png", "--modality", "image",
                             "--k", "4").strip().splitlines()
    assert printed[0] == "query 0: image -> text"
    ids = [int(line.split()[2]) for line in printed[1:]]
    scores = [float(line.split()[4]) for line in printed[1:]]
    assert len(ids) == 4 and set(ids) <= set(TEST_ROWS) and scores == sorted(scores, reverse=True)
    assert colour(ids[0]) == colour(3) == "yellow"


def test_search_a_text_finds_images_of_the_colour_it_names(trained):
    _, out = trained
    printed = run_in_process("search", out / "model.keras", "--query", "a blue square", "--modality", "text",
                             "--k", "2").strip().splitlines()
    assert printed[0] == "query 0: text -> image"
    assert [colour(int(line.split()[2])) for line in printed[1:]] == ["blue", "blue"]


def test_search_a_query_file_of_the_wrong_kind(trained, capsys):
    folder, out = trained
    tone = write_tone(folder / "tone.wav")
    with pytest.raises(SystemExit) as stopped:
        main(["search", str(out / "model.keras"), "--query", str(tone), "--modality", "image"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("mmzoo: error: --query") and "tone.wav" in error and "cannot be read as image" in error


def test_train_needs_two_modality_columns_and_an_existing_label_column(tmp_path):
    manifest = write_pairs(tmp_path)
    assert_one_line_error(run_mmzoo("train", "dual_encoder", "--data", manifest, "--image-col", "photo",
                                    "--out", tmp_path / "run"), "two or three", "--image-col photo")
    assert_one_line_error(run_mmzoo("train", "dual_encoder", "--data", manifest, "--image-col", "photo",
                                    "--text-col", "caption", "--label-col", "kind", "--out", tmp_path / "run"),
                          "--label-col 'kind'")
    assert not (tmp_path / "run").exists()


def test_train_three_modalities_without_labels_from_prepared_shards(tmp_path):
    manifest = write_pairs(tmp_path, rows=32, labels=False, audio=True)
    run_in_process("train", "dual_encoder", "--data", manifest, "--image-col", "photo", "--text-col", "caption",
                   "--audio-col", "clip", "--epochs", "1", "--batch-size", "16", "--prepared", tmp_path / "shards",
                   "--out", tmp_path / "run")
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())["retrieval"]
    assert sorted(metrics) == ["audio->image", "audio->text", "image->audio", "image->text", "text->audio",
                               "text->image"]
    assert all(sorted(levels) == ["instance"] for levels in metrics.values())
    # Each indexed embedding is that of the manifest row its id names.
    path = tmp_path / "run" / "model.keras"
    model, decoding = keras.saving.load_model(path, safe_mode=True), datasets.Decoding.load(path)
    index = retrieval.Index.load(retrieval.index_path(path, "audio"))
    assert index.ids().tolist() == [row for row in TEST_ROWS if row < 32]
    clips = decoding.decode("audio", pd.read_csv(manifest)["clip"][index.ids()].tolist(), base_dir=tmp_path)
    np.testing.assert_allclose(retrieval.embed(model, clips, "audio"), index.embeddings(), atol=1e-5)


def test_class_aware_training_learns_the_labels_and_serves_search_by_class(tmp_path):
    manifest = write_pairs(tmp_path)
    run_in_process("train", "dual_encoder", "--data", manifest, "--image-col", "photo", "--text-col", "caption",
                   "--class-aware", "--epochs", "3", "--batch-size", "8", "--out", tmp_path / "run")
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["class_aware"] is True
    path = tmp_path / "run" / "model.keras"
    model = keras.saving.load_model(path, safe_mode=True)
    assert sorted(model.input) == ["image", "label", "text"]
    printed = run_in_process("search", path, "--query", "a green square", "--modality", "text", "--k", "3",
                             "--by-class").strip().splitlines()
    assert printed[0] == "query 0: text -> image"
    assert [colour(int(line.split()[2])) for line in printed[1:]] == ["green"] * 3


def test_class_aware_needs_labels_and_a_dual_encoder(tmp_path):
    manifest = write_pairs(tmp_path, labels=False)
    assert_one_line_error(run_mmzoo("train", "dual_encoder", "--data", manifest, "--image-col", "photo",
                                    "--text-col", "caption", "--class-aware", "--out", tmp_path / "run"),
                          "--label-col 'label'")
    assert_one_line_error(run_mmzoo("train", "concat", "--data", "av_mnist", "--class-aware",
                                    "--out", tmp_path / "run"), "--class-aware", "dual_encoder")
    assert not (tmp_path / "run").exists()


def test_train_under_a_strategy_and_say_when_it_is_not_there(tmp_path):
    manifest = write_pairs(tmp_path, rows=32)
    printed = run_in_process("train", "dual_encoder", "--data", manifest, "--image-col", "photo", "--text-col",
                             "caption", "--epochs", "1", "--batch-size", "8", "--strategy", "mirrored",
                             "--out", tmp_path / "run")
    assert "(1 replica(s), batch 8)" in printed
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["batch_size"] == 8
    keras.saving.load_model(tmp_path / "run" / "model.keras", safe_mode=True)
    assert_one_line_error(run_mmzoo("train", "dual_encoder", "--data", manifest, "--image-col", "photo",
                                    "--text-col", "caption", "--strategy", "tpu", "--out", tmp_path / "tpu"),
                          "needs a TPU", "strategy='tpu'")
    assert not (tmp_path / "tpu").exists()


def test_a_run_interrupted_after_an_epoch_resumes_after_it(tmp_path, monkeypatch):
    from mmzoo.training.checkpoints import BackupAndRestore

    manifest = write_pairs(tmp_path, rows=32)
    command = ["train", "dual_encoder", "--data", manifest, "--image-col", "photo", "--text-col", "caption",
               "--epochs", "3", "--batch-size", "8", "--out", tmp_path / "run"]
    backed_up = BackupAndRestore.on_epoch_end

    def interrupt_after_the_first_epoch(self, epoch, logs=None):
        backed_up(self, epoch, logs)
        if epoch == 0:
            raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(BackupAndRestore, "on_epoch_end", interrupt_after_the_first_epoch)
        with contextlib.redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as stopped:
            main([str(argument) for argument in command])
    assert stopped.value.code == 130
    assert not (tmp_path / "run" / "model.keras").exists()
    state = json.loads((tmp_path / "run" / "checkpoints" / "backup" / "state.json").read_text())
    assert state["epoch"] == 1
    printed = run_in_process(*command)
    assert "\nResuming after epoch 1 'dual_encoder' on " in printed
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert len(history["loss"]) == 2      # epochs 2 and 3 only
    keras.saving.load_model(tmp_path / "run" / "model.keras", safe_mode=True)
    assert_one_line_error(run_mmzoo(*command), "exists already")      # a finished run is never overwritten
