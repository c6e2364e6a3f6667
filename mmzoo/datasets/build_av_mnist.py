"""Builds the AV-MNIST audio-visual digits benchmark from MNIST and FSDD.

Recipe (CentralNet, Vielzeuf et al. 2018; MFAS, Perez-Rua et al. 2019):

- images: MNIST digits with about 75% of their energy removed: a PCA over the
  784 pixels of the training images keeps the leading components whose
  cumulative explained variance first reaches `energy` (4 components for
  0.25), and images are reconstructed from them. Only the PCA coefficients
  are stored; `mmzoo.datasets.av_mnist` reconstructs the 28x28 images.
- audio: Free Spoken Digit Dataset clips of the same digit, padded or trimmed
  to `duration` seconds at `sample_rate`, mixed with real background noise
  (Speech Commands: dishes, cat, exercise bike, running tap) at `snr_db`,
  turned into log-mel spectrograms in dB relative to each spectrogram's peak,
  floored at -80 dB and quantised to 8 bits. Every clip has
  `noise_variants` noisy versions; test clips take their noise from the last
  quarter of each noise recording, training clips from the first three
  quarters.
- pairing: each image gets a clip of its digit, cycling through that digit's
  clips, and a new noise variant on every cycle.
- splits, two protocols stored side by side: `"speaker"` tests on every
  recording of one held-out speaker; `"recording"` tests on recordings 40-49
  of every speaker (the split of the circulating generator). Training and
  validation pairs use MNIST training images, test pairs MNIST test images;
  validation pairs reuse the training clips with images not trained on.

Run:

    python -m mmzoo.datasets.build_av_mnist --source ../shared/data --out mmzoo/data/av_mnist.npz
    python -m mmzoo.datasets.build_av_mnist --source ../shared/data --out av_mnist_full.npz --full
"""

import argparse
import collections
import functools
import json
import pathlib

import numpy as np

from mmzoo._files import atomic_write
from mmzoo.errors import ConfigurationError
from mmzoo.preprocessing.audio import load_audio, log_mel_spectrogram

COMPACT = {
    "train_pairs": 15000,
    "validation_pairs": 2000,
    "test_pairs": 5000,
    "noise_variants": 2,
    "sample_rate": 8000,
    "duration": 1.0,
    "n_fft": 512,
    "hop_length": 256,
    "n_mels": 32,
}
FULL = {
    "train_pairs": 55000,
    "validation_pairs": 5000,
    "test_pairs": 10000,
    "noise_variants": 8,
    "sample_rate": 8000,
    "duration": 1.0,
    "n_fft": 512,
    "hop_length": 72,
    "n_mels": 112,
}
NOISE_FILES = ("doing_the_dishes.wav", "dude_miaowing.wav", "exercise_bike.wav", "running_tap.wav")
TEST_RECORDINGS = range(40, 50)
PROTOCOLS = ("speaker", "recording")
SPLITS = ("train", "validation", "test")
NOISE_TRAIN_FRACTION = 0.75
DB_RANGE = 80.0

Clip = collections.namedtuple("Clip", ["name", "digit", "speaker", "index", "path"])


