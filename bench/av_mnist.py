"""AV-MNIST test accuracy over several seeds: each modality alone and every fusion.

Trains the models of `mmzoo.experiments.av_mnist` (image only, audio only
and the fusions concat, weighted, gated, attention, tensor and late) on the
bundled compact AV-MNIST, once per seed, and judges each on the test split.
Prints the mean and standard deviation over the seeds of the test accuracy
and macro F1 next to the published ranges, says whether the best fusion
beats the best single modality (by the mean), and writes the table to
`bench/results/av_mnist.md`:

    python bench/av_mnist.py                      # seeds 0 1 2, 5 epochs (as `mmzoo demo`), held-out speaker
    python bench/av_mnist.py --holdout recording  # recordings 40-49 held out
    python bench/av_mnist.py --seeds 0 --epochs 1 --train-size 2000 --models "image only" concat \
        --out /tmp/av_mnist_check.md              # a quick check of the script

About 18 minutes on two CPU cores with the defaults (24 trainings).
"""

import argparse
import pathlib
import sys
import time

import keras

from bench_common import (RESULTS_DIR, check_distinct, command, machine, markdown_table, mean_and_std,
                          non_negative_int, positive_int, write_results)
from mmzoo.datasets import load
from mmzoo.experiments.av_mnist import MODALITIES, MODEL_NAMES, SINGLE_MODALITY, subset, train_and_evaluate

RESULTS = RESULTS_DIR / "av_mnist.md"
PUBLISHED = {"image only": "65-75%", "audio only": "40-66%"}
"""Published test accuracies on the full AV-MNIST (CentralNet, Vielzeuf et al. 2018; MFAS, Perez-Rua et al. 2019; MultiBench, Liang et al. 2021)."""
PUBLISHED_FUSION = "above the best single modality"
HOLDOUTS = {"speaker": "a held-out speaker", "recording": "recordings 40-49 held out"}


def load_data(holdout="speaker", train_size=None):
    """The training and test pairs of the bundled AV-MNIST.

    Args:
        holdout: What the test split holds out: "speaker" or "recording".
        train_size: Keep a random subset of `train_size` training pairs
            (seed 0, the same for every model and seed); None keeps all.

    Returns:
        `(train, test)`, each `(inputs, labels)` numpy pairs.
    """
    train = load("av_mnist", split="train", as_dataset=False, holdout=holdout)
    if train_size is not None:
        train = subset(train, train_size, seed=0)
    return train, load("av_mnist", split="test", as_dataset=False, holdout=holdout)


def run(train, test, models=MODEL_NAMES, seeds=(0, 1, 2), epochs=5, report=print):
    """Trains and judges every model once per seed.

    Args:
        train: `(inputs, labels)` training pairs.
        test: `(inputs, labels)` test pairs.
        models: Names from `mmzoo.experiments.av_mnist.MODEL_NAMES`.
        seeds: Seeds of the weights and the shuffling, one training each.
        epochs: Training epochs of every model.
        report: Called with each line of progress.

    Returns:
        `{model name: [Result.row() of each seed]}`, in the order of `models`.
    """
    rows = {name: [] for name in models}
    total = len(models) * len(seeds)
    for seed in seeds:
        for name in models:
            keras.backend.clear_session()
            row = train_and_evaluate(name, train, test, epochs, seed).row()
            rows[name].append({**row, "seed": seed})
            report(f"[{sum(map(len, rows.values()))}/{total}] {name:>10}, seed {seed}: accuracy "
                   f"{row['accuracy']:.3f}, macro F1 {row['macro_f1']:.3f} ({row['training_seconds']:.0f} s)")
    return rows


def _mean_std_percent(values):
    mean, std = mean_and_std(values)
    return f"{100 * mean:.1f}%" + ("" if std is None else f" ± {100 * std:.1f}")


