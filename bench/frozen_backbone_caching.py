"""Time per epoch with frozen-backbone caching vs without, on a frozen VGG16 image branch.

Trains the same model twice with `mmzoo.training.fit` (same seed, same data):
once recomputing the frozen image branch every epoch, once with
`cache_frozen=True`, which runs the branch once and trains the rest on its
outputs. The task is the generated shapes of `mmzoo.datasets.synthetic`
(4 classes: square, circle, triangle, cross) drawn at 64x64, repeated on
3 channels and prepared with `keras.applications.vgg16.preprocess_input`.

The frozen branch is `mmzoo.branches.vgg16` with random weights (no
download needed), saved once to a local weights file that the branch
loads, followed by a frozen `Normalization` layer that standardises its
features (statistics of 200 training images): random VGG16 features
separate the shapes, but a linear classifier learns them in a few epochs
only once they are standardised. Prints the table and writes it to
`bench/results/frozen_backbone_caching.md`:

    python bench/frozen_backbone_caching.py

About two and a half minutes on two idle CPU cores with the defaults.
"""

import argparse
import os
import pathlib
import platform
import statistics
import tempfile
import time

import keras
import numpy as np
import tensorflow as tf

from bench_common import write_results
import mmzoo
import mmzoo.training
from mmzoo import branches, heads
from mmzoo.datasets import synthetic

RESULTS = pathlib.Path(__file__).with_name("results") / "frozen_backbone_caching.md"
IMAGE_SIZE = 64


class EpochTimer(keras.callbacks.Callback):
    """Records the wall time of every epoch."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.started)


def frozen_vgg16(weights, mean, variance):
    """The VGG16 branch loading `weights`, followed by fixed standardisation of its features."""
    backbone = branches.vgg16(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), weights=weights)
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3), name="image_input")
    features = keras.layers.Normalization(mean=mean, variance=variance, name="image_standardize")(backbone(inputs))
    return keras.Model(inputs, features, name="image_frozen_vgg16")


def prepare_backbone(folder, images, seed):
    """Saves random VGG16 weights to a file; returns its path and the features' mean and variance."""
    keras.utils.set_random_seed(seed)
    branch = branches.vgg16(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), weights=None)
    path = os.path.join(folder, "vgg16.weights.h5")
    branch.get_layer("vgg16").save_weights(path)
    features = branch.predict(images[:200], batch_size=50, verbose=0)
    return path, features.mean(axis=0), features.var(axis=0)


def make_data(count, seed):
    """Shapes at 64x64 on 3 channels, VGG-preprocessed; the label is the shape."""
    inputs, labels = synthetic.generate(count, task="image", image_size=IMAGE_SIZE, seed=seed, modalities=("image",))
    inputs["image"] = keras.applications.vgg16.preprocess_input(np.repeat(inputs["image"], 3, axis=-1) * 255.0)
    return inputs, labels


def run(build, cache, train, test, args):
    """Trains once; returns timings and the test accuracy."""
    timer = EpochTimer()
    started = time.perf_counter()
    model, history = mmzoo.training.fit(build, train, epochs=args.epochs, batch_size=args.batch_size,
                                        learning_rate=args.learning_rate, seed=args.seed, cache_frozen=cache,
                                        callbacks=[timer], verbose=0)
    total = time.perf_counter() - started
    accuracy = model.evaluate(*test, batch_size=64, verbose=0, return_dict=True)["accuracy"]
    return {"epochs": timer.seconds, "total": total, "accuracy": accuracy,
            "train_accuracy": history.history["accuracy"][-1]}


def table(results, args):
    plain, cached = results[False], results[True]
    plain_epoch, cached_epoch = statistics.median(plain["epochs"]), statistics.median(cached["epochs"])
    rows = [
        ("median time per epoch (s)", f"{plain_epoch:.2f}", f"{cached_epoch:.3f}",
         f"{plain_epoch / cached_epoch:.0f}x faster"),
        (f"whole fit, {args.epochs} epochs, caching pass included (s)", f"{plain['total']:.1f}",
         f"{cached['total']:.1f}", f"{plain['total'] / cached['total']:.1f}x faster"),
        ("test accuracy", f"{plain['accuracy']:.3f}", f"{cached['accuracy']:.3f}",
         f"{100 * (cached['accuracy'] - plain['accuracy']):+.1f} points"),
        ("last-epoch training accuracy", f"{plain['train_accuracy']:.3f}", f"{cached['train_accuracy']:.3f}", ""),
    ]
    lines = [
        "| | without caching | `cache_frozen=True` | ratio |",
        "|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in rows],
        "",
        f"Per-epoch times without caching: {', '.join(f'{s:.2f}' for s in plain['epochs'])} s; "
        f"with caching: {', '.join(f'{s:.3f}' for s in cached['epochs'])} s.",
        "",
        f"Frozen VGG16 branch (random weights from a file, flatten, standardised) + softmax on "
        f"{IMAGE_SIZE}x{IMAGE_SIZE}x3 shapes, "
        f"{args.train_samples} training / {args.test_samples} test samples, batch {args.batch_size}, "
        f"Adam at {args.learning_rate}, seed {args.seed}. Command: `python bench/frozen_backbone_caching.py`. Machine: "
        f"{os.cpu_count()} CPU cores ({platform.machine()}), TensorFlow {tf.__version__}, Keras {keras.__version__}.",
    ]
    return "\n".join(lines)


def main(argv=None):
    """Runs both trainings, prints the table and writes it to bench/results/."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--train-samples", type=int, default=800)
    parser.add_argument("--test-samples", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if min(args.epochs, args.train_samples, args.test_samples, args.batch_size) < 1 or args.learning_rate <= 0:
        parser.error("--epochs, --train-samples, --test-samples, --batch-size and --learning-rate must be positive")

    train = make_data(args.train_samples, seed=args.seed)
    test = make_data(args.test_samples, seed=args.seed + 1)
    with tempfile.TemporaryDirectory() as folder:
        backbone = prepare_backbone(folder, train[0]["image"], args.seed)

        def build():
            return mmzoo.build_model({"image": frozen_vgg16(*backbone)}, head=heads.multiclass(4))

        results = {cache: run(build, cache, train, test, args) for cache in (False, True)}
    report = table(results, args)
    print(report)
    write_results(RESULTS, f"# Frozen-backbone caching\n\n{report}\n")


if __name__ == "__main__":
    main()
