"""Audio preprocessing with librosa: load, fix the length, compute features.

Every feature is returned time-major, `(frames, features)`, the layout of the
`audio_conv2d` and recurrent audio branches; `summary_vector` turns such a
matrix into the fixed-size vector of the `dense` audio branch.
`mmzoo.preprocessing.spectrogram` computes the same log-mel spectrogram in
TensorFlow.
"""

import os

import librosa
import numpy as np

from mmzoo._checks import check_positive_int, check_positive_number
from mmzoo._files import reading
from mmzoo.errors import ConfigurationError
from mmzoo.preprocessing.spectrogram import LOG_MEL_DEFAULTS, log_mel_settings

FEATURE_KINDS = ("waveform", "log_mel", "mfcc", "summary")


def load_audio(path, sample_rate=16000, duration=None):
    """Reads an audio file as a mono waveform at a given sample rate.

    Any format and sample rate libsndfile reads (WAV, FLAC, OGG, ...) is
    accepted; stereo is averaged to mono and the signal resampled.

    Args:
        path: Path of the audio file.
        sample_rate: Sample rate of the returned waveform, in Hz.
        duration: Optional length in seconds; the waveform is zero-padded at
            the end or trimmed to exactly `round(duration * sample_rate)`
            samples. `None` keeps the file's length.

    Returns:
        A `float32` numpy array of shape `(samples,)` in `[-1, 1]`.

    Raises:
        ConfigurationError: If `sample_rate` or `duration` is invalid, or the
            file holds no sample or non-finite samples.
        DamagedFileError: If the file cannot be decoded.
        FileNotFoundError: If the file does not exist.
    """
    check_positive_number("sample_rate", sample_rate)
    if duration is not None:
        check_positive_number("duration", duration)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No audio file {os.fspath(path)!r}.")
    with reading(path, "audio", "Check that it plays; convert it to 16-bit PCM WAV, or drop it."):
        waveform, _ = librosa.load(path, sr=sample_rate, mono=True)
    if waveform.size == 0 or not np.all(np.isfinite(waveform)):
        raise ConfigurationError(
            f"The audio file holds no sample or non-finite samples. Received: path={str(path)!r}"
        )
    if duration is not None:
        waveform = pad_or_trim(waveform, int(round(duration * sample_rate)))
    return waveform.astype(np.float32)


def pad_or_trim(waveform, length):
    """Zero-pads a waveform at the end, or trims it, to `length` samples.

    Args:
        waveform: Numpy array of shape `(samples,)`.
        length: Number of samples of the result.

    Returns:
        A numpy array of shape `(length,)`.

    Raises:
        ConfigurationError: If `length` is not a positive integer.
    """
    check_positive_int("length", length)
    return librosa.util.fix_length(np.asarray(waveform), size=int(length))


def log_mel_spectrogram(waveform, sample_rate=LOG_MEL_DEFAULTS["sample_rate"], **options):
    """Computes a log-mel power spectrogram in decibels.

    Frames are centred (the signal is zero-padded by `n_fft // 2` on both
    sides) and windowed with a periodic Hann window of `n_fft` samples; mel
    filters use the Slaney scale and area normalisation (librosa's defaults).

    Args:
        waveform: Numpy array of shape `(samples,)`.
        sample_rate: Sample rate of `waveform`, in Hz.
        **options: The other log-mel settings (`n_fft`, `hop_length`,
            `n_mels`, `fmin`, `fmax`, `top_db`, `amin`), with the defaults and
            checks of
            `mmzoo.preprocessing.spectrogram.LOG_MEL_DEFAULTS` and
            `log_mel_settings`.

    Returns:
        A `float32` array of shape `(1 + samples // hop_length, n_mels)`, in dB
        relative to a power of 1.

    Raises:
        ArgumentTypeError, ConfigurationError: If a setting is unknown or
            invalid.
    """
    settings = log_mel_settings(sample_rate=sample_rate, **options)
    _check_waveform(waveform)
    power = librosa.feature.melspectrogram(
        **_librosa_mel_options(waveform, settings["sample_rate"], settings["n_fft"], settings["hop_length"],
                               settings["n_mels"], settings["fmin"], settings["fmax"]), power=2.0)
    decibels = librosa.power_to_db(power, ref=1.0, amin=settings["amin"], top_db=settings["top_db"])
    return decibels.T.astype(np.float32)


