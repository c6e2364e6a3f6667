"""The `mmzoo train dual_encoder` path: contrastive training on pairs, retrieval metrics, item indexes.

TensorFlow is imported by the caller (`mmzoo.cli.train.run`) before this runs.
"""

import math
import os
import sys
import time

from mmzoo.cli import common

CONTRASTIVE_MODELS = ("dual_encoder",)
"""Zoo entries trained on pairs without labels (their entry has no `num_classes`)."""


def check(arguments):
    """Refuses, before TensorFlow is imported, data a contrastive model cannot train on yet.

    Args:
        arguments: The parsed `train` arguments.

    Raises:
        UsageError: `--data` is not "av_mnist" (manifests of pairs are not supported yet).
    """
    if arguments.name in CONTRASTIVE_MODELS and arguments.data != "av_mnist":
        raise common.UsageError(f"{arguments.name} trains on the bundled pairs of 'av_mnist' only for now "
                                f"(--data av_mnist), received --data {arguments.data!r}")


def run(arguments, model_file):
    """Trains a contrastive zoo model on bundled pairs and writes its folder.

    Writes the model, history.json, metrics.json (recall@1/5/10, median
    rank and MRR both ways on the test split, class and instance level) and
    one `Index` of the test split's items per modality
    (`mmzoo.retrieval.index_path`), whose ids are the test rows: what
    `mmzoo search` searches.

    Args:
        arguments: The parsed `train` arguments.
        model_file: The model's file name inside `--out`.

    Raises:
        UsageError: a folder that exists already.
    """
    from mmzoo import datasets, evaluation, export, retrieval, zoo
    from mmzoo.training import recipe
    from mmzoo.training.compiling import make_optimizer

    if os.path.exists(arguments.out):
        common.check_new_path(arguments.out)
    import keras

    train, test = (datasets.load(arguments.data, split=split, as_dataset=False) for split in ("train", "test"))
    batch_size = arguments.batch_size
    keras.utils.set_random_seed(arguments.seed)
    model = zoo.build(arguments.name)
    steps = math.ceil(len(train[1]) / batch_size)
    model.compile(optimizer=make_optimizer("adam", recipe.learning_rate(steps, arguments.epochs)))
    print(f"Training {arguments.name!r} on {len(train[1])} unlabelled {arguments.data} pairs into {arguments.out}",
          flush=True)
    start = time.perf_counter()
    history = model.fit(train[0], epochs=arguments.epochs, batch_size=batch_size,
                        verbose=1 if sys.stdout.isatty() else 2)
    seconds = time.perf_counter() - start
    embeddings = {modality: retrieval.embed(model, test[0], modality) for modality in retrieval.modalities_of(model)}
    metrics = evaluation.cross_modal_metrics(embeddings, test[1])
    os.makedirs(arguments.out)
    path = os.path.join(arguments.out, model_file)
    for modality, values in embeddings.items():
        retrieval.Index(modality=modality).add(values).save(retrieval.index_path(path, modality))
    export.save_keras(model, path)
    common.write_json(os.path.join(arguments.out, "history.json"),
                      {key: [float(value) for value in values] for key, values in history.history.items()})
    common.write_json(os.path.join(arguments.out, "metrics.json"),
                      {"model": arguments.name, "data": arguments.data, "epochs": arguments.epochs,
                       "batch_size": batch_size, "split": "test", "samples": len(test[1]),
                       "training_seconds": round(seconds, 2), "retrieval": metrics})
    summary = ", ".join(f"{direction} class recall@1 {levels['class']['recall@1']:.4f}"
                        for direction, levels in metrics.items())
    print(f"test {summary}; saved {path}")
