"""Robustness on AV-MNIST: modality dropout, noisy and missing modalities, per fusion.

Trains on the bundled compact AV-MNIST (held-out speaker) five models of
`mmzoo.experiments.av_mnist` (same branches and recipe as `mmzoo demo` and
`bench/av_mnist.py`): image only, audio only, late fusion (MultiBench's
reference for effective robustness), concat fusion, and concat fusion with
`ModalityDropout`. Prints and writes to
`bench/results/robustness.md`:

- modality dropout: full-modality accuracy against concat fusion without it,
  and accuracy with the audio (image) missing against the image-only
  (audio-only) model;
- the robustness table: clean accuracy, relative and effective robustness
  (against late fusion) per fusion and noisy or missing modality.

    python bench/robustness.py

About ten minutes on two CPU cores with the defaults (5 epochs, the recipe of `mmzoo demo`).
"""

import argparse
import sys
import time

from bench_common import RESULTS_DIR, command, machine, non_negative_int, positive_int, write_results

from mmzoo.datasets import load
from mmzoo.experiments import av_mnist
from mmzoo.robustness import ablation, remove_modality, robustness
from mmzoo.robustness.curves import accuracy

RESULTS = RESULTS_DIR / "robustness.md"
DROPOUT_RATE = 0.5
MODELS = {
    "image only": ("image only", None),
    "audio only": ("audio only", None),
    "late": ("late", None),
    "concat": ("concat", None),
    "concat + modality dropout": ("concat", DROPOUT_RATE),
}
"""Model of the robustness table -> (model of `mmzoo.experiments.av_mnist`, modality dropout rate)."""
FUSIONS = ("late", "concat", "concat + modality dropout")
NOISES = (("image", "gaussian"), ("image", "missing"), ("audio", "white_noise"), ("audio", "missing"))
LEVELS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def _subset(data, size):
    """The first `size` pairs of `(inputs, labels)`."""
    inputs, labels = data
    return {name: values[:size] for name, values in inputs.items()}, labels[:size]


def dropout_check(train_data, test_data, epochs=5, seed=0, report=print):
    """Trains the image-only, audio-only, concat and concat + modality dropout models.

    Args:
        train_data: `(inputs, labels)` of AV-MNIST training pairs.
        test_data: `(inputs, labels)` of AV-MNIST test pairs.
        epochs: Training epochs of every model.
        seed: Seed of the weights and the shuffling.
        report: Called with each line of progress.

    Returns:
        A tuple `(models, accuracies, missing)`: `{name: model}`, `{name:
        test accuracy}` and `{"audio": accuracy of the dropout model without
        audio, "image": ... without image}`.
    """
    models, accuracies = {}, {}
    for name in ("image only", "audio only", "concat", "concat + modality dropout"):
        models[name], accuracies[name] = _train_and_test(name, train_data, test_data, epochs, seed, report)
    dropout_model = models["concat + modality dropout"]
    missing = {
        modality: accuracy(dropout_model, remove_modality(test_data[0], modality, dropout_model), test_data[1])
        for modality in ("audio", "image")
    }
    return models, accuracies, missing


def _train_and_test(name, train_data, test_data, epochs, seed, report):
    experiment_model, rate = MODELS[name]
    result = av_mnist.train_and_evaluate(experiment_model, train_data, test_data, epochs=epochs, seed=seed,
                                         modality_dropout=rate)
    report(f"{name:>26}: test accuracy {result.accuracy:.3f} ({result.seconds:.0f} s)")
    return result.model, result.accuracy


