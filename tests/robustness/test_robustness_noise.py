"""Every noise type: level 0 is the identity, distortion grows with the level, seeds, bad arguments."""

import numpy as np
import pytest

from mmzoo.datasets import load, synthetic
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.robustness import available_noises, corrupt

LEVELS = (0.0, 0.1, 0.3, 0.6, 1.0)


@pytest.fixture(scope="module")
def samples():
    images = synthetic.generate(12, task="image", image_size=16, modalities=("image",), seed=3)[0]["image"]
    waveforms = synthetic.generate(6, task="audio", audio_format="waveform", modalities=("audio",), seed=3)[0]
    strings = synthetic.generate(6, task="text", text_format="strings", modalities=("text",), seed=3)[0]
    ids = synthetic.generate(6, task="text", modalities=("text",), seed=3)[0]
    spectrograms = load("av_mnist", split="test", as_dataset=False)[0]["audio"][:8]
    return {
        "image": images,
        "image_rgb": np.repeat(images, 3, axis=-1),
        "waveform": waveforms["audio"],
        "log_mel": spectrograms,
        "strings": strings["text"],
        "ids": ids["text"],
    }


def distortion(clean, noisy):
    """Mean absolute change for numbers; share of changed words (or lost ones) for strings."""
    if clean.dtype.kind in "OSU":
        changed = 0
        for before, after in zip(clean, noisy):
            words, kept = str(before).split(), str(after).split()
            changed += len(words) - len(kept) + sum(a != b for a, b in zip(words, kept))
        return changed / sum(len(str(text).split()) for text in clean)
    return float(np.mean(np.abs(noisy.astype(np.float64) - clean.astype(np.float64))))


CASES = [
    ("image", noise, data) for noise in ("gaussian", "salt_and_pepper", "occlusion", "blur", "missing")
    for data in ("image", "image_rgb")
] + [
    ("audio", noise, data) for noise in ("white_noise", "background_noise", "segment_dropout", "missing")
    for data in ("waveform", "log_mel")
] + [
    ("text", noise, "strings") for noise in ("char_swap", "typo", "word_dropout", "missing")
] + [
    ("text", noise, "ids") for noise in ("word_dropout", "token_replacement", "missing")
]


def test_every_noise_is_covered():
    covered = {(modality, noise) for modality, noise, _ in CASES}
    listed = {(modality, noise) for modality, names in available_noises().items() for noise in names}
    assert covered == listed


@pytest.mark.parametrize("modality,noise,data", CASES)
def test_level_zero_is_identity_and_distortion_grows(samples, modality, noise, data):
    clean = samples[data]
    noisy = [corrupt(clean, modality=modality, noise=noise, level=level, seed=5) for level in LEVELS]
    for result in noisy:
        assert result.shape == clean.shape
        assert result.dtype == clean.dtype or clean.dtype.kind in "OSU"
    np.testing.assert_array_equal(noisy[0], clean)
    distortions = [distortion(clean, result) for result in noisy]
    assert distortions[0] == 0.0
    assert all(later >= earlier - 1e-9 for earlier, later in zip(distortions, distortions[1:])), distortions
    assert distortions[-1] > distortions[1] > 0.0, distortions


@pytest.mark.parametrize("modality,noise,data", CASES)
def test_same_seed_same_noise_and_input_untouched(samples, modality, noise, data):
    clean = samples[data]
    before = clean.copy()
    first = corrupt(clean, modality=modality, noise=noise, level=0.5, seed=11)
    second = corrupt(clean, modality=modality, noise=noise, level=0.5, seed=11)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(clean, before)
    if noise != "blur":
        other = corrupt(clean, modality=modality, noise=noise, level=0.5, seed=12)
        assert not np.array_equal(first, other)


