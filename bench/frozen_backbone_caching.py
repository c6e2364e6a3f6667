"""Time per epoch with frozen-backbone caching vs without, on a frozen VGG16 or keras-hub ViT image branch.

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

`--model dual_encoder` runs it on a contrastive dual encoder
(`mmzoo.retrieval.dual_encoder`) of the same frozen image branch and a
dense branch on the shapes' paired feature vectors (the "audio" modality of
`mmzoo.datasets.synthetic`), trained on the pairs alone: the frozen branch
sits inside the dual encoder's `image_encoder`, where `cache_frozen=True`
finds it. It reports class-level recall@1 image -> features on the test
pairs instead of the accuracy. Results go to
`bench/results/frozen_backbone_caching_dual_encoder.md`:

    python bench/frozen_backbone_caching.py --model dual_encoder

`--branch preset` runs the same comparison on a pretrained-encoder-sized
branch: a random keras-hub `ViTBackbone` with the shape of the
`deit_tiny_distilled_patch16_224_imagenet` preset (224x224 images in
16x16 patches, 12 layers of width 192, 3 heads, MLP 768: 5.5 M weights),
saved with its image converter as a local preset and loaded by
`mmzoo.branches.from_preset` (the converter resizes the 64x64 images to
224x224 inside the branch), pooled to the mean of its tokens and
standardised the same way. Results go to
`bench/results/frozen_backbone_caching_preset.md`:

    python bench/frozen_backbone_caching.py --branch preset --train-samples 400 --test-samples 200 --epochs 4
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
from mmzoo import branches, evaluation, heads, retrieval
from mmzoo.datasets import synthetic

RESULTS_DIR = pathlib.Path(__file__).with_name("results")
RESULTS = {("classifier", "vgg16"): RESULTS_DIR / "frozen_backbone_caching.md",
           ("classifier", "preset"): RESULTS_DIR / "frozen_backbone_caching_preset.md",
           ("dual_encoder", "vgg16"): RESULTS_DIR / "frozen_backbone_caching_dual_encoder.md",
           ("dual_encoder", "preset"): RESULTS_DIR / "frozen_backbone_caching_dual_encoder_preset.md"}
MODELS = {"classifier": "+ softmax", "dual_encoder": "and a dense branch on the paired feature vectors, as a "
                                                    "contrastive dual encoder trained on the pairs alone,"}
IMAGE_SIZE = 64
DEIT_TINY = dict(image_shape=(224, 224, 3), patch_size=16, num_layers=12, num_heads=3, hidden_dim=192, mlp_dim=768)
"""The shape of keras-hub's `deit_tiny_distilled_patch16_224_imagenet` (without its distillation token)."""
DESCRIPTIONS = {
    "vgg16": "Frozen VGG16 branch (random weights from a file, flatten, standardised)",
    "preset": "Frozen keras-hub ViT branch shaped like deit_tiny_distilled_patch16_224_imagenet (random weights "
              "from a local preset, 5.5 M weights, 64x64 images resized to 224x224 inside the branch, mean of "
              "the tokens, standardised)",
}


class EpochTimer(keras.callbacks.Callback):
    """Records the wall time of every epoch."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.started)


def standardised(branch, mean, variance):
    """The branch followed by a fixed standardisation of its features (both frozen)."""
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3), name="image_input")
    features = keras.layers.Normalization(mean=mean, variance=variance, name="image_standardize")(branch(inputs))
    return keras.Model(inputs, features, name=f"{branch.name}_standardised")


def vgg16_branch(path):
    """The VGG16 branch loading the weights file `path`."""
    return branches.vgg16(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), weights=path)


def preset_branch(path):
    """The ViT branch loaded from the local preset folder `path`."""
    return branches.from_preset(path, "image", input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3))


def save_vgg16(folder):
    """Saves random VGG16 weights to a file; returns its path."""
    path = os.path.join(folder, "vgg16.weights.h5")
    branches.vgg16(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), weights=None).get_layer("vgg16").save_weights(path)
    return path


def save_preset(folder):
    """Saves a random ViT shaped like DeiT-tiny and its image converter as a local preset; returns its folder."""
    import keras_hub

    path = os.path.join(folder, "vit_deit_tiny_shape")
    keras_hub.models.ViTBackbone(**DEIT_TINY).save_to_preset(path)
    keras_hub.layers.ViTImageConverter(image_size=DEIT_TINY["image_shape"][:2], scale=1 / 127.5,
                                       offset=-1.0).save_to_preset(path)
    return path


BRANCHES = {"vgg16": (save_vgg16, vgg16_branch), "preset": (save_preset, preset_branch)}


def prepare_backbone(kind, folder, images, seed):
    """Saves the random backbone; returns `(path, mean, variance)`: its location and its features' statistics."""
    keras.utils.set_random_seed(seed)
    save, load = BRANCHES[kind]
    path = save(folder)
    features = load(path).predict(images[:200], batch_size=50, verbose=0)
    return path, features.mean(axis=0), features.var(axis=0)


