"""Manifests prepared as sharded TFRecord files: same examples, resumable, never a half-written shard."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from mmzoo.datasets import BadRowsError, from_dataframe, from_prepared, prepare
from mmzoo.datasets import prepared as prepared_module
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from media_files import manifest

OPTIONS = {"image": "image", "text": "caption", "audio": "audio", "label": "label", "image_size": (16, 16),
           "audio_sample_rate": 8000, "audio_duration": 0.5,
           "audio_options": {"n_mels": 16, "hop_length": 200, "n_fft": 256}}


def elements(dataset):
    """The dataset's elements as lists of numpy values, in order."""
    return [({key: value.numpy() for key, value in inputs.items()}, label.numpy()) for inputs, label in dataset]


def assert_same(first, second):
    assert len(first) == len(second)
    for (inputs_a, label_a), (inputs_b, label_b) in zip(first, second):
        assert sorted(inputs_a) == sorted(inputs_b)
        for key in inputs_a:
            np.testing.assert_array_equal(inputs_a[key], inputs_b[key])
        np.testing.assert_array_equal(label_a, label_b)


@pytest.fixture
def frame(tmp_path):
    (tmp_path / "files").mkdir()
    return manifest(tmp_path / "files", rows=7)


def test_prepared_shards_give_the_examples_of_the_direct_pipeline(tmp_path, frame):
    folder = prepare(frame, tmp_path / "prepared", base_dir=tmp_path / "files", rows_per_shard=3, verbose=0,
                     **OPTIONS)
    direct = from_dataframe(frame, base_dir=tmp_path / "files", batch_size=None, **OPTIONS)
    prepared = from_prepared(folder, batch_size=None)
    assert_same(elements(prepared), elements(direct))
    assert prepared.class_names == direct.class_names == ["cat", "dog"]
    assert len(list(folder.glob("shard-*.tfrecord"))) == 3
    assert json.loads((folder / "metadata.json").read_text())["rows"] == 7
    batches = list(from_prepared(folder, batch_size=4, shuffle=True, seed=1))
    assert [int(labels.shape[0]) for _, labels in batches] == [4, 3]
    shuffled = np.concatenate([labels.numpy() for _, labels in batches])
    assert sorted(shuffled) == sorted(label for _, label in elements(direct))


def test_a_seed_gives_the_same_shuffled_order_on_every_run(tmp_path, frame):
    folder = prepare(frame, tmp_path / "prepared", base_dir=tmp_path / "files", rows_per_shard=2, verbose=0,
                     **OPTIONS)
    runs = [elements(from_prepared(folder, batch_size=None, shuffle=True, seed=3, num_parallel_calls=4))
            for _ in range(5)]
    for run in runs[1:]:
        assert_same(run, runs[0])
    captions = [inputs["text"] for inputs, _ in runs[0]]
    in_order = [inputs["text"] for inputs, _ in elements(from_prepared(folder, batch_size=None))]
    assert sorted(captions) == sorted(in_order) and captions != in_order


def test_prepare_again_keeps_finished_shards_and_writes_only_missing_ones(tmp_path, frame, capsys):
    options = dict(base_dir=tmp_path / "files", rows_per_shard=3, **OPTIONS)
    folder = prepare(frame, tmp_path / "prepared", **options)
    first = elements(from_prepared(folder, batch_size=None))
    shards = sorted(folder.glob("shard-*.tfrecord"))
    shards[1].unlink()
    capsys.readouterr()
    prepare(frame, folder, **options)
    output = capsys.readouterr().out
    assert output.count("kept (already written)") == 2
    assert output.count("written in") == 1
    assert_same(elements(from_prepared(folder, batch_size=None)), first)


def test_a_killed_prepare_leaves_no_readable_folder_and_resumes(tmp_path, frame):
    """The child process dies (os._exit, no cleanup) in the middle of writing its second shard."""
    folder = tmp_path / "prepared"
    frame.to_pickle(tmp_path / "frame.pkl")
    child = textwrap.dedent(f"""
        import os, pandas as pd, tensorflow as tf
        from mmzoo.datasets import prepared
        calls = []
        def dying_write(dataset, path):
            calls.append(path)
            if len(calls) == 2:
                with tf.io.TFRecordWriter(path) as writer:
                    writer.write(b"half a shard")
                os._exit(9)
            return original(dataset, path)
        original, prepared._write_records = prepared._write_records, dying_write
        prepared.prepare(pd.read_pickle({str(tmp_path / 'frame.pkl')!r}), {str(folder)!r},
                         base_dir={str(tmp_path / 'files')!r}, rows_per_shard=3, verbose=0, **{OPTIONS!r})
    """)
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=False)
    assert result.returncode == 9, result.stderr[-2000:]
    assert len(list(folder.glob("shard-*.tfrecord"))) == 1
    assert len(list(folder.glob(".partial-*"))) == 1
    assert not (folder / "metadata.json").exists()
    with pytest.raises(ConfigurationError, match="no complete preparation"):
        from_prepared(folder)

    prepare(frame, folder, base_dir=tmp_path / "files", rows_per_shard=3, verbose=0, **OPTIONS)
    assert not list(folder.glob(".partial-*"))
    direct = from_dataframe(frame, base_dir=tmp_path / "files", batch_size=None, **OPTIONS)
    assert_same(elements(from_prepared(folder, batch_size=None)), elements(direct))


