"""`mmzoo demo`: train the image-only, audio-only and fusion models on AV-MNIST and compare them.

TensorFlow is imported only in `run`, after the arguments are checked.
"""

import datetime
import os
import time

from mmzoo.cli import common

DEFAULT_EPOCHS = 5
QUICK_EPOCHS = 2
QUICK_TRAIN_SIZE = 3000
QUICK_TEST_SIZE = 2000
ROBUSTNESS_LEVELS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
WEIGHTED_FUSIONS = ("weighted", "late")
REFERENCE = "plain Keras concat"
"""The hand-written reference the demo trains beside its models (`mmzoo.experiments.plain_keras`)."""
SUMMARY = "train and compare single-modality and fusion models on AV-MNIST"
DESCRIPTION = "Trains and compares single-modality models and the fusion catalogue on the bundled AV-MNIST."
EXAMPLES = """examples:
  mmzoo demo                         # all 15,000 training pairs, 5 epochs: about 8 minutes on 2 cores
  mmzoo demo --quick                 # 3,000 pairs, 2 epochs: about 2 minutes, a check of the set-up
  mmzoo demo --epochs 10 --seed 1 --out runs/av_mnist_10

Trains, on the bundled AV-MNIST (offline), an image-only model and an
audio-only model for --epochs, then the fusions concat, weighted, gated,
attention, tensor and late, each started from the branches of the two
(mmzoo.training.warm_start) and fine-tuned for 2 of every 5 epochs
(mmzoo.training.recipe, as the benches; `mmzoo train` trains one fusion from
scratch), fuses the two
single-modality models by the product of their probabilities (no training:
mmzoo.product_of_experts), then trains the same
concat model written by hand in plain Keras as a reference; evaluates each on
the test split (a speaker never heard in training) and writes the run
folder: results.md and results.json (accuracy, macro F1, parameters,
training time), model_comparison.png (test accuracy per model, the plain
Keras reference as a line), training_curves/<model>.png (training and
validation per epoch), confusion_matrix.png (best model),
fusion_weights_<model>.png (weighted and late),
robustness_audio_white_noise.png (best fusion against late fusion as audio
white noise grows) and best_model.keras.
"""


