"""AV-MNIST test accuracy over several seeds: mmzoo's models next to plain Keras written by hand.

Trains the models of `mmzoo.experiments.av_mnist` (image only, audio only
and the fusions concat, weighted, gated, attention, tensor and late, plus
the product of experts of the two single-modality models, which needs no
training) on the bundled compact AV-MNIST, once per seed, as `mmzoo demo`
does: the single-modality models for --epochs, then each fusion started
from their branches and fine-tuned (`mmzoo.training.warm_start`,
`recipe.fine_tune_epochs`: 2 of 5 epochs), or with --from-scratch every
fusion for --epochs from fresh weights; and, side by side in the same run
on the same data, seeds and epochs, the hand-written plain-Keras reference
of `mmzoo.experiments.plain_keras` (image only, audio only, concat, late).
Also trains concat with auxiliary per-modality heads (the remedy for modality
imbalance) and reports the modality balance of both concat models (linear probes on each branch next to
the single-modality models), and estimates how far a fusion can go with the
audio model of each seed (`fusion_ceiling`: a nearest-neighbour classifier
of the image's PCA coefficients times the audio-only model). Prints the mean and standard deviation over the
seeds of the test accuracy and macro F1, the difference to the reference,
checks the targets, and writes the tables to `bench/results/av_mnist.md`:

    python bench/av_mnist.py                      # seeds 0 1 2, 5 epochs (as `mmzoo demo`), held-out speaker
    python bench/av_mnist.py --holdout recording  # recordings 40-49 held out
    python bench/av_mnist.py --from-scratch       # fusions trained from fresh weights for all 5 epochs
    python bench/av_mnist.py --validation-speaker lucas   # choosing settings: scored on a training speaker
    python bench/av_mnist.py --seeds 0 --epochs 1 --train-size 2000 --models "image only" concat \
        --out /tmp/av_mnist_check.md              # a quick check of the script

About 25 minutes on two CPU cores with the defaults (39 trainings), 40 with --from-scratch.
"""

import argparse
import pathlib
import sys
import time

import keras
import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

from bench_common import (RESULTS_DIR, check_distinct, command, machine, markdown_table, mean_and_std,
                          non_negative_int, positive_int, write_results)
from mmzoo.datasets import av_mnist, hold_out_speaker, load
from mmzoo.evaluation import modality_balance
from mmzoo.experiments import plain_keras
from mmzoo.experiments.av_mnist import (MODALITIES, MODEL_NAMES, PRODUCT_OF_EXPERTS, SINGLE_MODALITY,
                                        product_of_experts, subset, train_and_evaluate)
from mmzoo.training.recipe import AUXILIARY_WEIGHT, fine_tune_epochs

RESULTS = RESULTS_DIR / "av_mnist.md"
RESULTS_BY_HOLDOUT = {"speaker": RESULTS, "recording": RESULTS_DIR / "av_mnist_recording.md"}
RESULTS_FROM_SCRATCH = {"speaker": RESULTS_DIR / "av_mnist_from_scratch.md",
                        "recording": RESULTS_DIR / "av_mnist_recording_from_scratch.md"}
PUBLISHED = {"image only": "65-75%", "audio only": "40-66%"}
"""Published test accuracies on the full AV-MNIST (CentralNet, Vielzeuf et al. 2018; MFAS, Perez-Rua et al. 2019; MultiBench, Liang et al. 2021)."""
PUBLISHED_FUSION = "above the best single modality"
HOLDOUTS = {"speaker": "a held-out speaker", "recording": "recordings 40-49 held out"}
WITH_AUXILIARY = "concat + auxiliary heads"
"""The modality-imbalance remedy: concat trained with auxiliary per-modality heads."""
NEIGHBOURS = (25, 50, 100, 200, 400)
"""The k tried by the image classifier of `fusion_ceiling`, chosen by 5-fold cross-validation on the training pairs."""
EPSILON = 1e-7
"""Floor of the probabilities multiplied by `fusion_ceiling`: a class no neighbour votes for keeps a tiny weight."""
TARGETS = {"audio only": 0.65, "best fusion": 0.89, "fusion margin": 0.15}
"""The targets of the 5-epoch recipe: audio only, best fusion (means), every fusion above the best single modality."""


