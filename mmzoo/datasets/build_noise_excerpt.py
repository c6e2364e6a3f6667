"""Builds `mmzoo/data/background_noise.npz`: short excerpts of real background-noise recordings.

The robustness tools (`mmzoo.robustness`, noise "background_noise") mix these
excerpts into audio at a chosen speech-to-noise ratio. The file is rebuilt
from the Speech Commands background-noise recordings (the same four real
recordings AV-MNIST mixes in) by

    python -m mmzoo.datasets.build_noise_excerpt --source <folder with the .wav files> --out mmzoo/data/background_noise.npz

Each excerpt is `seconds` long at `sample_rate` Hz, 16-bit, cut at 85% of its
recording (inside the last quarter, where AV-MNIST's test clips take their
noise). The build is deterministic.
"""

import argparse
import pathlib

import numpy as np

from mmzoo.datasets.build_av_mnist import NOISE_FILES, save
from mmzoo.errors import ConfigurationError
from mmzoo.preprocessing.audio import load_audio

EXCERPT_START = 0.85


def build(source, sample_rate=8000, seconds=4.0):
    """Cuts one excerpt from each background-noise recording.

    Args:
        source: Folder holding the Speech Commands noise `.wav` files.
        sample_rate: Sample rate of the excerpts, in Hz.
        seconds: Length of each excerpt, in seconds.

    Returns:
        A dict of arrays: `waveforms` int16 `(recordings, samples)`, `names`
        and `sample_rate`.

    Raises:
        ConfigurationError: a recording is missing or shorter than needed.
    """
    source = pathlib.Path(source)
    missing = [name for name in NOISE_FILES if not (source / name).is_file()]
    if missing:
        raise ConfigurationError(f"Noise recordings {missing} are missing. Received: source={str(source)!r}")
    length = int(round(seconds * sample_rate))
    excerpts = []
    for name in NOISE_FILES:
        recording = load_audio(source / name, sample_rate=sample_rate)
        start = int(len(recording) * EXCERPT_START)
        if start + length > len(recording):
            raise ConfigurationError(
                f"Recording {name!r} is too short for a {seconds} s excerpt. Received: seconds={seconds!r}"
            )
        excerpt = recording[start : start + length]
        excerpts.append(np.round(np.clip(excerpt, -1.0, 1.0) * 32767.0).astype(np.int16))
    return {
        "waveforms": np.stack(excerpts),
        "names": np.array([name.rsplit(".", 1)[0] for name in NOISE_FILES]),
        "sample_rate": np.int32(sample_rate),
    }


def main(argv=None):
    """Command-line entry point: builds the excerpts and writes them to an `.npz` file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", required=True, help="folder with the background-noise .wav files")
    parser.add_argument("--out", required=True,
                        help="output .npz file (the bundled copy: mmzoo/data/background_noise.npz in a checkout)")
    parser.add_argument("--sample-rate", type=int, default=8000)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args(argv)
    path = save(build(args.source, args.sample_rate, args.seconds), args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
