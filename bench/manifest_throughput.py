"""Throughput of manifest pipelines: `mmzoo.datasets.from_dataframe` beside a hand-written `tf.data`.

For each kind of manifest (the 3,000 real Free Spoken Digit recordings,
and generated 64x64 PNG images and one-second 8 kHz WAV clips at several
numbers of rows), two pipelines turn the same DataFrame of paths and labels
into batches of 64 of the same features:

- mmzoo: `from_dataframe(df, image=... or audio=..., label="label", ...)`,
  which checks every row before it returns the dataset;
- by hand: `tf.data.Dataset.from_tensor_slices` of the paths, a parallel
  `map` of `tf.io.read_file` + `tf.io.decode_png` / `tf.audio.decode_wav`,
  resizing or padding, and `keras.layers.MelSpectrogram` for audio
  (`num_parallel_calls=AUTOTUNE`), batched and prefetched.

Each measurement runs in a fresh process (so that peak memory is its own):
time to the first batch (everything from the DataFrame on, checks
included), one full pass ("checks + one pass", the cost before a first
epoch ends), and samples per second of a later pass; peak resident memory
of the process. The pipelines alternate in a rotating order over the
repetitions and the headline is the median. Prints the table and writes it
to `bench/results/manifest_throughput.md`:

    python bench/manifest_throughput.py
    python bench/manifest_throughput.py --rows 1000 10000 30000 --repeats 3

With the defaults (1,000 and 10,000 generated rows, FSDD, 2 repetitions)
about ten minutes on two CPU cores, most of it spent by the slow pipeline.
"""

import argparse
import json
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from bench_common import RESULTS_DIR, command, machine, markdown_table, positive_int, write_results

RESULTS = RESULTS_DIR / "manifest_throughput.md"
FSDD = pathlib.Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "fsdd" / "recordings"
SAMPLE_RATE = 8000
DURATION = 1.0
MEL = {"n_fft": 256, "hop_length": 80, "n_mels": 40}
IMAGE_SIZE = (64, 64)
BATCH_SIZE = 64
PIPELINES = ("mmzoo", "by hand")


def generate(kind, rows, folder):
    """Writes `rows` generated files of one kind, reusing those already written.

    Args:
        kind: `"image"` (64x64 RGB PNG) or `"audio"` (one-second 8 kHz mono WAV).
        rows: Number of files.
        folder: Folder to write them into.

    Returns:
        The list of `(path, label)` pairs.
    """
    import tensorflow as tf

    folder = pathlib.Path(folder) / kind
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    pairs = []
    for index in range(rows):
        label = index % 10
        path = folder / f"{index:06d}.{'png' if kind == 'image' else 'wav'}"
        if not path.exists():
            if kind == "image":
                pixels = rng.integers(0, 256, size=(*IMAGE_SIZE, 3), dtype=np.uint8)
                data = tf.io.encode_png(pixels)
            else:
                time_axis = np.arange(int(SAMPLE_RATE * DURATION)) / SAMPLE_RATE
                tone = 0.3 * np.sin(2 * np.pi * (200 + 50 * label) * time_axis) + 0.05 * rng.standard_normal(
                    time_axis.size)
                data = tf.audio.encode_wav(tone.astype(np.float32)[:, None], SAMPLE_RATE)
            tf.io.write_file(str(path), data)
        pairs.append((str(path), label))
    return pairs


def fsdd_pairs():
    """Returns the `(path, digit)` pairs of the Free Spoken Digit recordings.

    Raises:
        FileNotFoundError: If the recordings are not there.
    """
    paths = sorted(FSDD.glob("*.wav"))
    if not paths:
        raise FileNotFoundError(f"No recording in {FSDD}")
    return [(str(path), int(path.name.split("_")[0])) for path in paths]


def mmzoo_pipeline(frame, kind):
    """Builds the dataset with `mmzoo.datasets.from_dataframe` (checks every row)."""
    from mmzoo.datasets import from_dataframe

    if kind == "image":
        return from_dataframe(frame, image="path", label="label", image_size=IMAGE_SIZE, batch_size=BATCH_SIZE)
    return from_dataframe(frame, audio="path", label="label", audio_sample_rate=SAMPLE_RATE,
                          audio_duration=DURATION, audio_options=MEL, batch_size=BATCH_SIZE)


