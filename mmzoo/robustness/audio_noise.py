"""Audio noise: white noise and real background noise at a speech-to-noise ratio, dropped segments.

Audio comes in one of two forms, told apart by its rank (or by `form=`):

- `"waveform"`: float array `(n, samples)`; noise is added to the samples.
- `"log_mel"`: float array `(n, frames, mels)` in [0, 1], a log-mel power
  spectrogram in dB relative to its own peak with [-80, 0] dB mapped to
  [0, 1] (the layout of AV-MNIST). Noise is mixed in the power domain: the
  spectrogram is turned back into mel power, the mel power spectrogram of a
  noise waveform (computed with `sample_rate`, `n_fft` and `hop_length`,
  AV-MNIST's by default) is scaled to the requested ratio and added (the
  expected power of a sum of independent signals), and the sum is turned
  back into dB relative to its new peak, floored at -80 dB. This is what
  the spectrogram of the mixed waveform would be, up to the cross terms,
  which vanish on average.

The speech-to-noise ratio is measured per sample over the whole clip, as it
is stored (AV-MNIST clips already hold background noise at 0 dB). A level
maps to `min_snr_db - 20 * log10(level)` dB: the noise amplitude grows in
proportion to the level, reaching `min_snr_db` (-10 dB by default) at level
1; level 0 adds nothing.
"""

import functools

import librosa
import numpy as np

from mmzoo import data as bundled
from mmzoo._checks import check_positive_int
from mmzoo._files import reading
from mmzoo.errors import ConfigurationError

NOISE_FILE = "background_noise.npz"
FORMS = ("auto", "waveform", "log_mel")
DB_RANGE = 80.0
CHUNK = 512


def audio_form(audio, form="auto"):
    """Returns "waveform" or "log_mel" for an audio array, checking it.

    Args:
        audio: Numpy array.
        form: "auto" (rank 2 is a waveform, rank 3 a log-mel spectrogram),
            "waveform" or "log_mel".

    Returns:
        The form.

    Raises:
        ConfigurationError: unknown form, or an array that does not fit it.
    """
    if form not in FORMS:
        raise ConfigurationError(f"`form` must be one of {FORMS}. Received: form={form!r}")
    if form == "auto":
        form = {2: "waveform", 3: "log_mel"}.get(audio.ndim, "auto")
    wanted = {"waveform": 2, "log_mel": 3}
    if form == "auto" or audio.ndim != wanted[form] or audio.dtype.kind != "f":
        raise ConfigurationError(
            "Audio noise takes float waveforms (n, samples) or log-mel spectrograms "
            f"(n, frames, mels). Received: values of shape {audio.shape} and dtype {audio.dtype}"
        )
    if form == "log_mel" and audio.size and (audio.min() < 0.0 or audio.max() > 1.0):
        raise ConfigurationError(
            "A log-mel spectrogram must hold dB relative to its peak mapped from [-80, 0] to [0, 1]. "
            f"Received: values from {audio.min()} to {audio.max()}"
        )
    return form


@functools.lru_cache(maxsize=4)
def background_recordings(sample_rate=8000):
    """Returns the bundled background-noise excerpts at a sample rate.

    Args:
        sample_rate: Sample rate wanted, in Hz (resampled if needed).

    Returns:
        Dict `{recording name: float32 waveform}`.

    Raises:
        FileNotFoundError: `mmzoo/data/background_noise.npz` is missing.
    """
    with bundled.path(NOISE_FILE) as path:
        if not path.is_file():
            raise FileNotFoundError(
                f"Background noise file {str(path)!r} not found. Build it with "
                "`python -m mmzoo.datasets.build_noise_excerpt --source <noise folder> --out "
                "mmzoo/data/background_noise.npz`."
            )
        remedy = ("Reinstall mmzoo, or build it again with `python -m mmzoo.datasets.build_noise_excerpt "
                  "--source <noise folder> --out mmzoo/data/background_noise.npz`.")
        with reading(path, "background noise `.npz`", remedy, argument="noise file"), np.load(path) as archive:
            waveforms = archive["waveforms"].astype(np.float32) / 32767.0
            names = [str(name) for name in archive["names"]]
            rate = int(archive["sample_rate"])
    if rate != sample_rate:
        waveforms = librosa.resample(waveforms, orig_sr=rate, target_sr=sample_rate)
    return dict(zip(names, waveforms))


