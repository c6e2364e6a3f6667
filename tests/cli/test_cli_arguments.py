"""`--help` on every subcommand, and bad arguments: one line on stderr, non-zero exit, nothing written.

Every case here is caught before TensorFlow is imported, except the unknown
model name (which needs the zoo's list), so the file runs in seconds.
"""

import pytest
from cli_runner import assert_one_line_error, run_mmzoo

SUBCOMMANDS = ("list", "describe", "demo", "train", "evaluate", "export")


def test_help_of_the_command_lists_every_subcommand():
    process = run_mmzoo("--help")
    assert process.returncode == 0
    for name in SUBCOMMANDS:
        assert name in process.stdout


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_help_of_each_subcommand_has_examples(subcommand):
    process = run_mmzoo(subcommand, "--help")
    assert process.returncode == 0, process.stderr
    assert f"usage: mmzoo {subcommand}" in process.stdout
    assert "examples:" in process.stdout
    assert f"mmzoo {subcommand}" in process.stdout.split("examples:")[1]


@pytest.fixture()
def model_file(tmp_path):
    """A file named like a model; the commands below fail before reading it."""
    path = tmp_path / "model.keras"
    path.write_bytes(b"not read")
    return path


@pytest.fixture()
def manifest_csv(tmp_path):
    path = tmp_path / "manifest.csv"
    path.write_text("photo,caption,label\na.png,a cat,cat\n", encoding="utf-8")
    return path


def test_bad_epochs(tmp_path):
    for value in ("0", "-3", "many"):
        process = run_mmzoo("train", "concat", "--data", "synthetic", "--epochs", value, "--out", tmp_path / "run")
        assert_one_line_error(process, "--epochs", value)
    assert not (tmp_path / "run").exists()


def test_unknown_format(model_file, tmp_path):
    process = run_mmzoo("export", model_file, "--format", "onnx", "--data", "synthetic", "--out", tmp_path / "m.onnx")
    assert_one_line_error(process, "onnx", "tflite-int8")


def test_unknown_subcommand():
    assert_one_line_error(run_mmzoo("fit"), "fit")


def test_existing_output_folders_are_never_overwritten(tmp_path, model_file):
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine", encoding="utf-8")
    for arguments in (("train", "concat", "--data", "synthetic", "--out", existing),
                      ("demo", "--quick", "--out", existing),
                      ("export", model_file, "--format", "keras", "--data", "synthetic", "--out", existing),
                      ("evaluate", model_file, "--data", "synthetic", "--out", existing)):
        assert_one_line_error(run_mmzoo(*arguments), str(existing), "exists")
    assert [path.name for path in existing.iterdir()] == ["keep.txt"]


def test_missing_or_unreadable_manifest(tmp_path):
    missing = tmp_path / "missing.csv"
    assert_one_line_error(run_mmzoo("train", "concat", "--data", missing, "--out", tmp_path / "run"), str(missing))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    process = run_mmzoo("train", "concat", "--data", empty, "--image-col", "photo", "--out", tmp_path / "run")
    assert_one_line_error(process, str(empty), "cannot read")
    assert_one_line_error(run_mmzoo("train", "concat", "--data", "imagenet", "--out", tmp_path / "run"), "imagenet")
    assert not (tmp_path / "run").exists()


def test_missing_column(manifest_csv, tmp_path):
    process = run_mmzoo("train", "concat", "--data", manifest_csv, "--image-col", "picture", "--out", tmp_path / "run")
    assert_one_line_error(process, "--image-col", "picture", "photo")
    process = run_mmzoo("train", "concat", "--data", manifest_csv, "--image-col", "photo", "--label-col", "class",
                        "--out", tmp_path / "run")
    assert_one_line_error(process, "--label-col", "class")
    process = run_mmzoo("train", "concat", "--data", manifest_csv, "--out", tmp_path / "run")
    assert_one_line_error(process, "--image-col")
    assert not (tmp_path / "run").exists()


def test_model_file_that_does_not_exist(tmp_path):
    missing = tmp_path / "nothing.keras"
    assert_one_line_error(run_mmzoo("evaluate", missing, "--data", "synthetic"), str(missing))
    process = run_mmzoo("export", missing, "--format", "keras", "--data", "synthetic", "--out", tmp_path / "x.keras")
    assert_one_line_error(process, str(missing))
    assert_one_line_error(run_mmzoo("evaluate", tmp_path / "model.h5", "--data", "synthetic"), "model.h5")
    assert not (tmp_path / "x.keras").exists()


def test_unknown_model_name(tmp_path):
    process = run_mmzoo("train", "transformer", "--data", "synthetic", "--out", tmp_path / "run")
    assert_one_line_error(process, "transformer", "concat", "trimodal_classifier")
    assert "Traceback" not in process.stdout
    assert not (tmp_path / "run").exists()
