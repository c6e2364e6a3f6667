"""The helpers shared by the benches: argument types, statistics, Markdown tables, result files."""

import argparse
import os
import stat

import pytest

import bench_common


@pytest.mark.parametrize("text, value", [("0", 0), ("7", 7)])
def test_non_negative_int_accepts_integers(text, value):
    assert bench_common.non_negative_int(text) == value


@pytest.mark.parametrize(
    "convert, text, match",
    [
        (bench_common.positive_int, "0", "must be a positive integer. Received: '0'"),
        (bench_common.positive_int, "2.5", "must be a positive integer. Received: '2.5'"),
        (bench_common.non_negative_int, "-1", "must be a non-negative integer. Received: '-1'"),
        (bench_common.non_negative_int, "one", "must be a non-negative integer. Received: 'one'"),
    ],
)
def test_integer_types_reject_bad_values(convert, text, match):
    with pytest.raises(argparse.ArgumentTypeError, match=match):
        convert(text)


def test_mean_and_std_is_the_sample_standard_deviation():
    mean, std = bench_common.mean_and_std([0.5, 0.7, 0.9])
    assert mean == pytest.approx(0.7)
    assert std == pytest.approx(0.2)


def test_mean_and_std_of_one_value_has_no_std():
    assert bench_common.mean_and_std([0.25]) == (0.25, None)


def test_mean_and_std_rejects_no_value():
    with pytest.raises(ValueError, match="Received: values=\\[\\]"):
        bench_common.mean_and_std([])


def test_markdown_table_aligns_columns():
    text = bench_common.markdown_table(["name", "value"], [["a", "1"], ["b", "2"]], align="lr")
    assert text.splitlines() == ["| name | value |", "|---|---:|", "| a | 1 |", "| b | 2 |"]


def test_markdown_table_rejects_a_short_row_and_a_bad_alignment():
    with pytest.raises(ValueError, match="Each row must have 2 cells.*Received: row=\\['a'\\]"):
        bench_common.markdown_table(["name", "value"], [["a"]])
    with pytest.raises(ValueError, match="Received: align='lc'"):
        bench_common.markdown_table(["name", "value"], [], align="lc")


def test_command_quotes_arguments_with_spaces():
    line = bench_common.command("/any/where/bench/av_mnist.py", ["--models", "image only", "concat"])
    assert line == "python bench/av_mnist.py --models 'image only' concat"


def test_machine_names_the_versions():
    text = bench_common.machine(("librosa", "0.0"))
    assert "CPU cores" in text and "TensorFlow" in text and text.endswith("librosa 0.0")


def test_write_results_replaces_the_file_and_leaves_no_temporary(tmp_path, capsys):
    path = tmp_path / "results" / "table.md"
    bench_common.write_results(path, "old\n")
    bench_common.write_results(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert os.listdir(path.parent) == ["table.md"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert f"Written to {path}" in capsys.readouterr().out


def test_the_clip_bpe_vocabulary_makes_each_word_one_token():
    import keras_hub

    words = ["a", "the", "photo", "of", "cat"]
    vocabulary, merges = bench_common.clip_bpe_vocabulary(words)
    tokenizer = keras_hub.tokenizers.CLIPTokenizer(vocabulary=vocabulary, merges=merges)
    ids = [int(token) for token in tokenizer("a photo of the cat")]
    assert [tokenizer.id_to_token(token) for token in ids] == ["a</w>", "photo</w>", "of</w>", "the</w>", "cat</w>"]
    assert vocabulary["<|endoftext|>"] == max(vocabulary.values())
