"""The work of `mmzoo demo`: train and judge the AV-MNIST models, then write the run folder."""

import os
import time

import matplotlib.pyplot as plt

from mmzoo import datasets, export, plots, robustness
from mmzoo.cli.files import write_json
from mmzoo.cli.progress import TrainingProgress
from mmzoo.experiments import av_mnist, plain_keras

ROBUSTNESS_LEVELS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
WEIGHTED_FUSIONS = ("weighted", "late")
REFERENCE = "plain Keras concat"
"""The hand-written reference the demo trains beside its models (`mmzoo.experiments.plain_keras`)."""


def load_data(arguments):
    """Loads the AV-MNIST training, validation and test pairs, subsampled as asked.

    Args:
        arguments: The parsed `demo` arguments.

    Returns:
        A tuple `(train, validation, test)` of `(inputs, labels)` numpy pairs.
    """
    train, validation, test = (datasets.load("av_mnist", split=split, as_dataset=False)
                               for split in ("train", "validation", "test"))
    if arguments.train_size:
        train = av_mnist.subset(train, arguments.train_size, seed=arguments.seed)
    if arguments.test_size:
        test = av_mnist.subset(test, arguments.test_size, seed=arguments.seed)
    return train, validation, test


def train_all(train, validation, test, arguments):
    """Trains and judges every model of the experiment, one progress bar each, then the plain-Keras reference.

    Args:
        train: Training pairs.
        validation: Validation pairs, judged after every epoch (the training curves).
        test: Test pairs.
        arguments: The parsed `demo` arguments.

    Returns:
        A tuple `(results, reference)`: a list of
        `mmzoo.experiments.av_mnist.Result` in `MODEL_NAMES` order, then the
        product of experts of the two single-modality models, and the row of
        the hand-written concat model (`mmzoo.experiments.plain_keras`).
    """
    results = []
    total = len(av_mnist.MODEL_NAMES) + 1
    for index, name in enumerate(av_mnist.MODEL_NAMES, start=1):
        progress = TrainingProgress(f"[{index}/{total}] {name}")
        result = av_mnist.train_and_evaluate(name, train, test, epochs=arguments.epochs, seed=arguments.seed,
                                             validation=validation, callbacks=[progress])
        print(f"    test accuracy {result.accuracy:.4f}, macro F1 {result.macro_f1:.4f}", flush=True)
        results.append(result)
    by_name = {result.name: result for result in results}
    results.append(av_mnist.product_of_experts(by_name["image only"], by_name["audio only"], test))
    print(f"{av_mnist.PRODUCT_OF_EXPERTS} (image only x audio only, no training): test accuracy "
          f"{results[-1].accuracy:.4f}, macro F1 {results[-1].macro_f1:.4f}", flush=True)
    print(f"[{total}/{total}] {REFERENCE} (the same data, seed and epochs) ...", flush=True)
    reference = plain_keras.train_and_evaluate("concat", train, test, epochs=arguments.epochs, seed=arguments.seed)
    print(f"    test accuracy {reference['accuracy']:.4f}, macro F1 {reference['macro_f1']:.4f}", flush=True)
    return results, reference


def results_markdown(results, reference):
    """Renders the results as a Markdown table.

    Args:
        results: List of `Result`.
        reference: Row of the plain-Keras concat model, shown last in italics.

    Returns:
        The table, one row per model, best accuracy in bold.
    """
    best = max(result.accuracy for result in results)
    lines = ["| model | test accuracy | macro F1 | parameters | training time (s) |", "|---|---:|---:|---:|---:|"]
    for result in results:
        accuracy = f"{result.accuracy:.2%}"
        lines.append(f"| {result.name} | {f'**{accuracy}**' if result.accuracy == best else accuracy} "
                     f"| {result.macro_f1:.4f} | {result.parameters:,} | {result.seconds:.1f} |")
    lines.append(f"| *{REFERENCE} (reference)* | *{reference['accuracy']:.2%}* | *{reference['macro_f1']:.4f}* "
                 f"| *{reference['parameters']:,}* | *{reference['training_seconds']:.1f}* |")
    return "\n".join(lines) + "\n"