def load_data(holdout="speaker", train_size=None, validation_speaker=None):
    """The training and test pairs of the bundled AV-MNIST.

    Args:
        holdout: What the test split holds out: "speaker" or "recording".
        train_size: Keep a random subset of `train_size` training pairs
            (seed 0, the same for every model and seed); None keeps all.
        validation_speaker: None, or a training speaker whose pairs replace
            the test split, the model training on the other speakers'
            (`mmzoo.datasets.hold_out_speaker`).

    Returns:
        `(train, test)`, each `(inputs, labels)` numpy pairs.
    """
    if validation_speaker is None:
        train = load("av_mnist", split="train", as_dataset=False, holdout=holdout)
        test = load("av_mnist", split="test", as_dataset=False, holdout=holdout)
    else:
        train, test = hold_out_speaker(validation_speaker, holdout=holdout)
    return (train if train_size is None else subset(train, train_size, seed=0)), test


def run(train, test, models=MODEL_NAMES, seeds=(0, 1, 2), epochs=5, reference=True, balance=True, report=print,
        from_scratch=False):
    """Trains and judges every model once per seed, mmzoo's and the plain-Keras reference's.

    Args:
        train: `(inputs, labels)` training pairs.
        test: `(inputs, labels)` test pairs.
        models: Names from `mmzoo.experiments.av_mnist.MODEL_NAMES`.
        seeds: Seeds of the weights and the shuffling, one training each.
        epochs: Training epochs of the single-modality models, and of
            every model with `from_scratch`.
        reference: Whether to train the plain-Keras reference models among `models`.
        balance: Whether to train concat with auxiliary heads too and
            measure the modality balance of both concat models (needs
            "concat" and both single-modality models in `models`).
        report: Called with each line of progress.
        from_scratch: Whether to train the fusions from fresh weights for
            `epochs`; otherwise, when both single-modality models are among
            `models`, each fusion starts from their branches and is
            fine-tuned for `fine_tune_epochs(epochs)`.

    Returns:
        A tuple `(rows, reference_rows, balances, ceilings)`: `{model name:
        [row of each seed]}` for mmzoo (with `WITH_AUXILIARY` when measured)
        and for the reference, `{model name: [ModalityBalance of each
        seed]}`, and the `fusion_ceiling` of each seed (when both
        single-modality models are among `models`).
    """
    balance = balance and {"concat", *SINGLE_MODALITY} <= set(models)
    experts = set(SINGLE_MODALITY) <= set(models)
    names = sorted(models, key=lambda name: name not in SINGLE_MODALITY) + ([WITH_AUXILIARY] if balance else [])
    warm = experts and not from_scratch
    rows = {name: [] for name in names + ([PRODUCT_OF_EXPERTS] if experts else [])}
    reference_rows = {name: [] for name in plain_keras.MODELS if reference and name in models}
    balances = {name: [] for name in ("concat", WITH_AUXILIARY) if balance}
    ceilings = []
    total = len(seeds) * (len(names) + len(reference_rows))
    done = 0
    for seed in seeds:
        singles, fused = {}, {}
        for name in names:
            keras.backend.clear_session()
            auxiliary = AUXILIARY_WEIGHT if name == WITH_AUXILIARY else None
            started = warm and name not in SINGLE_MODALITY
            result = train_and_evaluate("concat" if name == WITH_AUXILIARY else name, train, test,
                                        fine_tune_epochs(epochs) if started else epochs, seed,
                                        auxiliary_heads=auxiliary, warm_start=list(singles.values()) if started else None)
            rows[name].append({**result.row(), "model": name, "seed": seed})
            if name in SINGLE_MODALITY:
                singles[name] = result
            done += 1
            report(f"[{done}/{total}] mmzoo {name:>10}, seed {seed}: accuracy {result.accuracy:.3f}, "
                   f"macro F1 {result.macro_f1:.3f} ({result.seconds:.0f} s)")
            if name in balances:
                fused[name] = result.model
        references = {modality: singles[f"{modality} only"].accuracy for modality in ("image", "audio")
                      if f"{modality} only" in singles}
        for name, model in fused.items():
            balances[name].append(modality_balance(model, train, test, references=references, seed=seed))
        if experts:
            result = product_of_experts(*(singles[name] for name in SINGLE_MODALITY), test)
            rows[PRODUCT_OF_EXPERTS].append({**result.row(), "seed": seed})
            report(f"mmzoo {PRODUCT_OF_EXPERTS} (image only x audio only), seed {seed}: accuracy "
                   f"{result.accuracy:.3f}")
            ceilings.append(fusion_ceiling(train, test, singles["audio only"]))
            report(f"nearest neighbours on the image's PCA coefficients, seed {seed}: accuracy "
                   f"{ceilings[-1]['image classifier']:.3f}; x audio only: {ceilings[-1]['ceiling']:.3f}")
        for name in reference_rows:
            keras.backend.clear_session()
            row = plain_keras.train_and_evaluate(name, train, test, epochs, seed)
            reference_rows[name].append({**row, "seed": seed})
            done += 1
            report(f"[{done}/{total}] plain Keras {name:>10}, seed {seed}: accuracy {row['accuracy']:.3f} "
                   f"({row['training_seconds']:.0f} s)")
    return rows, reference_rows, balances, ceilings