def build(
    source,
    train_pairs=15000,
    validation_pairs=2000,
    test_pairs=5000,
    noise_variants=2,
    sample_rate=8000,
    duration=1.0,
    n_fft=512,
    hop_length=256,
    n_mels=32,
    energy=0.25,
    snr_db=0.0,
    test_speaker="yweweler",
    seed=0,
):
    """Builds AV-MNIST arrays from the source data.

    Args:
        source: Folder holding `mnist.npz`, `fsdd/recordings/*.wav` and
            `noise/*.wav`.
        train_pairs: Number of training pairs (MNIST training images).
        validation_pairs: Number of validation pairs (other MNIST training
            images).
        test_pairs: Number of test pairs (MNIST test images).
        noise_variants: Noisy versions stored per clip.
        sample_rate: Audio sample rate, in Hz.
        duration: Clip length, in seconds.
        n_fft: FFT length of the spectrogram, in samples.
        hop_length: Hop of the spectrogram, in samples.
        n_mels: Number of mel bands.
        energy: Fraction of the image variance the kept PCA components reach.
        snr_db: Speech-to-noise power ratio of the mixture, in dB.
        test_speaker: FSDD speaker held out by the `"speaker"` protocol.
        seed: Seed of the noise offsets.

    Returns:
        A dict of numpy arrays, the content of the `.npz` file.

    Raises:
        ConfigurationError: If the source folder misses files, or the pair
            counts exceed what MNIST provides.
    """
    source = pathlib.Path(source)
    with np.load(source / "mnist.npz") as mnist:
        x_train, y_train = mnist["x_train"], mnist["y_train"]
        x_test, y_test = mnist["x_test"], mnist["y_test"]
    if train_pairs + validation_pairs > len(x_train) or test_pairs > len(x_test):
        raise ConfigurationError(
            f"MNIST has {len(x_train)} training and {len(x_test)} test images. "
            f"Received: train_pairs={train_pairs}, validation_pairs={validation_pairs}, test_pairs={test_pairs}"
        )
    clips = _list_clips(source / "fsdd" / "recordings")
    if test_speaker not in {clip.speaker for clip in clips}:
        raise ConfigurationError(
            f"`test_speaker` must be one of {sorted({clip.speaker for clip in clips})}. "
            f"Received: test_speaker={test_speaker!r}"
        )
    mean, components = _pca(x_train, energy)
    images = np.concatenate(
        [x_train[:train_pairs], x_train[len(x_train) - validation_pairs :], x_test[:test_pairs]]
    )
    image_labels = np.concatenate(
        [y_train[:train_pairs], y_train[len(y_train) - validation_pairs :], y_test[:test_pairs]]
    ).astype(np.uint8)
    image_codes = (_flatten(images) - mean) @ components.T
    image_ranges = {
        "train": np.arange(train_pairs),
        "validation": train_pairs + np.arange(validation_pairs),
        "test": train_pairs + validation_pairs + np.arange(test_pairs),
    }
    noise = _load_noise(source / "noise", sample_rate)
    length = int(round(duration * sample_rate))
    featurize = functools.partial(
        _quantised_log_mel, sample_rate=sample_rate, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels
    )
    mixer = _Mixer(noise, sample_rate, length, snr_db, np.random.default_rng(seed), featurize)
    arrays = {}
    for protocol in PROTOCOLS:
        for split in SPLITS:
            pool = [clip for clip in clips if _is_test_clip(clip, protocol, test_speaker) == (split == "test")]
            indices = image_ranges[split]
            arrays[f"{protocol}_{split}_image"] = indices.astype(np.int32)
            arrays[f"{protocol}_{split}_audio"] = _pair_audio(
                image_labels[indices], pool, split == "test", noise_variants, mixer
            )
    settings = {
        "train_pairs": train_pairs,
        "validation_pairs": validation_pairs,
        "test_pairs": test_pairs,
        "noise_variants": noise_variants,
        "sample_rate": sample_rate,
        "duration": duration,
        "n_fft": n_fft,
        "hop_length": hop_length,
        "n_mels": n_mels,
        "energy": energy,
        "pca_components": int(len(components)),
        "snr_db": snr_db,
        "test_speaker": test_speaker,
        "seed": seed,
    }
    arrays.update(
        {
            "image_mean": mean.astype(np.float32),
            "image_components": components.astype(np.float32),
            "image_codes": image_codes.astype(np.float32),
            "image_label": image_labels,
            "audio": np.stack(mixer.spectrograms),
            "audio_clip": np.array(mixer.names),
            "settings": np.array(json.dumps(settings, sort_keys=True)),
        }
    )
    return arrays


