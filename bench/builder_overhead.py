"""Throughput of a model built by mmzoo vs the same architecture written by hand in plain Keras.

The architecture is the quickstart's three-modality model: a Conv2D image
branch, an Embedding + LSTM text branch, a BatchNorm + Dense audio branch,
concatenation and a softmax classifier. The hand-written twin uses the same
layers under the same names, in one flat functional graph; the script first
copies mmzoo's weights into it and checks that both predict the same, so
the two really are one architecture. Then it times training (`fit`, one
epoch) and inference (`predict`) of both on the same `tf.data` pipeline,
alternating which model goes first in each repetition. Each repetition
times the two models back to back, so their ratio within a repetition is
little affected by slow drifts of the machine's speed (other work on it);
the headline is the median of these paired ratios, next to the median
throughputs. The same twins then train on JAX and PyTorch (each in its own
process, when installed), side by side with TensorFlow's figures. Prints
the tables and writes them to `bench/results/builder_overhead.md`:

    python bench/builder_overhead.py

About three minutes per backend on two CPU cores with the defaults.
"""

import argparse
import importlib.metadata
import importlib.util
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

import keras
import numpy as np
import tensorflow as tf

from bench_common import write_results
import mmzoo
from mmzoo import branches, heads
from mmzoo.assemble import all_layers
from mmzoo.datasets import synthetic

RESULTS = pathlib.Path(__file__).with_name("results") / "builder_overhead.md"
IMAGE_SIZE = 24
SEQUENCE_LENGTH = 8
AUDIO_DIM = 64
VOCAB_SIZE = len(synthetic.VOCABULARY)


def build_with_mmzoo():
    """The quickstart model, assembled by `mmzoo.build_model`."""
    return mmzoo.build_model(
        branches={
            "image": branches.conv2d(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 1), filters=(8, 16), units=32),
            "text": branches.lstm(vocab_size=VOCAB_SIZE, sequence_length=SEQUENCE_LENGTH, embedding_dim=16,
                                  units=32),
            "audio": branches.dense(input_dim=AUDIO_DIM, hidden_units=(32,), batch_norm=True),
        },
        fusion="concat",
        head=heads.multiclass(2, hidden_units=(64,)),
    )


def build_by_hand():
    """The same model in plain Keras, one flat functional graph."""
    image = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1), name="image")
    text = keras.Input((SEQUENCE_LENGTH,), dtype="int32", name="text")
    audio = keras.Input((AUDIO_DIM,), name="audio")

    x = image
    for index, filters in enumerate((8, 16), start=1):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu",
                                name=f"image_conv2d_block{index}_conv")(x)
        x = keras.layers.MaxPooling2D(2, name=f"image_conv2d_block{index}_pool")(x)
    x = keras.layers.Flatten(name="image_conv2d_flatten")(x)
    image_features = keras.layers.Dense(32, activation="relu", name="image_conv2d_dense")(x)

    t = keras.layers.Embedding(VOCAB_SIZE, 16, mask_zero=True, name="text_lstm_embedding")(text)
    text_features = keras.layers.LSTM(32, name="text_lstm_lstm")(t)

    a = keras.layers.BatchNormalization(name="audio_dense_input_bn")(audio)
    audio_features = keras.layers.Dense(32, activation="relu", name="audio_dense_dense1")(a)

    fused = keras.layers.Concatenate(name="concat_fusion")([audio_features, image_features, text_features])
    hidden = keras.layers.Dense(64, activation="relu", name="label_hidden1")(fused)
    logits = keras.layers.Dense(2, name="label_logits")(hidden)
    outputs = keras.layers.Activation("softmax", dtype="float32", name="label")(logits)
    return keras.Model({"image": image, "text": text, "audio": audio}, outputs, name="by_hand")


def _layers_by_name(model):
    return ((layer.name, layer) for layer in all_layers(model) if not isinstance(layer, keras.Model))


def copy_weights(source, target):
    """Copies weights layer by layer, matching layers by name."""
    layers = dict(_layers_by_name(source))
    for name, layer in _layers_by_name(target):
        if layer.weights:
            layer.set_weights(layers[name].get_weights())


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def measure(models, data, samples, repeats):
    """Returns {name: {"train": [samples/s], "predict": [samples/s]}}, one entry per repetition.

    In each repetition the models run back to back, first one then the
    other, swapping the order every repetition.
    """
    inputs_only = data.map(lambda inputs, labels: inputs)
    phases = {
        "train": lambda model: model.fit(data, epochs=1, verbose=0, shuffle=False),
        "predict": lambda model: model.predict(inputs_only, verbose=0),
    }
    for model in models.values():
        for run in phases.values():
            run(model)
    speeds = {name: {phase: [] for phase in phases} for name in models}
    names = list(models)
    for repeat in range(repeats):
        for phase, run in phases.items():
            for name in names if repeat % 2 == 0 else reversed(names):
                speeds[name][phase].append(samples / timed(lambda: run(models[name])))
    return speeds