def fusion_ceiling(train, test, audio_only):
    """Estimates how far a fusion can go with a given audio model.

    An AV-MNIST image and its clip are paired by their digit alone, so given
    the digit they are independent: the best possible fusion multiplies the
    best possible single-modality probabilities (divided by the class
    prior). An image carries nothing but its few PCA coefficients
    (`mmzoo/data/README.md`), so a k-nearest-neighbour classifier on them
    (k chosen by the log loss of a 5-fold cross-validation on the training
    pairs) shows how well any image model can do, and its product with
    `audio_only`'s probabilities how well a fusion of that audio model can.
    An estimate, not a bound: better probabilities would raise it.

    Args:
        train: `(inputs, labels)` training pairs.
        test: `(inputs, labels)` test pairs.
        audio_only: The `Result` of "audio only".

    Returns:
        A dict: "image classifier", the test accuracy of the nearest-neighbour
        image classifier; "k", its number of neighbours; "ceiling", the test
        accuracy of its product with the audio-only model.
    """
    (train_inputs, train_labels), (test_inputs, test_labels) = train, test
    components = av_mnist.settings()["pca_components"]
    search = GridSearchCV(make_pipeline(PCA(components), KNeighborsClassifier()),
                          {"kneighborsclassifier__n_neighbors": list(NEIGHBOURS)}, cv=5, scoring="neg_log_loss")
    search.fit(train_inputs["image"].reshape(len(train_labels), -1), train_labels)
    image = search.predict_proba(test_inputs["image"].reshape(len(test_labels), -1))
    audio = audio_only.model.predict({"audio": test_inputs["audio"]}, batch_size=256, verbose=0)
    prior = np.bincount(train_labels, minlength=image.shape[1]) / len(train_labels)
    fused = np.log(np.clip(image, EPSILON, 1.0)) + np.log(np.clip(audio, EPSILON, 1.0)) - np.log(prior)
    return {"image classifier": float(np.mean(image.argmax(axis=1) == test_labels)),
            "k": search.best_params_["kneighborsclassifier__n_neighbors"],
            "ceiling": float(np.mean(fused.argmax(axis=1) == test_labels))}


def _mean_std_percent(values):
    mean, std = mean_and_std(values)
    return f"{100 * mean:.1f}%" + ("" if std is None else f" ± {100 * std:.1f}")


def _accuracies(runs):
    return [run["accuracy"] for run in runs]


def table(rows, reference_rows=None, scored_on="test"):
    """Formats the results as a Markdown table, one line per model, the plain-Keras reference beside it.

    `scored_on` names the pairs the accuracies are measured on, in the headers.
    """
    reference_rows = reference_rows or {}
    lines = []
    for name, runs in rows.items():
        reference = reference_rows.get(name)
        difference = "" if not reference else (
            f"{100 * (mean_and_std(_accuracies(runs))[0] - mean_and_std(_accuracies(reference))[0]):+.1f}")
        lines.append([
            name,
            " + ".join(MODALITIES.get(name, ("image", "audio"))),
            _mean_std_percent(_accuracies(runs)),
            _mean_std_percent([run["macro_f1"] for run in runs]),
            _mean_std_percent(_accuracies(reference)) if reference else "",
            difference,
            PUBLISHED.get(name, PUBLISHED_FUSION),
            f"{runs[0]['parameters']:,}",
            f"{mean_and_std([run['training_seconds'] for run in runs])[0]:.0f}",
            ", ".join(f"{100 * run['accuracy']:.1f}" for run in runs),
        ])
    return markdown_table(
        ["model", "modalities", f"mmzoo {scored_on} accuracy (mean ± std)", "mmzoo macro F1 (mean ± std)",
         f"plain Keras {scored_on} accuracy (mean ± std)", "mmzoo − plain Keras (points)", "published accuracy",
         "parameters", "training s (mean)", "mmzoo accuracy per seed (%)"],
        lines, align="llrrrrlrrl")


