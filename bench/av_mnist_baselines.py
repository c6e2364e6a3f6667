"""Image-only, audio-only and concat-fusion baselines on AV-MNIST.

Trains three models with the same branches on the training split of the
bundled compact AV-MNIST and prints their test accuracies:

    python bench/av_mnist_baselines.py                       # held-out speaker
    python bench/av_mnist_baselines.py --holdout recording   # recordings 40-49

About three minutes on two CPU cores with the defaults.
"""

import argparse
import time

import keras

import mmzoo
from mmzoo import branches, heads
from mmzoo.datasets import load


def image_branch():
    """A small CNN for the 28x28 PCA-reduced digits."""
    return branches.conv2d(input_shape=(28, 28, 1), filters=(16, 32), dropout=0.3, units=64)


def audio_branch(input_shape):
    """A small CNN over the (time, mel) log-mel spectrogram."""
    return branches.audio_conv2d(
        input_shape=input_shape, filters=(16, 32, 64), batch_norm=True, pooling="avg", dropout=0.3, units=64
    )


def train_and_test(modalities, train, test, epochs, seed):
    """Trains a model on `modalities` and returns its test accuracy."""
    keras.utils.set_random_seed(seed)
    parts = {"image": image_branch, "audio": lambda: audio_branch(train[0]["audio"].shape[1:])}
    model = mmzoo.build_model(
        branches={modality: parts[modality]() for modality in modalities},
        fusion="concat",
        head=heads.multiclass(10),
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    inputs = {modality: train[0][modality] for modality in modalities}
    model.fit(inputs, train[1], epochs=epochs, batch_size=64, verbose=0)
    return model.evaluate({modality: test[0][modality] for modality in modalities}, test[1], verbose=0)[1]


MODELS = (("image only", ("image",)), ("audio only", ("audio",)), ("concat fusion", ("image", "audio")))


def run(holdout="speaker", epochs=10, seed=0, path=None, report=print):
    """Trains the three models and returns `{model name: test accuracy}`."""
    train = load("av_mnist", split="train", as_dataset=False, holdout=holdout, path=path)
    test = load("av_mnist", split="test", as_dataset=False, holdout=holdout, path=path)
    report(f"AV-MNIST, {holdout} held out: {len(train[1])} training and {len(test[1])} test pairs")
    accuracies = {}
    for name, modalities in MODELS:
        start = time.time()
        accuracies[name] = train_and_test(modalities, train, test, epochs, seed)
        report(f"{name:>14}: test accuracy {accuracies[name]:.3f} ({time.time() - start:.0f} s)")
    return accuracies


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--holdout", default="speaker", choices=("speaker", "recording"))
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--path", default=None, help="AV-MNIST .npz file (default: the bundled one)")
    args = parser.parse_args(argv)
    run(args.holdout, args.epochs, args.seed, args.path, report=lambda line: print(line, flush=True))


if __name__ == "__main__":
    main()