def test_white_noise_reaches_the_requested_ratio_on_waveforms(samples):
    clean = samples["waveform"].astype(np.float64)
    for level, expected_db in ((1.0, -10.0), (0.1, 10.0)):
        noisy = corrupt(samples["waveform"], modality="audio", noise="white_noise", level=level, seed=0)
        added = noisy - clean
        ratio_db = 10 * np.log10(np.mean(clean**2, axis=1) / np.mean(added**2, axis=1))
        np.testing.assert_allclose(ratio_db, expected_db, atol=0.2)


def test_occlusion_covers_the_level_share_of_the_image():
    images = np.ones((200, 20, 20), np.float32)
    covered = 1.0 - corrupt(images, modality="image", noise="occlusion", level=0.25, seed=0).mean(axis=(1, 2))
    assert covered.max() == pytest.approx(0.25)
    assert 0.1 < covered.mean() <= 0.25


def test_missing_marks_rows_in_band_with_nan(samples):
    removed = corrupt(samples["log_mel"], modality="audio", noise="missing", level=1.0, in_band=True)
    assert np.isnan(removed).all()
    strings = corrupt(samples["strings"], modality="text", noise="missing", level=1.0)
    assert all(text == "" for text in strings)


def test_token_replacement_keeps_padding(samples):
    ids = samples["ids"]
    noisy = corrupt(ids, modality="text", noise="token_replacement", level=1.0, vocab_size=30, seed=0)
    np.testing.assert_array_equal(noisy == 0, ids == 0)
    assert noisy[ids != 0].min() >= 2 and noisy.max() < 30


@pytest.mark.parametrize("kwargs,error,match", [
    ({"level": -0.1}, ConfigurationError, "level=-0.1"),
    ({"level": 1.5}, ConfigurationError, "level=1.5"),
    ({"level": "high"}, ArgumentTypeError, "level='high'"),
    ({"level": True}, ArgumentTypeError, "level=True"),
    ({"seed": -1}, ConfigurationError, "seed=-1"),
    ({"seed": 1.5}, ArgumentTypeError, "seed=1.5"),
    ({"noise": "fog"}, ConfigurationError, "noise='fog'"),
    ({"modality": "video"}, ConfigurationError, "modality='video'"),
    ({"max_sigma": 2.0}, ConfigurationError, r"options=\['max_sigma'\]"),
])
def test_bad_arguments(samples, kwargs, error, match):
    arguments = {"modality": "image", "noise": "gaussian", "level": 0.5, "seed": 0, **kwargs}
    with pytest.raises(error, match=match):
        corrupt(samples["image"], **arguments)


@pytest.mark.parametrize("modality,noise,values,match", [
    ("image", "gaussian", np.full((2, 4, 4), 255.0, np.float32), "scale images"),
    ("image", "blur", np.zeros((2, 4), np.float32), "Received: values of shape"),
    ("image", "occlusion", np.zeros((2, 4, 4), np.uint8), "dtype uint8"),
    ("audio", "white_noise", np.zeros((2, 4, 4, 1), np.float32), "Received: values of shape"),
    ("audio", "segment_dropout", np.full((2, 8, 4), 3.0, np.float32), "from 3.0 to 3.0"),
    ("text", "char_swap", np.ones((2, 5), np.int32), "not token ids"),
    ("text", "token_replacement", np.array(["a b", "c"]), "not strings"),
    ("text", "word_dropout", np.ones((2, 5), np.float32), "dtype float32"),
])
def test_values_a_noise_cannot_take(modality, noise, values, match):
    with pytest.raises(ConfigurationError, match=match):
        corrupt(values, modality=modality, noise=noise, level=0.5)


def test_bad_noise_options(samples):
    with pytest.raises(ConfigurationError, match="form='wave'"):
        corrupt(samples["waveform"], modality="audio", noise="white_noise", level=0.5, form="wave")
    with pytest.raises(ConfigurationError, match="segments=0"):
        corrupt(samples["log_mel"], modality="audio", noise="segment_dropout", level=0.5, segments=0)
    with pytest.raises(ConfigurationError, match="vocab_size=2"):
        corrupt(samples["ids"], modality="text", noise="token_replacement", level=0.5, vocab_size=2)
