"""The work of `mmzoo train`: data, model, training, and the files of the run folder."""

import os
import sys
import time

from mmzoo import evaluation, export, training, zoo
from mmzoo.cli import data as cli_data
from mmzoo.cli import models, settings
from mmzoo.cli.files import write_json
from mmzoo.cli.arguments import UsageError
from mmzoo.datasets import synthetic
from mmzoo.training.strategy import STRATEGY_NAMES

SPLITS = ("train", "validation", "test")


def check_strategy(strategy):
    """Checks a `--strategy` name.

    Args:
        strategy: The command-line value.

    Raises:
        UsageError: not one of `STRATEGY_NAMES`.
    """
    if strategy not in STRATEGY_NAMES:
        raise UsageError(f"--strategy must be one of {list(STRATEGY_NAMES)}, received {strategy!r}")


def fit_verbosity():
    """Returns Keras' `fit` verbosity: a live progress bar on a terminal, one line per epoch otherwise."""
    return 1 if sys.stdout.isatty() else 2


def prepare(arguments, columns):
    """Loads the data and the text vectorizer of a training run.

    Args:
        arguments: The parsed `train` arguments.
        columns: The manifest `Columns`, or None for bundled data.

    Returns:
        A tuple `(data, class_names, vectorizer, preprocessing)`; the last
        two are None when not used.
    """
    models.check_name(arguments.name)
    preprocessing = models.preprocessing_for(arguments.name, columns) if columns else None
    data, class_names = cli_data.load_splits(arguments.data, SPLITS, preprocessing)
    vectorizer = None
    if preprocessing and "text" in data["train"][0]:
        vectorizer = cli_data.fit_vectorizer(data["train"][0]["text"], preprocessing.sequence_length)
        data = cli_data.vectorize(data, vectorizer)
    if preprocessing:
        preprocessing.class_names = class_names
    return data, class_names, vectorizer, preprocessing


def builder(name, inputs, num_classes, vectorizer):
    """Returns the build function of the model and the inputs it takes.

    Args:
        name: A fusion or zoo entry name.
        inputs: Training inputs keyed by modality.
        num_classes: Number of classes.
        vectorizer: The texts' `TextVectorization`, or None.

    Returns:
        A tuple `(build function, input names)`.
    """
    vocab_size = int(vectorizer.vocabulary_size()) if vectorizer else len(synthetic.VOCABULARY)
    if name in zoo.list():
        return models.zoo_builder(name, inputs, num_classes, vocab_size), list(zoo.get_entry(name).modalities)
    return models.fusion_builder(name, inputs, num_classes, vocab_size), list(inputs)


def train(arguments, columns):
    """Runs `mmzoo train`: prepares the data, trains, saves the model, history and metrics.

    Args:
        arguments: The parsed `train` arguments.
        columns: The manifest `Columns`, or None for bundled data.
    """
    data, class_names, vectorizer, preprocessing = prepare(arguments, columns)
    build, names = builder(arguments.name, data["train"][0], len(class_names), vectorizer)
    split = {key: ({name: inputs[name] for name in names}, labels) for key, (inputs, labels) in data.items()}
    resuming = os.path.isdir(arguments.out)
    os.makedirs(arguments.out, exist_ok=True)
    print(f"{'Resuming' if resuming else 'Training'} {arguments.name!r} on {arguments.data} "
          f"({len(split['train'][1])} training samples) into {arguments.out}", flush=True)
    start = time.perf_counter()
    model, history = training.fit(
        build, split["train"], validation=split.get("validation"), epochs=arguments.epochs,
        batch_size=arguments.batch_size, strategy=arguments.strategy, seed=arguments.seed,
        checkpoint_dir=os.path.join(arguments.out, "checkpoints"), verbose=fit_verbosity(),
        learning_rate="cosine")
    seconds = time.perf_counter() - start
    metrics = judge(model, split, class_names)
    write_run(arguments, model, history.history, {**metrics, "training_seconds": round(seconds, 2)},
              vectorizer, preprocessing)
    print(f"{metrics['split']} accuracy {metrics['accuracy']:.4f}, macro F1 {metrics['macro_f1']:.4f}; "
          f"saved {os.path.join(arguments.out, 'model.keras')}")


def judge(model, split, class_names):
    """Evaluates a trained model on the test split (or validation, or train when it is the only one).

    Args:
        model: The trained model.
        split: `{split: (inputs, labels)}`.
        class_names: The label of each class id.

    Returns:
        Dict of the split used, accuracy, macro F1 and parameters.
    """
    name = next(key for key in ("test", "validation", "train") if key in split)
    report = evaluation.evaluate(model, split[name], class_names=[str(label) for label in class_names])
    output = report[model.output_names[0]]
    return {"split": name, "samples": int(len(split[name][1])), "accuracy": float(output.accuracy),
            "macro_f1": float(output.macro_f1), "parameters": int(model.count_params())}


def write_run(arguments, model, history, metrics, vectorizer, preprocessing):
    """Writes model.keras (with vocabulary and preprocessing), history.json and metrics.json.

    Args:
        arguments: The parsed `train` arguments.
        model: The trained model.
        history: `{metric: per-epoch values}`.
        metrics: Dict from `judge`, with the training time.
        vectorizer: The texts' `TextVectorization`, or None.
        preprocessing: The manifest's `Preprocessing`, or None.
    """
    path = os.path.join(arguments.out, "model.keras")
    if preprocessing:
        preprocessing.save(settings.preprocessing_path(path))
    export.save_keras(model, path, vectorizers={"text": vectorizer} if vectorizer else None)
    write_json(os.path.join(arguments.out, "history.json"),
               {key: [float(value) for value in values] for key, values in history.items()})
    write_json(os.path.join(arguments.out, "metrics.json"),
               {"model": arguments.name, "data": arguments.data, "epochs": arguments.epochs, **metrics})

