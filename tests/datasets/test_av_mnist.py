import json
import pathlib

import numpy as np
import pytest
import tensorflow as tf

from mmzoo import data as bundled
from mmzoo.datasets import av_mnist, available, hold_out_speaker, load, load_av_mnist
from mmzoo.datasets.build_av_mnist import build, save
from mmzoo.errors import ConfigurationError

SHARED = pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture(scope="module")
def archive():
    with bundled.path("av_mnist.npz") as path, np.load(path) as data:
        return {key: data[key] for key in data.files}


@pytest.mark.parametrize("holdout", ["speaker", "recording"])
def test_bundled_copy_loads_offline_with_both_holdouts(holdout, archive):
    settings = json.loads(str(archive["settings"]))
    sizes = {}
    for split in ("train", "validation", "test"):
        inputs, labels = load_av_mnist(split=split, holdout=holdout)
        sizes[split] = len(labels)
        assert inputs["image"].shape == (len(labels), 28, 28, 1) and inputs["image"].dtype == np.float32
        assert inputs["audio"].shape == (len(labels), settings["n_mels"], settings["n_mels"])
        assert 0.0 <= inputs["image"].min() and inputs["image"].max() <= 1.0
        assert 0.0 <= inputs["audio"].min() and inputs["audio"].max() <= 1.0
        assert labels.dtype == np.int32 and set(np.unique(labels)) == set(range(10))
    assert sizes == {key: settings[f"{key}_pairs"] for key in sizes}


def test_audio_of_each_pair_speaks_the_digit_and_test_clips_are_held_out(archive):
    clip = np.array([name.split(":")[0] for name in archive["audio_clip"]])
    digit = np.array([int(name.split("_")[0]) for name in clip])
    speaker = np.array([name.split("_")[1] for name in clip])
    recording = np.array([int(name.split("_")[2]) for name in clip])
    noise = np.array([name.split(":")[1] for name in archive["audio_clip"]])
    test_speaker = json.loads(str(archive["settings"]))["test_speaker"]
    for holdout in ("speaker", "recording"):
        for split in ("train", "validation", "test"):
            images, audio = archive[f"{holdout}_{split}_image"], archive[f"{holdout}_{split}_audio"]
            np.testing.assert_array_equal(digit[audio], archive["image_label"][images])
            held_out = speaker[audio] == test_speaker if holdout == "speaker" else recording[audio] >= 40
            assert held_out.all() if split == "test" else not held_out.any()
            assert set(noise[audio]) == {"test-noise" if split == "test" else "train-noise"}
    train_images = set(archive["speaker_train_image"]) | set(archive["speaker_validation_image"])
    assert not train_images & set(archive["speaker_test_image"])


def test_hold_out_speaker_splits_the_training_pairs_by_the_voice_of_their_clip(archive):
    inputs, labels = load_av_mnist("train")
    speaker = np.array([name.split("_")[1] for name in archive["audio_clip"][archive["speaker_train_audio"]]])
    assert set(speaker) == {"george", "jackson", "lucas", "nicolas", "theo"}
    (rest, rest_labels), (held, held_labels) = hold_out_speaker("lucas")
    assert len(held_labels) == (speaker == "lucas").sum() > 0
    assert len(rest_labels) + len(held_labels) == len(labels)
    for modality in ("image", "audio"):
        np.testing.assert_array_equal(held[modality], inputs[modality][speaker == "lucas"])
        np.testing.assert_array_equal(rest[modality], inputs[modality][speaker != "lucas"])
    np.testing.assert_array_equal(held_labels, labels[speaker == "lucas"])
    test_speaker = json.loads(str(archive["settings"]))["test_speaker"]
    with pytest.raises(ConfigurationError, match=f"speaker='{test_speaker}'"):
        hold_out_speaker(test_speaker)     # the test speaker is not a training speaker