def mfcc(waveform, sample_rate=16000, n_mfcc=20, n_fft=512, hop_length=160, n_mels=64, fmin=0.0, fmax=None):
    """Computes mel-frequency cepstral coefficients.

    Args:
        waveform: Numpy array of shape `(samples,)`.
        sample_rate: Sample rate of `waveform`, in Hz.
        n_mfcc: Number of coefficients.
        n_fft: FFT and window length, in samples.
        hop_length: Step between frames, in samples.
        n_mels: Number of mel bands the coefficients are computed from.
        fmin: Lowest filter frequency, in Hz.
        fmax: Highest filter frequency, in Hz; `None` means `sample_rate / 2`.

    Returns:
        A `float32` array of shape `(1 + samples // hop_length, n_mfcc)`.

    Raises:
        ArgumentTypeError, ConfigurationError: If a setting is invalid (as
            `log_mel_settings` checks them), `n_mfcc` exceeds `n_mels`, or the
            waveform is not finite.
    """
    log_mel_settings(sample_rate=sample_rate, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels, fmin=fmin,
                     fmax=fmax)
    check_positive_int("n_mfcc", n_mfcc)
    if n_mfcc > n_mels:
        raise ConfigurationError(
            f"`n_mfcc` must be at most `n_mels` ({n_mels}): each coefficient comes from the mel bands. "
            f"Received: n_mfcc={n_mfcc}"
        )
    _check_waveform(waveform)
    coefficients = librosa.feature.mfcc(
        **_librosa_mel_options(waveform, sample_rate, n_fft, hop_length, n_mels, fmin, fmax), n_mfcc=n_mfcc)
    return coefficients.T.astype(np.float32)


def _check_waveform(waveform):
    values = np.asarray(waveform)
    if values.dtype.kind not in "iuf" or values.ndim != 1:
        raise ConfigurationError(
            f"`waveform` must be a 1-D array of numbers. Received: waveform of shape {values.shape}, dtype {values.dtype}"
        )
    if not np.all(np.isfinite(values)):
        raise ConfigurationError(
            f"`waveform` must be finite. Received: waveform with {int(np.sum(~np.isfinite(values)))} NaN or inf "
            f"(first {values[~np.isfinite(values)][0]})"
        )


def _librosa_mel_options(waveform, sample_rate, n_fft, hop_length, n_mels, fmin, fmax):
    """The arguments of librosa's mel features: centred frames, zero padding (as `tf_log_mel_spectrogram`)."""
    return {"y": np.asarray(waveform, dtype=np.float32), "sr": sample_rate, "n_fft": n_fft, "hop_length": hop_length,
            "n_mels": n_mels, "fmin": fmin, "fmax": fmax, "center": True, "pad_mode": "constant"}


def summary_vector(features):
    """Summarises time-major features by their mean and standard deviation.

    Args:
        features: Array of shape `(frames, dim)`, e.g. from `mfcc` or
            `log_mel_spectrogram`.

    Returns:
        A `float32` array of shape `(2 * dim,)`: the means over time followed
        by the standard deviations over time.

    Raises:
        ConfigurationError: If `features` is not a non-empty 2D array.
    """
    features = np.asarray(features, dtype=np.float32)
    if features.ndim != 2 or features.shape[0] == 0:
        raise ConfigurationError(
            f"`features` must be a non-empty (frames, dim) array. Received: features.shape={features.shape}"
        )
    return np.concatenate([features.mean(axis=0), features.std(axis=0)])


def audio_features(waveform, kind="log_mel", sample_rate=16000, **options):
    """Computes one kind of feature from a waveform.

    Args:
        waveform: Numpy array of shape `(samples,)`.
        kind: `"waveform"` (returned unchanged), `"log_mel"`, `"mfcc"` or
            `"summary"` (mean and standard deviation of the MFCCs over time).
        sample_rate: Sample rate of `waveform`, in Hz.
        **options: Keyword arguments of `log_mel_spectrogram` or `mfcc`.

    Returns:
        A `float32` array: `(samples,)`, `(frames, n_mels)`, `(frames, n_mfcc)`
        or `(2 * n_mfcc,)` according to `kind`.

    Raises:
        ConfigurationError: If `kind` is not one of the kinds above.
    """
    if kind not in FEATURE_KINDS:
        raise ConfigurationError(f"`kind` must be one of {FEATURE_KINDS}. Received: kind={kind!r}")
    if kind == "waveform":
        return np.asarray(waveform, dtype=np.float32)
    if kind == "log_mel":
        return log_mel_spectrogram(waveform, sample_rate=sample_rate, **options)
    coefficients = mfcc(waveform, sample_rate=sample_rate, **options)
    return summary_vector(coefficients) if kind == "summary" else coefficients
