"""`mmzoo.datasets.split` (the manifest split rule) and `Decoding` (settings saved beside a model)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from mmzoo import datasets
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from media_files import manifest


def test_a_split_column_chooses_each_rows_split():
    frame = pd.DataFrame({"x": range(5), "split": ["train", "test", "train", "validation", "test"]})
    parts = datasets.split(frame)
    assert list(parts) == ["train", "validation", "test"]
    assert [list(parts[name]["x"]) for name in parts] == [[0, 2], [3], [1, 4]]


def test_without_a_split_column_a_fixed_shuffle_gives_80_10_10():
    frame = pd.DataFrame({"x": range(50)})
    parts = datasets.split(frame)
    assert [len(parts[name]) for name in ("train", "validation", "test")] == [40, 5, 5]
    assert sorted(x for part in parts.values() for x in part["x"]) == list(range(50))
    assert all(list(part["x"]) == sorted(part["x"]) for part in parts.values())
    again = datasets.split(frame)
    assert all(parts[name].equals(again[name]) for name in parts)
    assert not datasets.split(frame, seed=1)["test"].equals(parts["test"])


def test_bad_split_values_and_types_are_refused():
    with pytest.raises(ConfigurationError, match="holdout"):
        datasets.split(pd.DataFrame({"split": ["train", "holdout"]}))
    with pytest.raises(ArgumentTypeError, match="DataFrame"):
        datasets.split([1, 2, 3])


def test_decoding_is_saved_beside_the_model_and_read_back(tmp_path):
    model_path = tmp_path / "model.keras"
    assert datasets.decoding_path(model_path) == str(tmp_path / "model.preprocessing.json")
    assert datasets.Decoding.load(model_path) is None
    decoding = datasets.Decoding(columns={"image": "photo", "label": "label"}, image_size=(16, 24),
                                 image_channels=1, audio_sample_rate=8000, class_names=["cat", "dog"])
    decoding.save(model_path)
    assert datasets.Decoding.load(model_path) == decoding
    with pytest.raises(ConfigurationError, match="model.h5"):
        datasets.decoding_path("model.h5")


def test_decoding_decodes_a_manifest_with_its_settings(tmp_path):
    frame = manifest(tmp_path, rows=4)
    decoding = datasets.Decoding(columns={"image": "image", "audio": "audio", "label": "label"}, image_size=(16, 24),
                                 image_channels=1, audio_sample_rate=8000, audio_duration=0.5,
                                 audio_options={"n_mels": 16, "hop_length": 200})
    dataset = decoding.dataset(frame, base_dir=tmp_path)
    inputs, _ = dataset.element_spec
    assert tuple(inputs["image"].shape) == (16, 24, 1) and tuple(inputs["audio"].shape)[1] == 16
    assert dataset.class_names == ["cat", "dog"]
    assert dataclasses.asdict(decoding)["audio_sample_rate"] == 8000


def test_decode_reads_a_few_files_or_texts_as_the_manifest_column_of_their_modality(tmp_path):
    frame = manifest(tmp_path, rows=4)
    decoding = datasets.Decoding(columns={"image": "image", "text": "caption", "label": "label"}, image_size=(16, 24),
                                 image_channels=1)
    rows = next(decoding.dataset(frame, base_dir=tmp_path, batch_size=4).as_numpy_iterator())[0]
    images = decoding.decode("image", frame["image"][2:].tolist(), base_dir=tmp_path)
    assert images.shape == (2, 16, 24, 1) and np.array_equal(images, rows["image"][2:])
    assert decoding.decode("text", ["a small cat"]).tolist() == [b"a small cat"]
    with pytest.raises(ConfigurationError, match="Received: modality='audio'"):
        decoding.decode("audio", ["audio_0.wav"], base_dir=tmp_path)
    with pytest.raises(ConfigurationError, match="Received: cells=\\[\\]"):
        decoding.decode("image", [])
    with pytest.raises(datasets.BadRowsError, match="audio_0.wav"):
        decoding.decode("image", ["audio_0.wav"], base_dir=tmp_path)