def balance_table(balances):
    """Formats the modality balance of each concat model: mean probe and single-modality accuracies over the seeds."""
    lines = []
    for name, reports in balances.items():
        for modality in reports[0].probe_accuracy:
            probes = [report.probe_accuracy[modality] for report in reports]
            singles = [report.reference_accuracy[modality] for report in reports]
            gaps = [report.gap(modality) for report in reports]
            lines.append([name, modality, _mean_std_percent(probes), _mean_std_percent(singles),
                          f"{100 * mean_and_std(gaps)[0]:+.1f}"])
    return markdown_table(["model", "modality", "its branch in the fused model (linear probe)",
                           "single-modality model", "gap (points)"], lines, align="llrrr")


def verdict(rows, reference_rows=None, scored_on="test"):
    """Sentences: the best fusion against the best single modality, and mmzoo against the plain reference."""
    means = {name: mean_and_std(_accuracies(runs))[0] for name, runs in rows.items() if name != WITH_AUXILIARY}
    singles = {name: mean for name, mean in means.items() if name in SINGLE_MODALITY}
    fusions = {name: mean for name, mean in means.items() if name not in SINGLE_MODALITY}
    if not singles or not fusions:
        return "No comparison: the run needs at least one single-modality model and one fusion."
    best_single, best_fusion = max(singles, key=singles.get), max(fusions, key=fusions.get)
    difference = 100 * (fusions[best_fusion] - singles[best_single])
    answer = "beats" if difference > 0 else "does not beat"
    sentences = [f"By mean {scored_on} accuracy, the best fusion, {best_fusion} ({100 * fusions[best_fusion]:.1f}%), "
                 f"{answer} the best single modality, {best_single} ({100 * singles[best_single]:.1f}%): "
                 f"{difference:+.1f} points."]
    reference_means = {name: mean_and_std(_accuracies(runs))[0] for name, runs in (reference_rows or {}).items()}
    behind = [name for name, mean in reference_means.items() if name in means and means[name] < mean]
    if reference_means:
        sentences.append("mmzoo matches or beats the plain-Keras reference on every model both have." if not behind
                         else f"mmzoo is below the plain-Keras reference on: {', '.join(behind)}.")
    return " ".join(sentences)


def targets(rows, reference_rows):
    """One line per target of the 5-epoch recipe: met or missed, with the figures."""
    means = {name: mean_and_std(_accuracies(runs))[0] for name, runs in rows.items() if name != WITH_AUXILIARY}
    fusions = {name: mean for name, mean in means.items() if name not in SINGLE_MODALITY}
    singles = [mean for name, mean in means.items() if name in SINGLE_MODALITY]
    checks = []
    if "audio only" in means:
        checks.append((f"audio only >= {TARGETS['audio only']:.0%}", means["audio only"] >= TARGETS["audio only"],
                       f"{means['audio only']:.1%}"))
    if "concat" in means and "concat" in reference_rows:
        plain = mean_and_std(_accuracies(reference_rows["concat"]))[0]
        checks.append(("concat >= plain-Keras concat", means["concat"] >= plain,
                       f"{means['concat']:.1%} vs {plain:.1%}"))
    if fusions:
        best = max(fusions, key=fusions.get)
        checks.append((f"best fusion >= {TARGETS['best fusion']:.0%}", fusions[best] >= TARGETS["best fusion"],
                       f"{best} {fusions[best]:.1%}"))
    if fusions and len(singles) == len(SINGLE_MODALITY):
        worst = min(fusions, key=fusions.get)
        floor = max(singles) + TARGETS["fusion margin"]
        checks.append((f"every fusion >= best single modality + {100 * TARGETS['fusion margin']:.0f} points",
                       fusions[worst] >= floor, f"lowest: {worst} {fusions[worst]:.1%} vs {floor:.1%}"))
    return "\n".join(f"- {'met' if met else 'MISSED'}: {what} ({figures})" for what, met, figures in checks)