def add_arguments(parser):
    """Adds the arguments of `mmzoo demo`.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("--out", metavar="DIR", help="new run folder (default: runs/demo-YYYYmmdd-HHMMSS)")
    parser.add_argument("--epochs", type=common.positive_int,
                        help=f"epochs of the single-modality models (default: {DEFAULT_EPOCHS}, or {QUICK_EPOCHS} with "
                             "--quick); each fusion then fine-tunes for 2 of every 5 (rounded up)")
    parser.add_argument("--seed", type=common.non_negative_int, default=0, help="random seed (default: 0)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a quick check of the set-up: {QUICK_TRAIN_SIZE} training pairs, {QUICK_EPOCHS} epochs "
                             f"and {QUICK_TEST_SIZE} test pairs (too little training for the audio "
                             "model to learn much)")
    parser.add_argument("--train-size", type=common.positive_int, metavar="N",
                        help=f"train on N random training pairs (default: all, or {QUICK_TRAIN_SIZE} with --quick)")
    parser.add_argument("--test-size", type=common.positive_int, metavar="N",
                        help=f"evaluate on N random test pairs (default: all 5,000, or {QUICK_TEST_SIZE} with --quick)")


def settings(arguments):
    """Fills in the defaults that depend on `--quick` and the clock.

    Args:
        arguments: The parsed arguments (changed in place).

    Returns:
        The arguments.

    Raises:
        UsageError: the output folder exists.
    """
    if arguments.out is None:
        arguments.out = os.path.join("runs", datetime.datetime.now().strftime("demo-%Y%m%d-%H%M%S"))
    common.check_new_path(arguments.out)
    if arguments.epochs is None:
        arguments.epochs = QUICK_EPOCHS if arguments.quick else DEFAULT_EPOCHS
    if arguments.train_size is None and arguments.quick:
        arguments.train_size = QUICK_TRAIN_SIZE
    if arguments.test_size is None and arguments.quick:
        arguments.test_size = QUICK_TEST_SIZE
    return arguments


def run(arguments):
    """Runs the demo.

    Args:
        arguments: The parsed arguments.
    """
    settings(arguments)
    common.load_tensorflow()
    demo(arguments)


def load_data(arguments):
    """Loads the AV-MNIST training, validation and test pairs, subsampled as asked.

    Args:
        arguments: The parsed `demo` arguments.

    Returns:
        A tuple `(train, validation, test)` of `(inputs, labels)` numpy pairs.
    """
    from mmzoo import datasets
    from mmzoo.experiments import av_mnist

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
    from mmzoo.experiments import av_mnist, plain_keras
    from mmzoo.training import recipe
    from mmzoo.training.progress import TrainingProgress

    results = []
    total = len(av_mnist.MODEL_NAMES) + 1
    fine_tune_epochs = recipe.fine_tune_epochs(arguments.epochs)
    for index, name in enumerate(av_mnist.MODEL_NAMES, start=1):
        single = name in av_mnist.SINGLE_MODALITY
        start = "" if single else f" (from the single-modality branches, {fine_tune_epochs} epoch(s))"
        progress = TrainingProgress(f"[{index}/{total}] {name}{start}")
        result = av_mnist.train_and_evaluate(
            name, train, test, epochs=arguments.epochs if single else fine_tune_epochs, seed=arguments.seed,
            validation=validation, callbacks=[progress], warm_start=None if single else [done for done in results if done.name in av_mnist.SINGLE_MODALITY])
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
    from mmzoo import plots
    from mmzoo.experiments import av_mnist

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
    from mmzoo import robustness
    from mmzoo.experiments import av_mnist

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
    import matplotlib.pyplot as plt

    plt.close(figure)


def epochs_text(epochs):
    """Says how long each model trains: the single-modality models, then the warm-started fusions."""
    from mmzoo.training import recipe

    return (f"{epochs} epoch(s) for the single-modality models, then {recipe.fine_tune_epochs(epochs)} for each "
            "fusion, started from their branches")


def demo(arguments):
    """Runs `mmzoo demo`: trains and judges every model, prints the table, writes the run folder.

    Args:
        arguments: The parsed `demo` arguments, with defaults filled in.
    """
    from mmzoo import export
    from mmzoo.training import recipe

    start = time.perf_counter()
    print("Loading AV-MNIST ...", flush=True)
    train, validation, test = load_data(arguments)
    print(f"{len(train[1])} training pairs, {len(validation[1])} validation pairs, {len(test[1])} test pairs; "
          f"{epochs_text(arguments.epochs)}", flush=True)
    results, reference = train_all(train, validation, test, arguments)
    table = results_markdown(results, reference)
    print("\n" + table)
    print("Saving the plots, the robustness curve and the best model ...", flush=True)
    folder = f"{arguments.out}.partial-{os.getpid()}"
    os.makedirs(folder)
    measured = save_plots(results, reference, test, folder)
    best = max(results, key=lambda result: result.accuracy)
    export.save_keras(best.model, os.path.join(folder, "best_model.keras"))
    settings = {"epochs": arguments.epochs, "fine_tune_epochs": recipe.fine_tune_epochs(arguments.epochs),
                "seed": arguments.seed, "train_pairs": int(len(train[1])),
                "validation_pairs": int(len(validation[1])), "test_pairs": int(len(test[1])),
                "quick": arguments.quick}
    with open(os.path.join(folder, "results.md"), "w", encoding="utf-8") as handle:
        handle.write(
            "# mmzoo demo: AV-MNIST\n\n"
            f"{settings['train_pairs']} training pairs, {settings['test_pairs']} test pairs of a speaker never "
            f"heard in training; {epochs_text(arguments.epochs)}; seed {settings['seed']}"
            f"{' (--quick)' if arguments.quick else ''}.\n\n{table}\nBest model: {best.name}\n"
        )
    common.write_json(os.path.join(folder, "results.json"),
               {"settings": settings, "results": [result.row() for result in results], "best_model": best.name,
                "reference": {**reference, "model": REFERENCE}, "robustness": measured})
    os.rename(folder, arguments.out)
    print(f"Best model: {best.name} ({best.accuracy:.2%}). Run folder: {arguments.out} "
          f"({time.perf_counter() - start:.0f} s)")