def _mel_power(waveforms, n_mels, sample_rate, n_fft, hop_length):
    """Mel power spectrograms `(n, frames, mels)` of waveforms `(n, samples)`, chunk by chunk."""
    parts = [
        librosa.feature.melspectrogram(
            y=waveforms[start : start + CHUNK], sr=sample_rate, n_fft=n_fft, hop_length=hop_length,
            n_mels=n_mels, center=True, pad_mode="constant", power=2.0,
        )
        for start in range(0, len(waveforms), CHUNK)
    ]
    return np.swapaxes(np.concatenate(parts), 1, 2)


def _gain(signal_power, noise_power, level, min_snr_db):
    """Per-sample factor on the noise power giving the level's speech-to-noise ratio."""
    ratio = 10.0 ** (min_snr_db / 10.0) / level**2
    return signal_power / (np.maximum(noise_power, 1e-20) * ratio)


def _mix(audio, make_noise, level, min_snr_db, form, sample_rate, n_fft, hop_length):
    """Mixes noise waveforms from `make_noise(count, samples)` into waveforms or spectrograms."""
    axes = tuple(range(1, audio.ndim))
    if audio_form(audio, form) == "waveform":
        noise = make_noise(len(audio), audio.shape[1])
        gain = _gain(np.mean(audio.astype(np.float64) ** 2, axis=1), np.mean(noise**2, axis=1), level, min_snr_db)
        return (audio + np.sqrt(gain)[:, None] * noise).astype(audio.dtype)
    frames, mels = audio.shape[1:]
    noise = _mel_power(make_noise(len(audio), (frames - 1) * hop_length), mels, sample_rate, n_fft, hop_length)
    power = 10.0 ** ((audio.astype(np.float64) - 1.0) * DB_RANGE / 10.0)
    gain = _gain(power.mean(axis=axes), noise.mean(axis=axes), level, min_snr_db)
    mixed = power + gain[:, None, None] * noise
    relative = 10.0 * np.log10(mixed / mixed.max(axis=axes, keepdims=True))
    return np.clip(relative / DB_RANGE + 1.0, 0.0, 1.0).astype(audio.dtype)


def white_noise(audio, level, rng, min_snr_db=-10.0, form="auto", sample_rate=8000, n_fft=512, hop_length=256):
    """Adds white Gaussian noise at the speech-to-noise ratio of the level (see the module)."""
    def make_noise(count, samples):
        return rng.standard_normal((count, samples)).astype(np.float32)

    return _mix(audio, make_noise, level, min_snr_db, form, sample_rate, n_fft, hop_length)


def background_noise(audio, level, rng, min_snr_db=-10.0, form="auto", sample_rate=8000, n_fft=512,
                     hop_length=256):
    """Adds a random segment of a bundled real recording at the level's ratio (see the module).

    The recordings are Speech Commands background noise (dishes, a cat, an
    exercise bike, a running tap); each sample gets a segment of one of
    them, chosen at random with a random start.
    """
    recordings = list(background_recordings(sample_rate).values())

    def make_noise(count, samples):
        shortest = min(len(recording) for recording in recordings)
        if samples > shortest:
            raise ConfigurationError(
                f"The bundled background noise lasts {shortest / sample_rate:.1f} s, shorter than the audio. "
                f"Received: audio of {samples} samples at sample_rate={sample_rate}"
            )
        choices = rng.integers(len(recordings), size=count)
        starts = rng.integers(0, shortest - samples + 1, size=count)
        return np.stack([recordings[choice][start : start + samples] for choice, start in zip(choices, starts)])

    return _mix(audio, make_noise, level, min_snr_db, form, sample_rate, n_fft, hop_length)


def segment_dropout(audio, level, rng, segments=10, form="auto"):
    """Silences each of `segments` equal stretches of time with probability `level`.

    Silence is 0: zero samples for a waveform, the -80 dB floor for a log-mel
    spectrogram (whose peak reference is left as it was).
    """
    audio_form(audio, form)
    check_positive_int("segments", segments)
    if segments > audio.shape[1]:
        raise ConfigurationError(
            f"`segments` must be an integer from 1 to the {audio.shape[1]} time steps. Received: segments={segments!r}"
        )
    bounds = np.linspace(0, audio.shape[1], segments + 1).astype(int)
    segment_of_step = np.searchsorted(bounds, np.arange(audio.shape[1]), side="right") - 1
    dropped = (rng.random((len(audio), segments)) < level)[:, segment_of_step]
    dropped = dropped.reshape(dropped.shape + (1,) * (audio.ndim - 2))
    return np.where(dropped, np.zeros((), audio.dtype), audio)


NOISES = {"white_noise": white_noise, "background_noise": background_noise, "segment_dropout": segment_dropout}