def make_data(kind, count, seed, model="classifier"):
    """Shapes at 64x64 on 3 channels, VGG-preprocessed for VGG16, pixels in [0, 255] for the preset (whose
    converter prepares them), for the dual encoder with their paired feature vectors ("audio"); the label is
    the shape."""
    modalities = ("image", "audio") if model == "dual_encoder" else ("image",)
    inputs, labels = synthetic.generate(count, task="image", image_size=IMAGE_SIZE, seed=seed, modalities=modalities)
    pixels = np.repeat(inputs["image"], 3, axis=-1) * 255.0
    inputs["image"] = keras.applications.vgg16.preprocess_input(pixels) if kind == "vgg16" else pixels
    return inputs, labels


def run(build, cache, train, test, args):
    """Trains once; returns timings, the test score and the test outputs (probabilities or image embeddings)."""
    timer = EpochTimer()
    started = time.perf_counter()
    data = train[0] if args.model == "dual_encoder" else train
    model, _ = mmzoo.training.fit(build, data, epochs=args.epochs, batch_size=args.batch_size,
                                  learning_rate=args.learning_rate, seed=args.seed, cache_frozen=cache,
                                  callbacks=[timer], verbose=0)
    total = time.perf_counter() - started
    if args.model == "dual_encoder":
        embeddings = {modality: retrieval.embed(model, test[0], modality) for modality in ("image", "audio")}
        score = evaluation.cross_modal_metrics(embeddings, test[1])["image->audio"]["class"]["recall@1"]
        outputs = embeddings["image"]
    else:
        score = model.evaluate(*test, batch_size=64, verbose=0, return_dict=True)["accuracy"]
        outputs = model.predict(test[0], batch_size=64, verbose=0)
    return {"epochs": timer.seconds, "total": total, "score": score, "outputs": outputs}


SCORES = {"classifier": "test accuracy",
          "dual_encoder": "test class-level recall@1, image -> feature vector (chance 0.25)"}
OUTPUTS = {"classifier": "probabilities", "dual_encoder": "image embeddings"}


def table(results, args):
    plain, cached = results[False], results[True]
    plain_epoch, cached_epoch = statistics.median(plain["epochs"]), statistics.median(cached["epochs"])
    rows = [
        ("median time per epoch (s)", f"{plain_epoch:.2f}", f"{cached_epoch:.3f}",
         f"{plain_epoch / cached_epoch:.0f}x faster"),
        (f"whole fit, {args.epochs} epochs, caching pass included (s)", f"{plain['total']:.1f}",
         f"{cached['total']:.1f}", f"{plain['total'] / cached['total']:.1f}x faster"),
        (SCORES[args.model], f"{plain['score']:.3f}", f"{cached['score']:.3f}",
         f"{100 * (cached['score'] - plain['score']):+.1f} points"),
        (f"largest difference between the two models' test {OUTPUTS[args.model]}", "",
         f"{np.abs(plain['outputs'] - cached['outputs']).max():.1e}", ""),
    ]
    lines = [
        "| | without caching | `cache_frozen=True` | ratio |",
        "|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in rows],
        "",
        f"Per-epoch times without caching: {', '.join(f'{s:.2f}' for s in plain['epochs'])} s; "
        f"with caching: {', '.join(f'{s:.3f}' for s in cached['epochs'])} s.",
        "",
        f"{DESCRIPTIONS[args.branch]} {MODELS[args.model]} on {IMAGE_SIZE}x{IMAGE_SIZE}x3 shapes, "
        f"{args.train_samples} training / {args.test_samples} test samples, batch {args.batch_size}, "
        f"Adam at {args.learning_rate}, seed {args.seed}. Command: `python bench/frozen_backbone_caching.py "
        f"--model {args.model} --branch {args.branch} --train-samples {args.train_samples} --test-samples {args.test_samples} "
        f"--epochs {args.epochs}`. Machine: "
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
    parser.add_argument("--model", choices=sorted(MODELS), default="classifier",
                        help="a classifier on the frozen branch, or a dual encoder of it and a dense branch")
    parser.add_argument("--branch", choices=sorted(BRANCHES), default="vgg16",
                        help="the frozen branch: VGG16 from a weights file or a ViT from a local keras-hub preset")
    args = parser.parse_args(argv)
    if min(args.epochs, args.train_samples, args.test_samples, args.batch_size) < 1 or args.learning_rate <= 0:
        parser.error("--epochs, --train-samples, --test-samples, --batch-size and --learning-rate must be positive")

    train = make_data(args.branch, args.train_samples, seed=args.seed, model=args.model)
    test = make_data(args.branch, args.test_samples, seed=args.seed + 1, model=args.model)
    with tempfile.TemporaryDirectory() as folder:
        path, mean, variance = prepare_backbone(args.branch, folder, train[0]["image"], args.seed)
        load = BRANCHES[args.branch][1]

        def build():
            image = standardised(load(path), mean, variance)
            if args.model == "dual_encoder":
                return retrieval.dual_encoder(
                    {"image": image, "audio": branches.dense(input_dim=train[0]["audio"].shape[1], hidden_units=(32,))},
                    embedding_dim=32)
            return mmzoo.build_model({"image": image}, head=heads.multiclass(4))

        results = {cache: run(build, cache, train, test, args) for cache in (False, True)}
    report = table(results, args)
    print(report)
    write_results(RESULTS[args.model, args.branch], f"# Frozen-backbone caching\n\n{report}\n")


if __name__ == "__main__":
    main()