def run(epochs=5, seed=0, curve_size=2000, report=print):
    """Trains the models, measures modality dropout and the robustness table.

    Args:
        epochs: Training epochs of every model.
        seed: Seed of the weights, the shuffling and the noise.
        curve_size: Test pairs used for the noise curves (the accuracies of
            the modality dropout check use the whole test split).
        report: Called with each line of progress.

    Returns:
        A dict: "accuracy" `{model: test accuracy}`, "missing" (see
        `dropout_check`), "ablation" `{fusion: AblationResult}` and
        "curves" `{(fusion, modality, noise): RobustnessResult}`.
    """
    train_data = load("av_mnist", split="train", as_dataset=False)
    test_data = load("av_mnist", split="test", as_dataset=False)
    models, accuracies, missing = dropout_check(train_data, test_data, epochs, seed, report)
    models["late"], accuracies["late"] = _train_and_test("late", train_data, test_data, epochs, seed, report)
    ablations = {name: ablation(models[name], test_data) for name in FUSIONS}
    curve_data = _subset(test_data, curve_size)
    curves = {}
    for modality, noise in NOISES:
        start = time.time()
        reference = robustness(models["late"], curve_data, modality, noise, levels=LEVELS, seed=seed, label="late")
        for name in FUSIONS:
            curves[name, modality, noise] = robustness(
                models[name], curve_data, modality, noise, levels=LEVELS, reference=reference, seed=seed,
                label=name, reference_label="late")
        report(f"curves {modality}/{noise} ({time.time() - start:.0f} s)")
    return {"accuracy": accuracies, "missing": missing, "ablation": ablations, "curves": curves}


def _percent(value):
    return f"{100 * value:.1f}%"


def table(results):
    """Formats the results as Markdown."""
    accuracy_of, missing = results["accuracy"], results["missing"]
    lines = [
        f"## Modality dropout (concat fusion, rate {DROPOUT_RATE})",
        "",
        "| test accuracy | with modality dropout | comparison | difference (points) |",
        "|---|---|---|---|",
        f"| image + audio | {_percent(accuracy_of['concat + modality dropout'])} | concat without dropout "
        f"{_percent(accuracy_of['concat'])} | {100 * (accuracy_of['concat + modality dropout'] - accuracy_of['concat']):+.1f} |",
        f"| audio missing | {_percent(missing['audio'])} | image-only model {_percent(accuracy_of['image only'])} "
        f"| {100 * (missing['audio'] - accuracy_of['image only']):+.1f} |",
        f"| image missing | {_percent(missing['image'])} | audio-only model {_percent(accuracy_of['audio only'])} "
        f"| {100 * (missing['image'] - accuracy_of['audio only']):+.1f} |",
        "",
        "## Ablation (test accuracy with a modality removed: zeros, or in-band missing marks with dropout)",
        "",
        "| fusion | both | without image | without audio |",
        "|---|---|---|---|",
    ]
    for name, result in results["ablation"].items():
        lines.append(f"| {name} | {_percent(result.clean_accuracy)} | {_percent(result.accuracies['image'])} "
                     f"| {_percent(result.accuracies['audio'])} |")
    lines += [
        "",
        "## Robustness (MultiBench): clean accuracy, relative robustness (mean accuracy over levels 0-1), "
        "effective robustness against late fusion",
        "",
        "| fusion | noisy modality | noise | clean | relative | effective |",
        "|---|---|---|---|---|---|",
    ]
    for (name, modality, noise), result in results["curves"].items():
        lines.append(f"| {name} | {modality} | {noise} | {_percent(result.clean_accuracy)} "
                     f"| {_percent(result.relative_robustness)} | {100 * result.effective_robustness:+.1f} pts |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--epochs", type=positive_int, default=5, help="training epochs of every model (default: 5, as mmzoo demo)")
    parser.add_argument("--seed", type=non_negative_int, default=0)
    parser.add_argument("--curve-size", type=positive_int, default=2000)
    args = parser.parse_args(argv)
    start = time.time()
    results = run(args.epochs, args.seed, curve_size=args.curve_size, report=lambda line: print(line, flush=True))
    text = (
        "# Robustness on AV-MNIST\n\n" + table(results) + "\n\n"
        f"AV-MNIST compact, held-out speaker; {args.epochs} epochs, seed {args.seed}; noise curves on the first "
        f"{args.curve_size} test pairs at levels {', '.join(map(str, LEVELS))}. "
        f"Command: `{command(__file__, argv if argv is not None else sys.argv[1:])}`. "
        f"{time.time() - start:.0f} s on {machine()}.\n"
    )
    print(text)
    write_results(RESULTS, text)


if __name__ == "__main__":
    main()