def save_plots(results, reference, test, folder):
    """Saves the model comparison, the training curves, the best model's confusion matrix, the fusion weights
    and a robustness curve.

    Args:
        results: List of `Result`.
        reference: Row of the plain-Keras concat model, drawn as a line on the comparison.
        test: Test pairs.
        folder: The run folder.

    Returns:
        Dict describing the robustness measure (models, noise, levels,
        accuracies, relative robustness).
    """
    _close(plots.model_comparison({result.name: result.accuracy for result in results},
                                  single_modality=av_mnist.SINGLE_MODALITY,
                                  references={REFERENCE: reference["accuracy"]},
                                  path=os.path.join(folder, "model_comparison.png")))
    os.makedirs(os.path.join(folder, "training_curves"))
    for result in (result for result in results if result.history):
        _close(plots.training_curves(result.history,
                                     path=os.path.join(folder, "training_curves", f"{_file_name(result.name)}.png")))
    best = max(results, key=lambda result: result.accuracy)
    _close(plots.confusion_matrix(best.report, path=os.path.join(folder, "confusion_matrix.png")))
    by_name = {result.name: result for result in results}
    for name in WEIGHTED_FUSIONS:
        _close(plots.fusion_weights(by_name[name].model, path=os.path.join(folder, f"fusion_weights_{name}.png")))
    return _robustness(by_name, test, folder)


def _robustness(by_name, test, folder):
    """Measures the best fusion (and late fusion as reference) under growing audio white noise."""
    fused = max(av_mnist.FUSIONS, key=lambda name: by_name[name].accuracy)
    reference = None if fused == "late" else by_name["late"].model
    result = robustness.robustness(by_name[fused].model, test, modality="audio", noise="white_noise",
                                   levels=ROBUSTNESS_LEVELS, reference=reference, label=fused,
                                   reference_label="late")
    _close(result.plot(os.path.join(folder, "robustness_audio_white_noise.png"),
                       title=f"{fused} fusion, audio white noise"))
    return {"model": fused, "reference": None if reference is None else "late", "modality": "audio",
            "noise": "white_noise", "levels": list(ROBUSTNESS_LEVELS),
            "accuracies": [float(value) for value in result.accuracies],
            "relative_robustness": float(result.relative_robustness)}


def _file_name(name):
    return name.replace(" ", "_")


def _close(figure):
    plt.close(figure)


def demo(arguments):
    """Runs `mmzoo demo`: trains and judges every model, prints the table, writes the run folder.

    Args:
        arguments: The parsed `demo` arguments, with defaults filled in.
    """
    start = time.perf_counter()
    print("Loading AV-MNIST ...", flush=True)
    train, validation, test = load_data(arguments)
    print(f"{len(train[1])} training pairs, {len(validation[1])} validation pairs, {len(test[1])} test pairs, "
          f"{arguments.epochs} epoch(s) per model", flush=True)
    results, reference = train_all(train, validation, test, arguments)
    table = results_markdown(results, reference)
    print("\n" + table)
    print("Saving the plots, the robustness curve and the best model ...", flush=True)
    folder = f"{arguments.out}.partial-{os.getpid()}"
    os.makedirs(folder)
    measured = save_plots(results, reference, test, folder)
    best = max(results, key=lambda result: result.accuracy)
    export.save_keras(best.model, os.path.join(folder, "best_model.keras"))
    settings = {"epochs": arguments.epochs, "seed": arguments.seed, "train_pairs": int(len(train[1])),
                "validation_pairs": int(len(validation[1])), "test_pairs": int(len(test[1])),
                "quick": arguments.quick}
    with open(os.path.join(folder, "results.md"), "w", encoding="utf-8") as handle:
        handle.write(
            "# mmzoo demo: AV-MNIST\n\n"
            f"{settings['train_pairs']} training pairs, {settings['test_pairs']} test pairs of a speaker never "
            f"heard in training; {settings['epochs']} epoch(s) per model, seed {settings['seed']}"
            f"{' (--quick)' if arguments.quick else ''}.\n\n{table}\nBest model: {best.name}\n"
        )
    write_json(os.path.join(folder, "results.json"),
               {"settings": settings, "results": [result.row() for result in results], "best_model": best.name,
                "reference": {**reference, "model": REFERENCE}, "robustness": measured})
    os.rename(folder, arguments.out)
    print(f"Best model: {best.name} ({best.accuracy:.2%}). Run folder: {arguments.out} "
          f"({time.perf_counter() - start:.0f} s)")