def ceiling_text(rows, reference_rows, ceilings, scored_on="test"):
    """Explains and tabulates `fusion_ceiling` next to the models: how far a fusion can go with this audio model."""
    def mean(runs):
        return mean_and_std(_accuracies(runs))[0]

    fusions = {name: mean(runs) for name, runs in rows.items() if name not in (*SINGLE_MODALITY, WITH_AUXILIARY)}
    lowest, highest = min(fusions, key=fusions.get), max(fusions, key=fusions.get)
    images = [{"accuracy": ceiling["image classifier"]} for ceiling in ceilings]
    products = [{"accuracy": ceiling["ceiling"]} for ceiling in ceilings]
    bar = max(mean(rows[name]) for name in SINGLE_MODALITY) + TARGETS["fusion margin"]
    lines = [["image only (mmzoo)", _mean_std_percent(_accuracies(rows["image only"]))],
             [f"nearest neighbours on the image's PCA coefficients (k = {', '.join(str(c['k']) for c in ceilings)})",
              _mean_std_percent(_accuracies(images))],
             ["audio only (mmzoo)", _mean_std_percent(_accuracies(rows["audio only"]))],
             ["nearest neighbours x audio only: the estimate", _mean_std_percent(_accuracies(products))],
             [f"{PRODUCT_OF_EXPERTS}: image only x audio only (mmzoo)",
              _mean_std_percent(_accuracies(rows[PRODUCT_OF_EXPERTS]))],
             [f"fusions, lowest ({lowest}) and highest ({highest})",
              f"{100 * fusions[lowest]:.1f}% and {100 * fusions[highest]:.1f}%"],
             [f"best single modality + {100 * TARGETS['fusion margin']:.0f} points (the margin target)",
              f"{100 * bar:.1f}%"]]
    text = [
        "An AV-MNIST image and its clip are paired by their digit alone, so given the digit they are "
        "independent: the best possible fusion multiplies the best possible single-modality probabilities "
        "(divided by the class prior). An image carries nothing but its PCA coefficients; a k-nearest-neighbour "
        "classifier on them (k chosen by cross-validated log loss on the training pairs) shows how well an "
        "image model can do, and its product with the audio-only model of the same seed how well a fusion of "
        "that audio model can (an estimate, not a bound: better probabilities would raise it).",
        markdown_table(["model", f"{scored_on} accuracy (mean ± std)"], lines, align="lr"),
    ]
    plain = {name: mean(runs) for name, runs in (reference_rows or {}).items()}
    if {"audio only", "concat"} <= set(plain) and "concat" in fusions:
        text.append(f"Concat above audio only in this run: plain Keras "
                    f"{100 * (plain['concat'] - plain['audio only']):+.1f} points (audio only "
                    f"{100 * plain['audio only']:.1f}%), mmzoo {100 * (fusions['concat'] - mean(rows['audio only'])):+.1f} "
                    f"(audio only {100 * mean(rows['audio only']):.1f}%).")
    return "\n\n".join(text)


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
    parser.add_argument("--no-reference", dest="reference", action="store_false",
                        help="skip the plain-Keras reference models")
    parser.add_argument("--no-balance", dest="balance", action="store_false",
                        help="skip concat with auxiliary heads and the modality balance report")
    parser.add_argument("--from-scratch", action="store_true",
                        help="train every fusion from fresh weights for --epochs, instead of starting it from the "
                             "single-modality models' branches")
    parser.add_argument("--validation-speaker", metavar="NAME", default=None,
                        help="train on the other training speakers and score on the training pairs of NAME "
                             "(george, jackson, lucas, nicolas or theo) instead of the test split: for choosing "
                             "settings without looking at the test split")
    parser.add_argument("--out", type=pathlib.Path, default=None,
                        help=f"results file (default: {RESULTS}, {RESULTS_BY_HOLDOUT['recording']} with "
                             f"--holdout recording, {RESULTS_FROM_SCRATCH['speaker']} and "
                             f"{RESULTS_FROM_SCRATCH['recording']} with --from-scratch, "
                             f"{validation_results('NAME')} with --validation-speaker)")
    args = parser.parse_args(argv)
    if args.out is None and args.validation_speaker is not None:
        args.out = validation_results(args.validation_speaker)
    if args.out is None:
        args.out = (RESULTS_FROM_SCRATCH if args.from_scratch else RESULTS_BY_HOLDOUT)[args.holdout]
    check_distinct(parser, "--seeds", args.seeds)
    check_distinct(parser, "--models", args.models)
    return args


