"""AV-MNIST: MNIST digits with most of their energy removed, paired with spoken digits.

The compact version shipped inside the package, `mmzoo/data/av_mnist.npz`, is
built by `python -m mmzoo.datasets.build_av_mnist`; `mmzoo/data/README.md`
documents its sources, licences, sizes and splits.
"""

import contextlib
import json
import pathlib

import numpy as np

from mmzoo import data as bundled
from mmzoo._files import reading
from mmzoo.errors import ConfigurationError, describe_value

BUNDLED = "av_mnist.npz"
SPLITS = ("train", "validation", "test")
HOLDOUTS = ("speaker", "recording")
CLASS_NAMES = tuple(range(10))


def load_av_mnist(split="train", holdout="speaker", path=None):
    """Loads one split of AV-MNIST as numpy arrays.

    Args:
        split: `"train"`, `"validation"` or `"test"`.
        holdout: What the test split holds out: `"speaker"` (every recording
            of one FSDD speaker never heard in training, the default) or
            `"recording"` (recordings 40-49 of every speaker).
        path: `.npz` file written by `mmzoo.datasets.build_av_mnist`; defaults
            to the compact copy shipped in the package (`mmzoo/data/`).

    Returns:
        A tuple `(inputs, labels)`: `inputs["image"]` is `float32` of shape
        `(n, 28, 28, 1)` in `[0, 1]`, `inputs["audio"]` is a `float32` log-mel
        spectrogram of shape `(n, frames, n_mels)` (32x32 in the compact
        version), in dB relative to its peak mapped from `[-80, 0]` to
        `[0, 1]`, and `labels` holds
        the digits as `int32` of shape `(n,)`.

    Raises:
        ConfigurationError: If `split` or `holdout` is invalid.
        DamagedFileError: If the `.npz` file is damaged or not an AV-MNIST file.
        FileNotFoundError: If the `.npz` file does not exist.
    """
    if split not in SPLITS:
        raise ConfigurationError(f"`split` must be one of {SPLITS}. Received: split={describe_value(split)}")
    _check_holdout(holdout)
    with _archive(path) as archive:
        image_rows = archive[f"{holdout}_{split}_image"]
        audio_rows = archive[f"{holdout}_{split}_audio"]
        codes = archive["image_codes"][image_rows]
        pixels = codes @ archive["image_components"] + archive["image_mean"]
        images = np.clip(pixels, 0.0, 1.0).reshape(-1, 28, 28, 1).astype(np.float32)
        audio = archive["audio"][audio_rows].astype(np.float32) / 255.0
        labels = archive["image_label"][image_rows].astype(np.int32)
    return {"image": images, "audio": audio}, labels


def hold_out_speaker(speaker, holdout="speaker", path=None):
    """Splits AV-MNIST's training pairs into those of one speaker and those of the others.

    The bundled validation split draws from the training speakers' clips, so
    every model scores about the same on it, near its training accuracy: it
    cannot tell which settings do best on a voice never heard. Training on
    the other training speakers and scoring on the pairs of `speaker` can,
    without looking at the test split.

    Example:
        >>> train, held = hold_out_speaker("lucas")     # 12,000 and 3,000 pairs

    Args:
        speaker: Name of a speaker of the training split ("george",
            "jackson", "lucas", "nicolas" or "theo" with the default
            `holdout="speaker"`).
        holdout: The `holdout` of the training split (`load_av_mnist`).
        path: `.npz` file; defaults to the bundled compact copy.

    Returns:
        A tuple `(train, held)` of `(inputs, labels)` pairs as
        `load_av_mnist` returns them: the training pairs whose clip is not
        spoken by `speaker`, and those whose clip is, in their order.

    Raises:
        ConfigurationError: `speaker` is not a speaker of the training
            split, or `holdout` is invalid.
    """
    _check_holdout(holdout)
    with _archive(path) as archive:
        clips = archive["audio_clip"][archive[f"{holdout}_train_audio"]]
    voices = np.array([str(clip).split("_")[1] for clip in clips])
    names = sorted(set(voices.tolist()))
    if speaker not in names:
        raise ConfigurationError(f"`speaker` must be a speaker of the training split, one of {names}. "
                                 f"Received: speaker={describe_value(speaker)}")
    inputs, labels = load_av_mnist("train", holdout, path)
    held = voices == speaker
    return tuple(({modality: values[rows] for modality, values in inputs.items()}, labels[rows])
                 for rows in (~held, held))


def settings(path=None):
    """Returns the settings an AV-MNIST file was built with.

    Args:
        path: `.npz` file; defaults to the bundled compact copy.

    Returns:
        A dict with the pair counts, audio and spectrogram parameters, the
        number of PCA components, the speech-to-noise ratio and the held-out
        speaker.
    """
    with _archive(path) as archive:
        return json.loads(str(archive["settings"]))


def _check_holdout(holdout):
    """Raises a `ConfigurationError` unless `holdout` is one of `HOLDOUTS`."""
    if holdout not in HOLDOUTS:
        raise ConfigurationError(
            f"`holdout` must be one of {HOLDOUTS}. Received: holdout={describe_value(holdout)}"
        )


@contextlib.contextmanager
def _archive(path):
    """Opens an AV-MNIST `.npz` file, the bundled copy if `path` is None."""
    with bundled.path(BUNDLED) if path is None else contextlib.nullcontext(pathlib.Path(path)) as file:
        if not file.is_file():
            raise FileNotFoundError(
                f"AV-MNIST file {str(file)!r} not found. Build it with "
                "`python -m mmzoo.datasets.build_av_mnist --source <data folder> --out <file>`."
            )
        remedy = ("Build it again with `python -m mmzoo.datasets.build_av_mnist --source <data folder> --out <file>`, "
                  "or pass path=None for the copy shipped with mmzoo.")
        with reading(file, "AV-MNIST `.npz`", remedy), np.load(file) as archive:
            yield archive