def test_bad_rows_of_every_shard_are_named_and_the_folder_stays_unreadable(tmp_path, frame):
    frame.loc["sample1", "audio"] = "missing.wav"
    frame.loc["sample5", "caption"] = " "
    with pytest.raises(BadRowsError) as raised:
        prepare(frame, tmp_path / "prepared", base_dir=tmp_path / "files", rows_per_shard=3, verbose=0, **OPTIONS)
    assert sorted(bad.row for bad in raised.value.bad_rows) == ["sample1", "sample5"]
    assert "sample1" in str(raised.value) and "sample5" in str(raised.value)
    assert not (tmp_path / "prepared" / "metadata.json").exists()

    with pytest.warns(UserWarning, match="skipped"):
        folder = prepare(frame, tmp_path / "prepared", base_dir=tmp_path / "files", rows_per_shard=3, verbose=0,
                         errors="skip", **OPTIONS)
    dataset = from_prepared(folder, batch_size=None)
    assert len(elements(dataset)) == 5
    assert sorted(bad.row for bad in dataset.bad_rows) == ["sample1", "sample5"]


def test_changed_settings_write_every_shard_again(tmp_path, frame, capsys):
    folder = prepare(frame, tmp_path / "prepared", base_dir=tmp_path / "files", rows_per_shard=4, **OPTIONS)
    capsys.readouterr()
    prepare(frame, folder, base_dir=tmp_path / "files", rows_per_shard=4, **{**OPTIONS, "image_size": (8, 8)})
    assert "kept" not in capsys.readouterr().out
    assert len(list(folder.glob("shard-*.tfrecord"))) == 2
    image = next(iter(from_prepared(folder, batch_size=None)))[0]["image"]
    assert tuple(image.shape) == (8, 8, 3)


def test_batches_are_parsed_whole_into_the_batches_of_the_direct_pipeline(tmp_path, frame):
    folder = prepare(frame, tmp_path / "prepared", base_dir=tmp_path / "files", rows_per_shard=3, verbose=0,
                     **OPTIONS)
    direct = from_dataframe(frame, base_dir=tmp_path / "files", batch_size=3, **OPTIONS)
    prepared = from_prepared(folder, batch_size=3)
    assert prepared.element_spec == direct.element_spec
    assert_same(elements(prepared), elements(direct))


def test_a_folder_of_another_format_is_refused_and_prepared_again_whole(tmp_path, frame, capsys, monkeypatch):
    monkeypatch.setattr(prepared_module, "FORMAT", "mmzoo-prepared/1")
    folder = prepare(frame, tmp_path / "prepared", base_dir=tmp_path / "files", rows_per_shard=4, **OPTIONS)
    monkeypatch.undo()
    with pytest.raises(ConfigurationError, match="format 'mmzoo-prepared/1'"):
        from_prepared(folder)
    capsys.readouterr()
    prepare(frame, folder, base_dir=tmp_path / "files", rows_per_shard=4, **OPTIONS)
    assert "kept" not in capsys.readouterr().out        # no shard of the old format is taken as written
    assert len(list(folder.glob("shard-*.tfrecord"))) == 2
    direct = from_dataframe(frame, base_dir=tmp_path / "files", batch_size=None, **OPTIONS)
    assert_same(elements(from_prepared(folder, batch_size=None)), elements(direct))


@pytest.mark.parametrize(
    "call, error, named",
    [
        (lambda tmp, frame: prepare(frame, 42, **OPTIONS), ArgumentTypeError, "directory=42"),
        (lambda tmp, frame: prepare([1, 2], tmp / "out", **OPTIONS), ArgumentTypeError, "df="),
        (lambda tmp, frame: prepare(frame, tmp / "out", rows_per_shard=0, **OPTIONS), ConfigurationError,
         "rows_per_shard=0"),
        (lambda tmp, frame: prepare(frame, tmp / "out", batch_size=8, **OPTIONS), ConfigurationError,
         "batch_size=8"),
        (lambda tmp, frame: prepare(frame, tmp / "out", errors="ignore", **OPTIONS), ConfigurationError,
         "errors='ignore'"),
        (lambda tmp, frame: prepare(frame, tmp / "out", **{**OPTIONS, "audio": "nope"}), ConfigurationError,
         "audio='nope'"),
        (lambda tmp, frame: prepare(frame, tmp / "files" / "image_0.png", **OPTIONS), ConfigurationError,
         "image_0.png"),
        (lambda tmp, frame: from_prepared(tmp / "files"), ConfigurationError, "no complete preparation"),
        (lambda tmp, frame: from_prepared(tmp / "files" / "image_0.png"), ConfigurationError, "existing file"),
    ],
)
def test_bad_arguments_are_named_before_anything_is_written(tmp_path, frame, call, error, named):
    with pytest.raises(error, match=named.replace("(", r"\(")):
        call(tmp_path, frame)
    assert not (tmp_path / "out").exists()