def validation_results(speaker):
    """The default results file of a run scored on the training speaker `speaker`."""
    return RESULTS_DIR / f"av_mnist_validation_{speaker}.md"


def training_text(args, warm):
    """Says how the fusions were trained: started from the single-modality models' branches, or from scratch."""
    if warm and not args.from_scratch:
        return (f"The single-modality models train for {args.epochs} epoch(s); each fusion then starts from their "
                f"branches (`mmzoo.training.warm_start`) and is fine-tuned for {fine_tune_epochs(args.epochs)} "
                "epoch(s), as in `mmzoo demo`; its training time is that of the fine-tuning. The reference trains "
                f"every model from scratch for {args.epochs} epoch(s).")
    return f"Every model trains from fresh weights for {args.epochs} epoch(s)."


def main(argv=None):
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(arguments)
    start = time.time()
    train, test = load_data(args.holdout, args.train_size, args.validation_speaker)
    seeds = " ".join(map(str, args.seeds))
    scored_on = "test" if args.validation_speaker is None else f"{args.validation_speaker}'s"
    print(f"AV-MNIST, {HOLDOUTS[args.holdout]}: {len(train[1]):,} training and {len(test[1]):,} {scored_on} pairs; "
          f"{len(args.models)} model(s), seed(s) {seeds}, {args.epochs} epoch(s)", flush=True)
    rows, reference_rows, balances, ceilings = run(train, test, args.models, args.seeds, args.epochs, args.reference,
                                         args.balance, report=lambda line: print(line, flush=True),
                                         from_scratch=args.from_scratch)
    scope = "" if args.train_size is None else "a random subset of "
    sections = [
        f"# AV-MNIST {scored_on} accuracy, seed(s) {seeds}: mmzoo and plain Keras side by side",
        table(rows, reference_rows, scored_on),
        verdict(rows, reference_rows, scored_on),
    ]
    if args.validation_speaker is None:
        sections.append("## Targets of the 5-epoch recipe\n\n" + targets(rows, reference_rows))
    else:
        sections.append(f"Scored on the {len(test[1]):,} training pairs of {args.validation_speaker}, a voice "
                        "held out of training that is not the test speaker "
                        "(`mmzoo.datasets.hold_out_speaker`): the split that chooses settings; the targets "
                        "are those of the test split (`python bench/av_mnist.py`).")
    if ceilings:
        sections.append("## How far a fusion can go\n\n" + ceiling_text(rows, reference_rows, ceilings, scored_on))
    if balances:
        sections.append(
            "## Modality balance\n\nHow well each branch does inside the fused concat model: test accuracy of a "
            "linear probe (logistic regression) on the branch's features, next to the model trained on that "
            f"modality alone, without and with auxiliary per-modality heads (weight {AUXILIARY_WEIGHT}; mean over "
            "the seeds).\n\n" + balance_table(balances))
    text = "\n\n".join(sections + [
        "The plain-Keras reference (`mmzoo/experiments/plain_keras.py`) is what a user writes by hand: two "
        "Conv2D + MaxPooling blocks, Flatten and Dense(64) per modality, concatenated (or logits summed for "
        "late), softmax; spectrograms standardised with the training mean and standard deviation; Adam at its "
        "default rate. mmzoo's models are those of `mmzoo demo` (`mmzoo/experiments/av_mnist.py`).",
        training_text(args, set(SINGLE_MODALITY) <= set(args.models)),
        f"Compact AV-MNIST bundled in `mmzoo/data/av_mnist.npz`, {HOLDOUTS[args.holdout]}; {scope}{len(train[1]):,} "
        f"training pairs, {args.epochs} epoch(s), batch 64; standard deviation over the seeds (sample, n-1), "
        "none for one seed. Published accuracies are those of the full benchmark "
        "(CentralNet, MFAS, MultiBench); our compact copy differs (15,000 / 2,000 / 5,000 pairs, 32x32 log-mel "
        "spectrograms, a held-out speaker by default; see `mmzoo/data/README.md`), so they set an order of "
        "magnitude, not a target.",
        f"Command: `{command(__file__, arguments)}`. {time.time() - start:.0f} s on {machine()}.\n",
    ])
    print(text)
    write_results(args.out, text)


if __name__ == "__main__":
    main()
