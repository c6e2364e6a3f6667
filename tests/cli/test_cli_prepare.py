"""`mmzoo prepare` writes the shards of every split; `mmzoo train --prepared` trains from them."""

import json

import pytest

from cli_runner import assert_one_line_error, run_mmzoo
from media_files import manifest
from pairs_manifest import TEST_ROWS, write_pairs

COLUMNS = ("--image-col", "image", "--text-col", "caption", "--audio-col", "audio", "--label-col", "label")


@pytest.mark.slow  # two commands, about 35 s on 2 cores
def test_prepare_then_train_from_the_shards(tmp_path):
    frame = manifest(tmp_path, rows=12)
    frame["split"] = ["train"] * 8 + ["validation"] * 2 + ["test"] * 2
    frame.to_csv(tmp_path / "manifest.csv", index=False)
    shards = tmp_path / "prepared"
    process = run_mmzoo("prepare", "concat", "--data", tmp_path / "manifest.csv", *COLUMNS, "--out", shards,
                        "--rows-per-shard", "3")
    assert process.returncode == 0, process.stderr
    for split, rows in (("train", 8), ("validation", 2), ("test", 2)):
        metadata = json.loads((shards / split / "metadata.json").read_text(encoding="utf-8"))
        assert metadata["rows"] == rows and metadata["class_names"] == ["cat", "dog"]
    assert len(list((shards / "train").glob("shard-*.tfrecord"))) == 3

    process = run_mmzoo("train", "concat", "--data", tmp_path / "manifest.csv", *COLUMNS, "--prepared", shards,
                        "--epochs", "1", "--batch-size", "4", "--out", tmp_path / "run")
    assert process.returncode == 0, process.stderr
    assert "kept (already written)" in process.stdout and "written in" not in process.stdout
    assert json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))["samples"] == 2


def test_prepare_refuses_bundled_data_and_a_file_as_folder(tmp_path):
    assert_one_line_error(run_mmzoo("prepare", "concat", "--data", "av_mnist", "--out", tmp_path / "p"), "av_mnist")
    (tmp_path / "file").write_text("x")
    frame = manifest(tmp_path, rows=4)
    frame.to_csv(tmp_path / "manifest.csv", index=False)
    process = run_mmzoo("prepare", "concat", "--data", tmp_path / "manifest.csv", "--image-col", "image",
                        "--out", tmp_path / "file")
    assert_one_line_error(process, "--out", "file")


@pytest.mark.slow  # two commands, about 20 s on 2 cores
def test_prepare_then_train_a_dual_encoder_from_the_shards(tmp_path):
    data = write_pairs(tmp_path)
    shards = tmp_path / "prepared"
    columns = ("--image-col", "photo", "--text-col", "caption")
    process = run_mmzoo("prepare", "dual_encoder", "--data", data, *columns, "--out", shards)
    assert process.returncode == 0, process.stderr
    assert json.loads((shards / "test" / "metadata.json").read_text(encoding="utf-8"))["rows"] == len(TEST_ROWS)
    process = run_mmzoo("train", "dual_encoder", "--data", data, *columns, "--prepared", shards, "--epochs", "1",
                        "--batch-size", "8", "--out", tmp_path / "run")
    assert process.returncode == 0, process.stderr
    assert json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))["samples"] == len(TEST_ROWS)
