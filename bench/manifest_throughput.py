"""Throughput of manifest pipelines: `mmzoo.datasets.from_dataframe` beside a hand-written `tf.data`.

For each kind of manifest (the 3,000 real Free Spoken Digit recordings,
and generated 64x64 PNG images and one-second 8 kHz WAV clips at several
numbers of rows), three pipelines turn the same DataFrame of paths and
labels into batches of 64 of the same features:

- mmzoo: `from_dataframe(df, image=... or audio=..., label="label", ...)`,
  which checks every row before it returns the dataset;
- by hand: `tf.data.Dataset.from_tensor_slices` of the paths, a parallel
  `map` of `tf.io.read_file` + `tf.io.decode_png` / `tf.audio.decode_wav`,
  resizing or padding, and `keras.layers.MelSpectrogram` for audio
  (`num_parallel_calls=AUTOTUNE`), batched and prefetched;
- mmzoo prepared: `from_prepared` on the shards `prepare` wrote once (in
  a process of its own, timed apart), for data larger than memory.

Each measurement runs in a fresh process (so that peak memory is its own):
time to the first batch (everything from the DataFrame on, checks
included), one full pass ("checks + one pass", the cost before a first
epoch ends), and samples per second of the later passes (at least
`MIN_LATER_PASSES` and `MIN_LATER_SECONDS`: one pass of 1,000 images
takes a tenth of a second, too short to time alone); peak resident memory
of the process. The first two pipelines alternate in a rotating order
over the repetitions; the headline is the median, and the targets (met or
missed) are printed under the table. Prints the table and writes it
to `bench/results/manifest_throughput.md`:

    python bench/manifest_throughput.py
    python bench/manifest_throughput.py --rows 1000 10000 30000 --repeats 3

With the defaults (1,000 and 10,000 generated rows, FSDD, 2 repetitions)
about ten minutes on two CPU cores.
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
PREPARED = "mmzoo prepared"
MIN_LATER_PASSES = 3
MIN_LATER_SECONDS = 1.0
"""Samples per second are timed over at least this many later passes and seconds."""


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


def prepared_folder(pairs_file):
    """The folder `prepare` writes the shards of a manifest into, next to its pairs file."""
    return pathlib.Path(pairs_file).with_suffix(".prepared")


def build(pipeline, kind, frame, pairs_file):
    """Builds one pipeline's dataset (for "prepared", prepares the shards first if needed)."""
    if pipeline == "mmzoo":
        return mmzoo_pipeline(frame, kind)
    if pipeline == "by hand":
        return hand_written_pipeline(frame, kind)
    from mmzoo.datasets import from_prepared, prepare

    if pipeline == "prepare":
        options = ({"image": "path", "image_size": IMAGE_SIZE} if kind == "image" else
                   {"audio": "path", "audio_sample_rate": SAMPLE_RATE, "audio_duration": DURATION,
                    "audio_options": MEL})
        prepare(frame, prepared_folder(pairs_file), label="label", verbose=0, **options)
        return None
    return from_prepared(prepared_folder(pairs_file), batch_size=BATCH_SIZE)


