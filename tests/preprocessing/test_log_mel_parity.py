"""The TensorFlow log-mel spectrogram against librosa's, on real recordings."""

import pathlib

import keras
import numpy as np
import pytest
import tensorflow as tf

from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.preprocessing import (LogMelSpectrogram, load_audio, log_mel_spectrogram, mel_filterbank,
                                 tf_log_mel_spectrogram)

SHARED = pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
TOLERANCE_DB = 0.01  # measured worst case is 6e-4 dB


def _real_clips():
    clips = sorted((SHARED / "fsdd" / "recordings").glob("*.wav"))[::300]
    if not clips:
        pytest.skip("the shared FSDD recordings are not available")
    return [load_audio(path, sample_rate=8000) for path in clips]


@pytest.mark.parametrize("top_db", [80.0, None])
def test_matches_librosa_on_spoken_digits(top_db):
    options = {"sample_rate": 8000, "n_fft": 256, "hop_length": 80, "n_mels": 40, "top_db": top_db}
    for waveform in _real_clips():
        expected = log_mel_spectrogram(waveform, **options)
        actual = tf_log_mel_spectrogram(waveform, **options).numpy()
        assert actual.shape == expected.shape
        np.testing.assert_allclose(actual, expected, atol=TOLERANCE_DB, rtol=0)


def test_matches_librosa_on_noise_with_band_limits():
    waveform = np.random.default_rng(0).normal(0, 0.2, 16000).astype(np.float32)
    options = {"sample_rate": 16000, "n_fft": 512, "hop_length": 128, "n_mels": 64, "fmin": 50.0, "fmax": 7000.0}
    np.testing.assert_allclose(
        tf_log_mel_spectrogram(waveform, **options).numpy(),
        log_mel_spectrogram(waveform, **options),
        atol=TOLERANCE_DB,
        rtol=0,
    )


def test_batches_apply_top_db_per_example():
    rng = np.random.default_rng(1)
    loud, quiet = rng.normal(0, 1.0, 4000), rng.normal(0, 1e-3, 4000)
    batch = tf_log_mel_spectrogram(np.stack([loud, quiet]).astype(np.float32), sample_rate=8000).numpy()
    for row, waveform in zip(batch, (loud, quiet)):
        np.testing.assert_allclose(row, log_mel_spectrogram(waveform, sample_rate=8000), atol=TOLERANCE_DB)


def test_layer_round_trips_through_keras_save_with_safe_mode(tmp_path):
    layer = LogMelSpectrogram(sample_rate=8000, n_fft=256, hop_length=80, n_mels=32, fmax=3800.0, name="logmel")
    rebuilt = LogMelSpectrogram.from_config(layer.get_config())
    assert rebuilt.get_config() == layer.get_config()
    inputs = keras.Input((4000,))
    model = keras.Model(inputs, layer(inputs))
    assert model.output_shape == (None, 51, 32)
    model.save(tmp_path / "logmel.keras")
    reloaded = keras.saving.load_model(tmp_path / "logmel.keras", safe_mode=True)
    waveforms = np.random.default_rng(2).normal(0, 0.1, (3, 4000)).astype(np.float32)
    np.testing.assert_allclose(reloaded.predict(waveforms, verbose=0), model.predict(waveforms, verbose=0), atol=1e-4)
    expected = log_mel_spectrogram(waveforms[0], 8000, n_fft=256, hop_length=80, n_mels=32, fmax=3800.0)
    np.testing.assert_allclose(reloaded.predict(waveforms, verbose=0)[0], expected, atol=TOLERANCE_DB)


def test_function_runs_inside_tf_data():
    waveforms = np.random.default_rng(3).normal(0, 0.1, (4, 2000)).astype(np.float32)
    dataset = tf.data.Dataset.from_tensor_slices(waveforms).map(
        lambda w: tf_log_mel_spectrogram(w, sample_rate=8000, n_mels=16, hop_length=100)
    )
    first = next(iter(dataset)).numpy()
    np.testing.assert_allclose(
        first, log_mel_spectrogram(waveforms[0], 8000, n_mels=16, hop_length=100), atol=TOLERANCE_DB
    )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_mels": 0}, ConfigurationError, "Received: n_mels=0"),
        ({"hop_length": 1.5}, ArgumentTypeError, "Received: hop_length=1.5"),
        ({"sample_rate": 8000, "fmax": 6000.0}, ConfigurationError, "fmax=6000.0"),
        ({"top_db": -3.0}, ConfigurationError, "Received: top_db=-3.0"),
    ],
)
def test_layer_rejects_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        LogMelSpectrogram(**kwargs)


@pytest.mark.parametrize(
    "sample_rate, n_fft, n_mels, fmin, fmax",
    [(8000, 256, 40, 0.0, None), (16000, 512, 64, 20.0, 7000.0), (22050, 2048, 128, 0.0, None), (44100, 1024, 80, 300.0, None)],
)
def test_mel_filterbank_equals_librosa(sample_rate, n_fft, n_mels, fmin, fmax):
    import librosa

    expected = librosa.filters.mel(sr=sample_rate, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax).T
    np.testing.assert_allclose(mel_filterbank(sample_rate, n_fft, n_mels, fmin, fmax), expected, rtol=1e-5, atol=1e-8)


def test_the_three_log_mel_implementations_share_one_definition_of_their_settings():
    from mmzoo.preprocessing import LOG_MEL_DEFAULTS, log_mel_settings

    layer = LogMelSpectrogram()
    assert {name: layer.get_config()[name] for name in LOG_MEL_DEFAULTS} == log_mel_settings()
    waveform = np.random.default_rng(0).normal(size=4000).astype("float32")
    np.testing.assert_allclose(tf_log_mel_spectrogram(waveform).numpy(), log_mel_spectrogram(waveform), atol=0.01)
    for function in (log_mel_spectrogram, tf_log_mel_spectrogram):
        with pytest.raises(ArgumentTypeError, match="n_ftt"):
            function(waveform, n_ftt=256)
        with pytest.raises(ConfigurationError, match="hop_length=0"):
            function(waveform, hop_length=0)
