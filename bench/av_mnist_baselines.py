"""Image-only, audio-only and concat-fusion baselines on AV-MNIST.

Trains three models with the same branches on the training split of the
bundled compact AV-MNIST and prints their test accuracies:

    python bench/av_mnist_baselines.py                       # held-out speaker
    python bench/av_mnist_baselines.py --holdout recording   # recordings 40-49

About three minutes on two CPU cores with the defaults.
"""

import argparse
import time

from mmzoo.datasets import load
from mmzoo.experiments.av_mnist import train_and_evaluate

MODELS = (("image only", "image only"), ("audio only", "audio only"), ("concat fusion", "concat"))


def run(holdout="speaker", epochs=10, seed=0, path=None, report=print):
    """Trains the three models and returns `{model name: test accuracy}`."""
    train = load("av_mnist", split="train", as_dataset=False, holdout=holdout, path=path)
    test = load("av_mnist", split="test", as_dataset=False, holdout=holdout, path=path)
    report(f"AV-MNIST, {holdout} held out: {len(train[1])} training and {len(test[1])} test pairs")
    accuracies = {}
    for name, model_name in MODELS:
        start = time.time()
        accuracies[name] = train_and_evaluate(model_name, train, test, epochs, seed).accuracy
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