def hand_written_pipeline(frame, kind):
    """Builds the same batches with plain `tf.data` and Keras, as a user would write it."""
    import keras
    import tensorflow as tf

    samples = int(SAMPLE_RATE * DURATION)
    mel = keras.layers.MelSpectrogram(fft_length=MEL["n_fft"], sequence_stride=MEL["hop_length"],
                                      sampling_rate=SAMPLE_RATE, num_mel_bins=MEL["n_mels"])

    def load_image(path, label):
        image = tf.io.decode_png(tf.io.read_file(path), channels=3)
        return {"image": tf.image.resize(image, IMAGE_SIZE) / 255.0}, label

    def load_audio(path, label):
        waveform = tf.audio.decode_wav(tf.io.read_file(path), desired_channels=1).audio[:samples, 0]
        waveform = tf.pad(waveform, [[0, samples - tf.shape(waveform)[0]]])
        return {"audio": tf.transpose(mel(waveform))}, label

    dataset = tf.data.Dataset.from_tensor_slices((frame["path"].to_numpy(), frame["label"].to_numpy()))
    dataset = dataset.map(load_image if kind == "image" else load_audio, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.batch(BATCH_SIZE).prefetch(tf.data.AUTOTUNE)


def measure(pipeline, kind, pairs_file):
    """Times one pipeline in this process and returns its figures as a dict."""
    import pandas as pd

    frame = pd.DataFrame(json.loads(pathlib.Path(pairs_file).read_text()), columns=["path", "label"])
    build = mmzoo_pipeline if pipeline == "mmzoo" else hand_written_pipeline
    start = time.perf_counter()
    dataset = build(frame, kind)
    iterator = iter(dataset)
    first = next(iterator)
    first_batch = time.perf_counter() - start
    count = int(first[1].shape[0])
    for _, labels in iterator:
        count += int(labels.shape[0])
    first_pass = time.perf_counter() - start
    start = time.perf_counter()
    for _, labels in dataset:
        pass
    later_pass = time.perf_counter() - start
    shape = tuple(next(iter(first[0].values())).shape[1:])
    return {"first_batch": first_batch, "first_pass": first_pass, "samples_per_s": count / later_pass,
            "rows": count, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "shape": list(shape)}


def run_worker(pipeline, kind, pairs_file):
    """Runs `measure` in a fresh Python process and returns its dict."""
    result = subprocess.run(
        [sys.executable, __file__, "--worker", pipeline, kind, str(pairs_file)],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{pipeline} on {kind} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    """Runs the bench and writes the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=positive_int, nargs="+", default=[1000, 10000],
                        help="numbers of generated rows (default: 1000 10000)")
    parser.add_argument("--kinds", nargs="+", choices=("fsdd", "image", "audio"), default=["fsdd", "image", "audio"])
    parser.add_argument("--repeats", type=positive_int, default=2, help="repetitions of each pair (default: 2)")
    parser.add_argument("--work-dir", default=None, help="folder of the generated files (default: a temporary one)")
    parser.add_argument("--out", default=str(RESULTS), help="results file")
    parser.add_argument("--worker", nargs=3, metavar=("PIPELINE", "KIND", "PAIRS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        pipeline, kind, pairs_file = args.worker
        print(json.dumps(measure(pipeline, kind, pairs_file)))
        return

    with tempfile.TemporaryDirectory() as scratch:
        folder = pathlib.Path(args.work_dir or scratch)
        cases = []
        for kind in args.kinds:
            if kind == "fsdd":
                cases.append(("audio", "FSDD (real)", fsdd_pairs()))
                continue
            for rows in args.rows:
                print(f"generating {rows} {kind} files ...", flush=True)
                cases.append((kind, f"generated {kind}", generate(kind, rows, folder)))
        rows_out = []
        for kind, name, pairs in cases:
            pairs_file = folder / f"pairs-{name.replace(' ', '_')}-{len(pairs)}.json"
            pairs_file.write_text(json.dumps(pairs))
            runs = {pipeline: [] for pipeline in PIPELINES}
            for repeat in range(args.repeats):
                order = PIPELINES if repeat % 2 == 0 else PIPELINES[::-1]
                for pipeline in order:
                    runs[pipeline].append(run_worker(pipeline, kind, pairs_file))
                    last = runs[pipeline][-1]
                    print(f"{name} {len(pairs)} rows, {pipeline}: first batch {last['first_batch']:.2f} s, "
                          f"checks + one pass {last['first_pass']:.2f} s, {last['samples_per_s']:.0f} samples/s, "
                          f"peak {last['peak_rss_mib']:.0f} MiB", flush=True)
            median = {pipeline: {key: statistics.median(run[key] for run in runs[pipeline])
                                 for key in ("first_batch", "first_pass", "samples_per_s", "peak_rss_mib")}
                      for pipeline in PIPELINES}
            ours, reference = median["mmzoo"], median["by hand"]
            rows_out.append([
                name, f"{len(pairs):,}",
                f"{ours['first_batch']:.2f} / {reference['first_batch']:.2f}",
                f"{ours['first_batch'] / reference['first_pass']:.2f}",
                f"{ours['first_pass']:.2f} / {reference['first_pass']:.2f}",
                f"{ours['samples_per_s']:.0f} / {reference['samples_per_s']:.0f}",
                f"{ours['samples_per_s'] / reference['samples_per_s']:.2f}",
                f"{ours['peak_rss_mib']:.0f} / {reference['peak_rss_mib']:.0f}",
            ])
    table = markdown_table(
        ["manifest", "rows", "first batch, s (mmzoo / by hand)", "mmzoo first batch / one hand pass",
         "checks + one pass, s", "samples/s, later pass", "samples/s ratio (target >= 0.8)", "peak RSS, MiB"],
        rows_out,
    )
    text = "\n".join([
        "# Manifest pipelines: mmzoo beside a hand-written tf.data",
        "",
        f"Batches of {BATCH_SIZE}; audio {SAMPLE_RATE} Hz, {DURATION:g} s, log-mel n_fft {MEL['n_fft']}, "
        f"hop {MEL['hop_length']}, {MEL['n_mels']} bands; images {IMAGE_SIZE[0]}x{IMAGE_SIZE[1]} RGB. "
        f"Medians of {args.repeats} runs, each in a fresh process.",
        "",
        table,
        "",
        machine(),
        "",
        "    " + command("bench/manifest_throughput.py", sys.argv[1:]),
        "",
    ])
    print(text)
    write_results(pathlib.Path(args.out), text)


if __name__ == "__main__":
    main()