def table(rows):
    """Formats the results as a Markdown table, one line per model."""
    lines = []
    for name, runs in rows.items():
        published = PUBLISHED.get(name, PUBLISHED_FUSION)
        lines.append([
            name,
            " + ".join(MODALITIES[name]),
            _mean_std_percent([run["accuracy"] for run in runs]),
            _mean_std_percent([run["macro_f1"] for run in runs]),
            published,
            f"{runs[0]['parameters']:,}",
            f"{mean_and_std([run['training_seconds'] for run in runs])[0]:.0f}",
            ", ".join(f"{100 * run['accuracy']:.1f}" for run in runs),
        ])
    return markdown_table(
        ["model", "modalities", "test accuracy (mean ± std)", "macro F1 (mean ± std)", "published accuracy",
         "parameters", "training s (mean)", "accuracy per seed (%)"],
        lines, align="llrrlrrl")


def verdict(rows):
    """One sentence: does the best fusion beat the best single modality, by the mean accuracy?"""
    means = {name: mean_and_std([run["accuracy"] for run in runs])[0] for name, runs in rows.items()}
    singles = {name: mean for name, mean in means.items() if name in SINGLE_MODALITY}
    fusions = {name: mean for name, mean in means.items() if name not in SINGLE_MODALITY}
    if not singles or not fusions:
        return "No comparison: the run needs at least one single-modality model and one fusion."
    best_single, best_fusion = max(singles, key=singles.get), max(fusions, key=fusions.get)
    difference = 100 * (fusions[best_fusion] - singles[best_single])
    answer = "beats" if difference > 0 else "does not beat"
    return (f"By mean test accuracy, the best fusion, {best_fusion} ({100 * fusions[best_fusion]:.1f}%), {answer} "
            f"the best single modality, {best_single} ({100 * singles[best_single]:.1f}%): "
            f"{difference:+.1f} points.")


def parse_args(argv=None):
    """Parses and checks the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seeds", nargs="+", type=non_negative_int, default=[0, 1, 2],
                        help="seeds, one training of every model each (default: 0 1 2)")
    parser.add_argument("--epochs", type=positive_int, default=5)
    parser.add_argument("--holdout", choices=("speaker", "recording"), default="speaker",
                        help="what the test split holds out (default: speaker)")
    parser.add_argument("--models", nargs="+", choices=MODEL_NAMES, default=list(MODEL_NAMES), metavar="MODEL",
                        help=f"a subset of the models, among: {', '.join(repr(n) for n in MODEL_NAMES)}")
    parser.add_argument("--train-size", type=positive_int, default=None,
                        help="train on a random subset of N training pairs (quick checks)")
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS, help=f"results file (default: {RESULTS})")
    args = parser.parse_args(argv)
    check_distinct(parser, "--seeds", args.seeds)
    check_distinct(parser, "--models", args.models)
    return args


def main(argv=None):
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(arguments)
    start = time.time()
    train, test = load_data(args.holdout, args.train_size)
    seeds = " ".join(map(str, args.seeds))
    print(f"AV-MNIST, {HOLDOUTS[args.holdout]}: {len(train[1]):,} training and {len(test[1]):,} test pairs; "
          f"{len(args.models)} model(s), seed(s) {seeds}, {args.epochs} epoch(s)", flush=True)
    rows = run(train, test, args.models, args.seeds, args.epochs, report=lambda line: print(line, flush=True))
    scope = "" if args.train_size is None else "a random subset of "
    text = "\n\n".join([
        f"# AV-MNIST test accuracy, seed(s) {seeds}",
        table(rows),
        verdict(rows),
        f"Compact AV-MNIST bundled in `data/av_mnist.npz`, {HOLDOUTS[args.holdout]}; {scope}{len(train[1]):,} "
        f"training pairs, {args.epochs} epoch(s), batch 64; standard deviation over the seeds (sample, n-1), "
        "none for one seed. Published accuracies are those of the full benchmark "
        "(CentralNet, MFAS, MultiBench); our compact copy differs (15,000 / 2,000 / 5,000 pairs, 32x32 log-mel "
        "spectrograms, a held-out speaker by default; see `data/README.md`), so they set an order of "
        "magnitude, not a target.",
        f"Command: `{command(__file__, arguments)}`. {time.time() - start:.0f} s on {machine()}.\n",
    ])
    print(text)
    write_results(args.out, text)


if __name__ == "__main__":
    main()