def measure(pipeline, kind, pairs_file):
    """Times one pipeline in this process and returns its figures as a dict."""
    import pandas as pd

    frame = pd.DataFrame(json.loads(pathlib.Path(pairs_file).read_text()), columns=["path", "label"])
    start = time.perf_counter()
    dataset = build(pipeline, kind, frame, pairs_file)
    if dataset is None:
        return {"seconds": time.perf_counter() - start}
    iterator = iter(dataset)
    first = next(iterator)
    first_batch = time.perf_counter() - start
    count = int(first[1].shape[0])
    for _, labels in iterator:
        count += int(labels.shape[0])
    first_pass = time.perf_counter() - start
    passes, later = 0, 0.0
    start = time.perf_counter()
    while passes < MIN_LATER_PASSES or later < MIN_LATER_SECONDS:
        for _, labels in dataset:
            pass
        passes += 1
        later = time.perf_counter() - start
    return {"first_batch": first_batch, "first_pass": first_pass, "samples_per_s": count * passes / later,
            "rows": count, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_worker(pipeline, kind, pairs_file):
    """Runs `measure` in a fresh Python process and returns its dict."""
    result = subprocess.run(
        [sys.executable, __file__, "--worker", pipeline, kind, str(pairs_file)],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{pipeline} on {kind} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def median_of(runs):
    """The median of each figure over runs."""
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def measure_case(kind, name, pairs, folder, repeats):
    """Measures every pipeline on one manifest; returns the table rows and the medians."""
    pairs_file = folder / f"pairs-{name.replace(' ', '_')}-{len(pairs)}.json"
    pairs_file.write_text(json.dumps(pairs))
    runs = {pipeline: [] for pipeline in PIPELINES}
    for repeat in range(repeats):
        for pipeline in (PIPELINES if repeat % 2 == 0 else PIPELINES[::-1]):
            runs[pipeline].append(run_worker(pipeline, kind, pairs_file))
            last = runs[pipeline][-1]
            print(f"{name} {len(pairs)} rows, {pipeline}: first batch {last['first_batch']:.2f} s, "
                  f"checks + one pass {last['first_pass']:.2f} s, {last['samples_per_s']:.0f} samples/s, "
                  f"peak {last['peak_rss_mib']:.0f} MiB", flush=True)
    preparing = run_worker("prepare", kind, pairs_file)["seconds"]
    runs[PREPARED] = [run_worker(PREPARED, kind, pairs_file) for _ in range(repeats)]
    medians = {pipeline: median_of(values) for pipeline, values in runs.items()}
    reference = medians["by hand"]
    rows = []
    for pipeline, figures in medians.items():
        first = f"{figures['first_batch']:.2f}" + (f" (prepare {preparing:.1f} s)" if pipeline == PREPARED else "")
        rows.append([
            name, f"{len(pairs):,}", pipeline, first, f"{figures['first_batch'] / reference['first_pass']:.2f}",
            f"{figures['first_pass']:.2f}", f"{figures['samples_per_s']:.0f}",
            f"{figures['samples_per_s'] / reference['samples_per_s']:.2f}", f"{figures['peak_rss_mib']:.0f}",
        ])
    return rows, medians


def targets(results):
    """The issue's targets, met or missed, from the medians of every case."""
    lines = []
    for (kind, name, rows), medians in results.items():
        ours, reference = medians["mmzoo"], medians["by hand"]
        ratio = ours["samples_per_s"] / reference["samples_per_s"]
        start = ours["first_batch"] / reference["first_pass"]
        lines.append(f"- {name}, {rows:,} rows: per pass {ratio:.2f}x the hand-written samples/s "
                     f"({'met' if ratio >= 0.8 else 'missed'}: >= 0.8); first batch {start:.2f}x one hand pass "
                     f"({'met' if start <= 2 else 'missed'}: <= 2)")
        if name.startswith("FSDD"):
            lines.append(f"- FSDD checks + one pass: {ours['first_pass']:.2f} s "
                         f"({'met' if ours['first_pass'] < 1.5 else 'missed'}: < 1.5 s; by hand "
                         f"{reference['first_pass']:.2f} s)")
    for kind in ("image", "audio"):
        sizes = sorted((rows, medians) for (case_kind, name, rows), medians in results.items()
                       if case_kind == kind and name.startswith("generated"))
        if len(sizes) >= 2:
            growth = sizes[-1][1][PREPARED]["peak_rss_mib"] / sizes[0][1][PREPARED]["peak_rss_mib"]
            lines.append(f"- prepared {kind} shards, peak memory at {sizes[-1][0]:,} rows / at {sizes[0][0]:,}: "
                         f"{growth:.2f} ({'met' if growth <= 1.2 else 'missed'}: <= 1.2)")
    return lines


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
        folder.mkdir(parents=True, exist_ok=True)
        cases = []
        for kind in args.kinds:
            if kind == "fsdd":
                cases.append(("audio", "FSDD (real)", fsdd_pairs()))
                continue
            for rows in args.rows:
                print(f"generating {rows} {kind} files ...", flush=True)
                cases.append((kind, f"generated {kind}", generate(kind, rows, folder)))
        table_rows, results = [], {}
        for kind, name, pairs in cases:
            rows, medians = measure_case(kind, name, pairs, folder, args.repeats)
            table_rows += rows
            results[(kind, name, len(pairs))] = medians
    table = markdown_table(
        ["manifest", "rows", "pipeline", "first batch, s", "first batch / one hand pass", "checks + one pass, s",
         "samples/s, later passes", "samples/s vs by hand", "peak RSS, MiB"],
        table_rows,
    )
    text = "\n".join([
        "# Manifest pipelines: mmzoo beside a hand-written tf.data",
        "",
        f"Batches of {BATCH_SIZE}; audio {SAMPLE_RATE} Hz, {DURATION:g} s, log-mel n_fft {MEL['n_fft']}, "
        f"hop {MEL['hop_length']}, {MEL['n_mels']} bands; images {IMAGE_SIZE[0]}x{IMAGE_SIZE[1]} RGB. "
        f"Medians of {args.repeats} runs, each in a fresh process. \"{PREPARED}\" reads the shards written once by "
        "`mmzoo.datasets.prepare` (its time in brackets, not in the first batch).",
        "",
        table,
        "",
        "Targets:",
        "",
        *targets(results),
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
