"""Every kind of bad row, with real broken files, under errors="raise" and errors="skip"."""

import numpy as np
import pytest
import soundfile

from mmzoo.datasets import BadRowsError, from_dataframe
from media_files import manifest

BAD = "sample2"  # a PNG / 44.1 kHz stereo row


def _truncate(path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 3])


def _break_png(folder, df):
    _truncate(folder / df.loc[BAD, "image"])
    return df, "image", "corrupt image"


def _break_jpeg(folder, df):
    jpeg = df.loc[BAD, "image"].replace(".png", ".jpg")
    df.loc[BAD, "image"] = jpeg
    (folder / jpeg).write_bytes((folder / df.loc["sample1", "image"]).read_bytes()[:200])
    return df, "image", "corrupt image"


def _garbage_wav(folder, df):
    (folder / df.loc[BAD, "audio"]).write_bytes(b"RIFF\x00\x00not really a wave file" * 40)
    return df, "audio", "corrupt audio"


def _truncated_wav(folder, df):
    (folder / df.loc[BAD, "audio"]).write_bytes((folder / df.loc[BAD, "audio"]).read_bytes()[:30])
    return df, "audio", "corrupt audio"


def _nan_wav(folder, df):
    samples = np.full(4000, 0.1, dtype=np.float32)
    samples[100] = np.nan
    soundfile.write(str(folder / df.loc[BAD, "audio"]), samples, 8000, subtype="FLOAT")
    return df, "audio", "finite"


def _missing_file(folder, df):
    df.loc[BAD, "audio"] = "no_such_recording.wav"
    return df, "audio", "file not found"


def _missing_path(folder, df):
    df.loc[BAD, "image"] = None
    return df, "image", "missing path"


def _empty_text(folder, df):
    df.loc[BAD, "caption"] = "   "
    return df, "caption", "empty text"


def _non_text(folder, df):
    df["caption"] = df["caption"].astype(object)
    df.loc[BAD, "caption"] = 42
    return df, "caption", "not a text value"


def _nan_label(folder, df):
    df.loc[BAD, "label"] = np.nan
    return df, "label", "missing label"


def _unknown_label(folder, df):
    df.loc[BAD, "label"] = "bird"
    return df, "label", "not one of class_names"


CASES = [
    _break_png, _break_jpeg, _garbage_wav, _truncated_wav, _nan_wav, _missing_file,
    _missing_path, _empty_text, _non_text, _nan_label, _unknown_label,
]


def _dataset(folder, df, errors):
    return from_dataframe(
        df, image="image", text="caption", audio="audio", label="label", class_names=["cat", "dog"],
        base_dir=folder, image_size=(8, 8), audio_sample_rate=8000, audio_duration=0.5, errors=errors,
        batch_size=None,
    )


@pytest.mark.parametrize("breaker", CASES, ids=lambda case: case.__name__.strip("_"))
def test_raise_names_the_row_and_the_column(tmp_path, breaker):
    df, column, reason = breaker(tmp_path, manifest(tmp_path, rows=6))
    with pytest.raises(BadRowsError) as caught:
        _dataset(tmp_path, df, "raise")
    message = str(caught.value)
    assert f"row '{BAD}', column '{column}'" in message
    assert reason in message and "1 of 6 rows" in message
    assert [(bad.row, bad.column) for bad in caught.value.bad_rows] == [(BAD, column)]
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("breaker", CASES, ids=lambda case: case.__name__.strip("_"))
def test_skip_drops_the_row_and_reports_it(tmp_path, breaker):
    df, column, reason = breaker(tmp_path, manifest(tmp_path, rows=6))
    with pytest.warns(UserWarning, match=f"1 of 6 rows are unusable. They were skipped.(.|\n)*'{BAD}'"):
        dataset = _dataset(tmp_path, df, "skip")
    assert [(bad.row, bad.column) for bad in dataset.bad_rows] == [(BAD, column)]
    assert reason in dataset.bad_rows[0].reason
    labels = [int(label) for _, label in dataset]
    expected = df.drop(index=BAD)["label"].map({"cat": 0, "dog": 1}).tolist()
    assert labels == expected


def test_every_bad_cell_is_listed_and_a_fully_bad_manifest_still_raises(tmp_path):
    df = manifest(tmp_path, rows=4)
    df.loc["sample0", "caption"] = ""
    df.loc["sample0", "label"] = None
    df.loc["sample3", "image"] = "gone.png"
    with pytest.raises(BadRowsError, match="2 of 4 rows") as caught:
        _dataset(tmp_path, df, "raise")
    assert [(bad.row, bad.column) for bad in caught.value.bad_rows] == [
        ("sample0", "caption"), ("sample0", "label"), ("sample3", "image"),
    ]
    with pytest.warns(UserWarning, match="2 of 4 rows"):
        assert sum(1 for _ in _dataset(tmp_path, df, "skip")) == 2
    with pytest.raises(BadRowsError, match="No usable row"), pytest.warns(UserWarning):
        _dataset(tmp_path, df.assign(label=None), "skip")


def test_repeated_index_labels_name_rows_by_position(tmp_path):
    df = manifest(tmp_path, rows=4)
    df.index = ["same"] * 4
    df.iloc[2, df.columns.get_loc("caption")] = ""
    with pytest.raises(BadRowsError, match="row 2, column 'caption'"):
        _dataset(tmp_path, df, "raise")
    with pytest.warns(UserWarning):
        assert sum(1 for _ in _dataset(tmp_path, df, "skip")) == 3