def test_hold_out_speaker_refuses_an_unknown_speaker_before_loading_the_split(monkeypatch):
    def load_not_expected(*args, **kwargs):
        raise AssertionError("the training split was loaded before the speaker was checked")

    monkeypatch.setattr(av_mnist, "load_av_mnist", load_not_expected)
    with pytest.raises(ConfigurationError, match="speaker='bob'"):
        hold_out_speaker("bob")
    with pytest.raises(ConfigurationError, match="holdout='time'"):
        hold_out_speaker("lucas", holdout="time")


def test_images_keep_about_a_quarter_of_the_energy(archive):
    if not (SHARED / "mnist.npz").is_file():
        pytest.skip("the shared source data is not available")
    settings = json.loads(str(archive["settings"]))
    assert settings["energy"] == 0.25 and 3 <= settings["pca_components"] <= 4
    with np.load(SHARED / "mnist.npz") as mnist:
        original = mnist["x_train"][-settings["validation_pairs"] :].reshape(-1, 784) / 255.0
    reduced = load_av_mnist("validation")[0]["image"].reshape(-1, 784)
    kept = ((reduced - reduced.mean(axis=0)) ** 2).sum() / ((original - original.mean(axis=0)) ** 2).sum()
    assert 0.18 < kept < 0.32
    correlation = np.corrcoef(reduced.ravel(), original.ravel())[0, 1]
    assert correlation > 0.4


def test_load_returns_datasets_or_arrays_and_lists_names_on_error():
    dataset = load("av_mnist", split="test", holdout="recording", batch_size=50)
    assert dataset.class_names == list(range(10))
    inputs, labels = next(iter(dataset))
    assert inputs["image"].shape == (50, 28, 28, 1) and labels.dtype == tf.int32
    arrays, labels = load("av_mnist", split="validation", as_dataset=False)
    assert isinstance(arrays["audio"], np.ndarray) and len(labels) == len(arrays["image"])
    assert {"av_mnist", "synthetic"} <= set(available())
    with pytest.raises(ConfigurationError, match=r"Available: \[.*'av_mnist'.*'synthetic'.*Received: name='mnist'"):
        load("mnist")
    with pytest.raises(ConfigurationError, match="Received: split='dev'"):
        load("av_mnist", split="dev")
    with pytest.raises(ConfigurationError, match="Received: holdout='noise'"):
        load_av_mnist(holdout="noise")
    with pytest.raises(FileNotFoundError, match="build_av_mnist"):
        load_av_mnist(path="/nonexistent/av_mnist.npz")


def test_synthetic_splits_are_deterministic_and_distinct():
    first = load("synthetic", split="train", as_dataset=False, num_samples=64)
    again = load("synthetic", split="train", as_dataset=False, num_samples=64)
    other = load("synthetic", split="test", as_dataset=False, num_samples=64)
    np.testing.assert_array_equal(first[0]["image"], again[0]["image"])
    assert not np.array_equal(first[0]["image"], other[0]["image"])
    dataset = load("synthetic", split="test", num_samples=64, batch_size=16)
    inputs, labels = next(iter(dataset))
    assert set(inputs) == set(first[0]) and labels.shape == (16,)
    assert max(first[1]) < len(dataset.class_names)


def test_build_script_rebuilds_a_small_version_from_the_sources(tmp_path):
    if not (SHARED / "mnist.npz").is_file():
        pytest.skip("the shared source data is not available")
    arrays = build(SHARED, train_pairs=100, validation_pairs=20, test_pairs=50, noise_variants=1, n_mels=16,
                   hop_length=512, seed=1)
    path = save(arrays, tmp_path / "small" / "av_mnist.npz")
    assert not list(path.parent.glob("*.tmp-*"))
    for holdout in ("speaker", "recording"):
        inputs, labels = load_av_mnist("test", holdout=holdout, path=path)
        assert inputs["audio"].shape == (50, 16, 16) and len(labels) == 50
    with pytest.raises(ConfigurationError, match="Received: test_speaker='nobody'"):
        build(SHARED, train_pairs=10, validation_pairs=0, test_pairs=10, test_speaker="nobody")
