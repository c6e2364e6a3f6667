import numpy as np
import pytest
import soundfile

from mmzoo.errors import ConfigurationError
from mmzoo.preprocessing import audio_features, load_audio, log_mel_spectrogram, mfcc, pad_or_trim, summary_vector
from media_files import write_tone


def _peak_frequency(waveform, sample_rate):
    spectrum = np.abs(np.fft.rfft(waveform))
    return np.fft.rfftfreq(len(waveform), 1 / sample_rate)[spectrum.argmax()]


@pytest.mark.parametrize("source_rate, channels", [(8000, 1), (44100, 1), (44100, 2), (8000, 2)])
def test_load_resamples_to_mono_at_the_target_rate(tmp_path, source_rate, channels):
    path = write_tone(tmp_path / "tone.wav", source_rate, channels, seconds=0.5, frequency=600.0)
    waveform = load_audio(path, sample_rate=16000)
    assert waveform.ndim == 1 and waveform.dtype == np.float32
    assert abs(len(waveform) - 8000) <= 1
    assert abs(_peak_frequency(waveform, 16000) - 600.0) < 5
    assert 0.4 < np.abs(waveform).max() < 0.6


def test_stereo_is_averaged_to_mono(tmp_path):
    t = np.arange(4000) / 8000
    left, right = 0.4 * np.sin(2 * np.pi * 300 * t), 0.4 * np.sin(2 * np.pi * 900 * t)
    soundfile.write(str(tmp_path / "st.wav"), np.stack([left, right], axis=1), 8000, subtype="FLOAT")
    waveform = load_audio(tmp_path / "st.wav", sample_rate=8000)
    np.testing.assert_allclose(waveform, (left + right) / 2, atol=1e-6)


def test_duration_pads_or_trims(tmp_path):
    path = write_tone(tmp_path / "tone.wav", 8000, 1, seconds=0.5)
    padded = load_audio(path, sample_rate=8000, duration=1.0)
    trimmed = load_audio(path, sample_rate=8000, duration=0.25)
    assert padded.shape == (8000,) and trimmed.shape == (2000,)
    assert np.all(padded[4000:] == 0) and np.abs(padded[:4000]).max() > 0.4
    np.testing.assert_array_equal(pad_or_trim(np.ones(3), 5), [1, 1, 1, 0, 0])
    np.testing.assert_array_equal(pad_or_trim(np.arange(5), 2), [0, 1])


def test_load_rejects_an_empty_file(tmp_path):
    soundfile.write(str(tmp_path / "empty.wav"), np.zeros(0), 8000)
    with pytest.raises(ConfigurationError, match="no sample"):
        load_audio(tmp_path / "empty.wav", sample_rate=8000)


def test_log_mel_is_time_major_and_finds_the_tone():
    sample_rate = 16000
    t = np.arange(sample_rate) / sample_rate
    low = log_mel_spectrogram(np.sin(2 * np.pi * 300 * t), sample_rate, n_mels=40, hop_length=160)
    high = log_mel_spectrogram(np.sin(2 * np.pi * 3000 * t), sample_rate, n_mels=40, hop_length=160)
    assert low.shape == (101, 40) and low.dtype == np.float32
    assert low[50].argmax() < high[50].argmax()
    assert low.max() - low.min() <= 80.0 + 1e-3


def test_mfcc_and_summary_vector_shapes_and_values():
    waveform = np.random.default_rng(0).normal(0, 0.1, 8000).astype(np.float32)
    coefficients = mfcc(waveform, 8000, n_mfcc=13, n_fft=256, hop_length=80, n_mels=32)
    assert coefficients.shape == (101, 13)
    summary = summary_vector(coefficients)
    assert summary.shape == (26,)
    np.testing.assert_allclose(summary[:13], coefficients.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(summary[13:], coefficients.std(axis=0), rtol=1e-5)
    with pytest.raises(ConfigurationError, match="features.shape"):
        summary_vector(np.zeros(5))


def test_audio_features_dispatches_by_kind():
    waveform = np.random.default_rng(1).normal(0, 0.1, 4000).astype(np.float32)
    assert audio_features(waveform, "waveform", 8000).shape == (4000,)
    assert audio_features(waveform, "log_mel", 8000, n_mels=16, hop_length=100, n_fft=256).shape == (41, 16)
    assert audio_features(waveform, "mfcc", 8000, n_mfcc=12, n_fft=256, n_mels=32).shape == (26, 12)
    assert audio_features(waveform, "summary", 8000, n_mfcc=12, n_fft=256, n_mels=32).shape == (24,)
    with pytest.raises(ConfigurationError, match="Received: kind='cqt'"):
        audio_features(waveform, "cqt", 8000)


@pytest.mark.parametrize("kwargs, match", [({"sample_rate": 0}, "sample_rate=0"), ({"duration": -1}, "duration=-1")])
def test_load_rejects_invalid_arguments(tmp_path, kwargs, match):
    path = write_tone(tmp_path / "tone.wav")
    with pytest.raises(ConfigurationError, match=match):
        load_audio(path, **kwargs)