def measure_backend(args):
    """Builds the twins on this process's Keras backend, checks they agree, returns `(speeds, parameters)`."""
    keras.utils.set_random_seed(args.seed)
    inputs, labels = synthetic.generate(args.samples, task="image+text+audio", image_size=IMAGE_SIZE,
                                        sequence_length=SEQUENCE_LENGTH, audio_dim=AUDIO_DIM, seed=args.seed)
    data = tf.data.Dataset.from_tensor_slices((inputs, labels)).batch(args.batch_size).cache()
    models = {"mmzoo": build_with_mmzoo(), "by hand": build_by_hand()}
    assert models["mmzoo"].count_params() == models["by hand"].count_params()
    copy_weights(models["mmzoo"], models["by hand"])
    sample = {name: value[:256] for name, value in inputs.items()}
    np.testing.assert_allclose(models["mmzoo"].predict(sample, verbose=0),
                               models["by hand"].predict(sample, verbose=0), rtol=1e-5, atol=1e-5)
    for model in models.values():
        model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return measure(models, data, args.samples, args.repeats), models["mmzoo"].count_params()


def other_backend(backend, argv):
    """Runs the measurement in a fresh process on `backend`; returns its speeds, or None if not installed."""
    if importlib.util.find_spec(backend) is None:
        return None
    environment = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run([sys.executable, __file__, *argv, "--worker"], capture_output=True, text=True,
                            env=environment, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    """Checks the twins agree, measures both on every backend, prints the tables and writes them to bench/results/."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--samples", type=int, default=8192)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if min(args.samples, args.batch_size, args.repeats) < 1:
        parser.error("--samples, --batch-size and --repeats must be positive")
    if args.worker:
        print(json.dumps(measure_backend(args)[0]))
        return
    if keras.backend.backend() != "tensorflow":
        parser.error(f"run it on the TensorFlow backend (it runs JAX and PyTorch itself). "
                     f"Received: KERAS_BACKEND={keras.backend.backend()}")

    speeds, parameters = measure_backend(args)
    rows = []
    for phase, label in (("train", "training (fit)"), ("predict", "inference (predict)")):
        mine, theirs = speeds["mmzoo"][phase], speeds["by hand"][phase]
        rows.append(f"| {label} | {statistics.median(mine):,.0f} | {statistics.median(theirs):,.0f} | "
                    f"{paired_ratio(mine, theirs):.3f} |")
    backend_rows = []
    for backend, name in (("tensorflow", "TensorFlow"), ("jax", "JAX"), ("torch", "PyTorch")):
        found = speeds if backend == "tensorflow" else other_backend(backend, argv)
        if found is None:
            backend_rows.append(f"| {name} | not installed | | | |")
            continue
        mine, theirs = found["mmzoo"]["train"], found["by hand"]["train"]
        backend_rows.append(
            f"| {name} | {statistics.median(mine):,.0f} | {statistics.median(theirs):,.0f} | "
            f"{paired_ratio(mine, theirs):.3f} | "
            f"{statistics.median(mine) / statistics.median(speeds['mmzoo']['train']):.2f} |")
    report = "\n".join([
        "| samples/s, median | mmzoo.build_model | plain Keras by hand | median paired ratio (mmzoo / hand) |",
        "|---|---|---|---|",
        *rows,
        "",
        "Training (`fit`, one epoch on the same `tf.data` pipeline) per Keras backend, each in its own process:",
        "",
        "| backend | mmzoo samples/s | by hand samples/s | median paired ratio (mmzoo / hand) | mmzoo / mmzoo on "
        "TensorFlow |",
        "|---|---|---|---|---|",
        *backend_rows,
        "",
        f"Quickstart architecture ({parameters:,} parameters, identical predictions "
        f"checked on each backend), {args.samples} samples per run, batch {args.batch_size}, {args.repeats} "
        f"repetitions. Command: `python bench/builder_overhead.py{' ' + ' '.join(argv) if argv else ''}`. "
        f"Machine: {os.cpu_count()} CPU cores ({platform.machine()}), TensorFlow {tf.__version__}, "
        f"Keras {keras.__version__}{versions()}.",
    ])
    print(report)
    write_results(RESULTS, f"# Builder overhead\n\n{report}\n")


def paired_ratio(mine, theirs):
    """The median of the per-repetition ratios `mine / theirs`."""
    return statistics.median(m / t for m, t in zip(mine, theirs))


def versions():
    """", JAX x, PyTorch y" for the backends installed."""
    found = []
    for module, name in (("jax", "JAX"), ("torch", "PyTorch")):
        if importlib.util.find_spec(module) is not None:
            found.append(f", {name} {importlib.metadata.version(module)}")
    return "".join(found)


if __name__ == "__main__":
    main()