def save(arrays, path):
    """Writes arrays to a compressed `.npz` file under a temporary name, then renames it.

    Args:
        arrays: Dict of numpy arrays, e.g. from `build`.
        path: Destination `.npz` path; parent folders are created.

    Returns:
        The path written, as a `pathlib.Path`.
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(temporary):
        with open(temporary, "wb") as handle:
            np.savez_compressed(handle, **arrays)

    atomic_write(path, write)
    return path


def _quantised_log_mel(waveform, sample_rate, n_fft, hop_length, n_mels):
    """Log-mel spectrogram in dB relative to its peak, [-80, 0] dB mapped to uint8."""
    decibels = log_mel_spectrogram(
        waveform, sample_rate=sample_rate, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels, top_db=DB_RANGE
    )
    relative = decibels - decibels.max()
    return np.round(255.0 * (relative + DB_RANGE) / DB_RANGE).astype(np.uint8)


class _Mixer:
    """Creates, once each, the spectrograms of noisy versions of clips, and remembers their order."""

    def __init__(self, noise, sample_rate, length, snr_db, rng, featurize):
        self.noise = noise
        self.sample_rate = sample_rate
        self.length = length
        self.snr_db = snr_db
        self.rng = rng
        self.speech = {}
        self.featurize = featurize
        self.positions = {}
        self.spectrograms = []
        self.names = []

    def index(self, clip, test, variant):
        """Returns the position of a clip's noisy version, mixing it on first use."""
        key = (clip.name, test, variant)
        if key not in self.positions:
            if clip.name not in self.speech:
                self.speech[clip.name] = load_audio(clip.path, sample_rate=self.sample_rate)
            self.positions[key] = len(self.spectrograms)
            self.spectrograms.append(self.featurize(self._mix(self.speech[clip.name], test)))
            self.names.append(f"{clip.name}:{'test' if test else 'train'}-noise:{variant}")
        return self.positions[key]

    def _mix(self, speech, test):
        recording = self.noise[len(self.spectrograms) % len(self.noise)]
        cut = int(len(recording) * NOISE_TRAIN_FRACTION)
        region = recording[cut:] if test else recording[:cut]
        start = int(self.rng.integers(0, len(region) - self.length))
        segment = region[start : start + self.length]
        speech = speech[: self.length]
        mixture = segment * _noise_gain(speech, segment, self.snr_db)
        mixture[: len(speech)] += speech
        return mixture


def _is_test_clip(clip, protocol, test_speaker):
    if protocol == "speaker":
        return clip.speaker == test_speaker
    return clip.index in TEST_RECORDINGS


def _noise_gain(speech, noise, snr_db):
    speech_power = float(np.mean(speech**2))
    noise_power = float(np.mean(noise**2)) + 1e-12
    return np.float32(np.sqrt(speech_power / (noise_power * 10.0 ** (snr_db / 10.0))))


def _pair_audio(labels, pool, test, noise_variants, mixer):
    by_digit = collections.defaultdict(list)
    for clip in pool:
        by_digit[clip.digit].append(clip)
    uses = collections.Counter()
    indices = np.empty(len(labels), dtype=np.int32)
    for position, digit in enumerate(labels.tolist()):
        candidates = by_digit[digit]
        count = uses[digit]
        uses[digit] += 1
        variant = (count // len(candidates)) % noise_variants
        indices[position] = mixer.index(candidates[count % len(candidates)], test, variant)
    return indices


def _pca(images, energy):
    pixels = _flatten(images)
    mean = pixels.mean(axis=0)
    covariance = np.cov(pixels - mean, rowvar=False)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1]
    explained = np.cumsum(eigenvalues[order]) / eigenvalues.sum()
    kept = int(np.searchsorted(explained, energy) + 1)
    return mean, eigenvectors[:, order[:kept]].T


def _flatten(images):
    return images.reshape(len(images), -1).astype(np.float64) / 255.0


def _list_clips(folder):
    clips = []
    for path in sorted(folder.glob("*.wav")):
        digit, speaker, index = path.stem.split("_")
        clips.append(Clip(path.stem, int(digit), speaker, int(index), path))
    if not clips:
        raise ConfigurationError(f"No FSDD recording found. Received: folder={str(folder)!r}")
    return clips


def _load_noise(folder, sample_rate):
    missing = [name for name in NOISE_FILES if not (folder / name).is_file()]
    if missing:
        raise ConfigurationError(f"Noise recordings {missing} are missing. Received: folder={str(folder)!r}")
    return [load_audio(folder / name, sample_rate=sample_rate) for name in NOISE_FILES]


def main(argv=None):
    """Command-line entry point: builds AV-MNIST and writes it to an `.npz` file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", required=True, help="folder with mnist.npz, fsdd/ and noise/")
    parser.add_argument("--out", required=True,
                        help="destination .npz file (the bundled copy: mmzoo/data/av_mnist.npz in a checkout)")
    parser.add_argument("--full", action="store_true", help="published sizes: 55k/5k/10k pairs, 112x112")
    parser.add_argument("--snr-db", type=float, default=0.0, help="speech-to-noise ratio in dB")
    parser.add_argument("--test-speaker", default="yweweler", help="speaker held out by the speaker protocol")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    preset = FULL if args.full else COMPACT
    arrays = build(args.source, snr_db=args.snr_db, test_speaker=args.test_speaker, seed=args.seed, **preset)
    path = save(arrays, args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(arrays['audio'])} spectrograms)")


if __name__ == "__main__":
    main()
