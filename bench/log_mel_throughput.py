"""Throughput of the in-graph log-mel spectrogram vs librosa, on real spoken digits.

Computes the same log-mel spectrogram (8 kHz, n_fft 256, hop 80, 40 mel
bands, top_db 80: the parameters of the parity test) of real Free Spoken
Digit recordings, padded or trimmed to one second, three ways: librosa
(`mmzoo.preprocessing.log_mel_spectrogram`, one clip at a time) and the
`LogMelSpectrogram` layer in a `tf.function` on batches of 1 and of 64
clips. The methods run one after another within each repetition, in an
order that rotates between repetitions, so that slow drifts of the machine
affect them alike; the headline is the median clips per second and the
median of the per-repetition ratios to librosa. Also reports the parity
error: the largest absolute difference, in dB, between the in-graph and the
librosa spectrograms over every bin of every clip. Prints the table and
writes it to `bench/results/log_mel.md`:

    python bench/log_mel_throughput.py

About half a minute on two CPU cores with the defaults.
"""

import argparse
import pathlib
import statistics
import sys
import time

import librosa
import numpy as np
import tensorflow as tf

from bench_common import (RESULTS_DIR, check_distinct, command, machine, markdown_table, positive_int,
                          write_results)
from mmzoo.preprocessing import LogMelSpectrogram, load_audio, log_mel_spectrogram

RESULTS = RESULTS_DIR / "log_mel.md"
SOURCE = pathlib.Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
OPTIONS = {"sample_rate": 8000, "n_fft": 256, "hop_length": 80, "n_mels": 40, "top_db": 80.0}
DURATION = 1.0
LIBROSA = "librosa"


def load_clips(source, count):
    """Loads `count` FSDD recordings spread over the speakers and digits, one second each.

    Args:
        source: The shared data folder, holding `fsdd/recordings/*.wav`.
        count: Number of clips.

    Returns:
        A `float32` array `(count, samples)`.

    Raises:
        FileNotFoundError: the folder holds no recording.
        ValueError: it holds fewer than `count`.
    """
    recordings = sorted((pathlib.Path(source) / "fsdd" / "recordings").glob("*.wav"))
    if not recordings:
        raise FileNotFoundError(f"No recording in {pathlib.Path(source) / 'fsdd' / 'recordings'}. "
                                f"Received: source={str(source)!r}")
    if count > len(recordings):
        raise ValueError(f"`clips` must be at most the {len(recordings)} recordings. Received: clips={count}")
    chosen = recordings[::len(recordings) // count][:count]
    return np.stack([load_audio(path, OPTIONS["sample_rate"], duration=DURATION) for path in chosen])


def methods(batch_sizes, samples):
    """The ways to compute the spectrograms of all clips: `{name: function(clips) -> list of arrays}`."""
    layer = LogMelSpectrogram(**OPTIONS)
    graph = tf.function(layer, input_signature=[tf.TensorSpec((None, samples), tf.float32)])

    def in_graph(batch_size):
        return lambda clips: [graph(clips[start:start + batch_size]).numpy()
                              for start in range(0, len(clips), batch_size)]

    return {LIBROSA: lambda clips: [log_mel_spectrogram(clip, **OPTIONS) for clip in clips],
            **{f"in-graph, batch {size}": in_graph(size) for size in batch_sizes}}


def parity_error(outputs, reference):
    """The largest absolute difference, in dB, between two lists of spectrogram batches."""
    return float(np.max(np.abs(np.concatenate(outputs, axis=None) - np.concatenate(reference, axis=None))))


def measure(functions, clips, repeats):
    """Times every method on all clips, `repeats` times, rotating the order.

    Returns:
        `({name: [clips per second of each repetition]}, {name: outputs})`;
        the outputs are those of the warm-up run.
    """
    outputs = {name: function(clips) for name, function in functions.items()}
    speeds = {name: [] for name in functions}
    names = list(functions)
    for repeat in range(repeats):
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            functions[name](clips)
            speeds[name].append(len(clips) / (time.perf_counter() - start))
    return speeds, outputs


def table(speeds, errors):
    """Formats the results as Markdown: median clips/s, median ratio to librosa, parity error."""
    rows = []
    for name, values in speeds.items():
        ratio = statistics.median(mine / theirs for mine, theirs in zip(values, speeds[LIBROSA]))
        error = "reference" if name == LIBROSA else f"{errors[name]:.1e}"
        rows.append([name, f"{statistics.median(values):,.0f}", f"{min(values):,.0f}-{max(values):,.0f}",
                     f"{ratio:.2f}x", error])
    return markdown_table(["method", "clips/s, median", "range over repetitions", "median ratio to librosa",
                           "max abs difference (dB)"], rows, align="lrrrr")


def parse_args(argv=None):
    """Parses and checks the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clips", type=positive_int, default=1000,
                        help="real recordings to process (default: 1000)")
    parser.add_argument("--repeats", type=positive_int, default=15, help="timed repetitions (default: 15)")
    parser.add_argument("--batch-sizes", nargs="+", type=positive_int, default=[1, 64],
                        help="batch sizes of the in-graph version (default: 1 64)")
    parser.add_argument("--source", type=pathlib.Path, default=SOURCE,
                        help="the shared data folder with fsdd/recordings (default: ../shared/data)")
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS, help=f"results file (default: {RESULTS})")
    args = parser.parse_args(argv)
    check_distinct(parser, "--batch-sizes", args.batch_sizes)
    return args


def main(argv=None):
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(arguments)
    start = time.time()
    clips = load_clips(args.source, args.clips)
    print(f"{len(clips)} clips of {clips.shape[1]} samples; {args.repeats} repetitions", flush=True)
    speeds, outputs = measure(methods(args.batch_sizes, clips.shape[1]), clips, args.repeats)
    errors = {name: parity_error(output, outputs[LIBROSA]) for name, output in outputs.items()}
    parameters = ", ".join(f"{key} {value}" for key, value in OPTIONS.items())
    text = "\n\n".join([
        "# Log-mel spectrogram: in-graph (tf.signal) vs librosa",
        table(speeds, errors),
        f"{len(clips)} Free Spoken Digit recordings (spread evenly over the sorted files of "
        f"`../shared/data/fsdd`: all speakers and digits), padded or trimmed to {DURATION:g} s; {parameters}; "
        f"{outputs[LIBROSA][0].shape[0]} frames x {OPTIONS['n_mels']} mel bands per clip. librosa computes one "
        "clip at a time (`mmzoo.preprocessing.log_mel_spectrogram`; NumPy's FFT runs in one thread); the in-graph "
        "rows call the `LogMelSpectrogram` layer in a `tf.function` on batches, with TensorFlow's default threads "
        "(all cores), the numpy-to-tensor conversion and the copy back included. "
        f"{args.repeats} repetitions; the methods run back to back in each, in a rotating order; the ratio is "
        "the median of the per-repetition ratios. The difference is the largest over every bin of every clip.",
        f"Command: `{command(__file__, arguments)}`. {time.time() - start:.0f} s on "
        f"{machine(('librosa', librosa.__version__))}.\n",
    ])
    print(text)
    write_results(args.out, text)


if __name__ == "__main__":
    main()
