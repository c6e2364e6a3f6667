"""The `mmzoo train dual_encoder` path: contrastive training on pairs, retrieval metrics, item indexes.

The data is loaded by `mmzoo.cli.train.run` (bundled AV-MNIST pairs, or the
rows of a manifest decoded as for a fusion); this module checks the
arguments, builds the model, trains it on the pairs and writes the indexes.
"""

import os
import sys
import time

from mmzoo.cli import common
from mmzoo.cli import presets as preset_options

CONTRASTIVE_MODELS = ("dual_encoder",)
"""Zoo entries trained on pairs without labels (their entry has no `num_classes`)."""

LOSSES = ("softmax", "sigmoid")
"""The `--loss` choices: `mmzoo.layers.contrastive_loss.LOSSES`, named here to keep TensorFlow out of argument parsing."""


def add_arguments(parser):
    """Adds the options of `mmzoo train` that only a dual encoder takes.

    Args:
        parser: The `train` subcommand's parser.
    """
    group = parser.add_argument_group("dual_encoder")
    group.add_argument("--class-aware", action="store_true",
                       help="train on the pairs and their labels (supervised contrastive loss and class prototypes "
                            "shared by the modalities, what `mmzoo search --by-class` uses); needs the label column")
    group.add_argument("--loss", choices=LOSSES,
                       help="the contrastive loss: softmax (CLIP's) or sigmoid (SigLIP's, with a learned bias) "
                            "(default: softmax, or the preset's own with --joint-space)")
    group.add_argument("--joint-space", action="store_true",
                       help="with --image-preset and --text-preset naming one two-tower preset (CLIP, SigLIP): "
                            "embed into the preset's own joint space (its pooling and projections) instead of new "
                            "projections, so search works as with the preset itself; training then fits only its "
                            "temperature (and SigLIP's bias), starting from the preset's own, with its own loss")


def check(arguments):
    """Refuses, before TensorFlow is imported, data a contrastive model cannot train on.

    Args:
        arguments: The parsed `train` arguments.

    Raises:
        UsageError: `--data synthetic`, a manifest with fewer than two
            modality columns named, `--class-aware`, `--loss` or
            `--joint-space` for another model, or `--joint-space` without
            one preset for the images and texts.
    """
    if arguments.class_aware and arguments.name not in CONTRASTIVE_MODELS:
        raise common.UsageError(f"--class-aware is an option of {', '.join(CONTRASTIVE_MODELS)}; "
                                f"{arguments.name} learns the classes anyway")
    for option, given in (("--loss", arguments.loss), ("--joint-space", arguments.joint_space)):
        if given and arguments.name not in CONTRASTIVE_MODELS:
            raise common.UsageError(f"{option} is an option of {', '.join(CONTRASTIVE_MODELS)}, "
                                    f"received NAME {arguments.name}")
    if arguments.joint_space:
        _check_joint_space(arguments)
    if arguments.name not in CONTRASTIVE_MODELS or arguments.data == "av_mnist":
        return
    if arguments.data in common.BUNDLED_DATA:
        raise common.UsageError(f"{arguments.name} trains on pairs: the bundled 'av_mnist' (--data av_mnist) or a "
                                f"manifest CSV, received --data {arguments.data!r}")
    given = [f"{common.COLUMN_OPTIONS[modality]} {getattr(arguments, f'{modality}_col')}"
             for modality in common.MODALITIES if getattr(arguments, f"{modality}_col")]
    if len(given) < 2:
        raise common.UsageError(f"{arguments.name} pairs two or three modalities of a manifest: name two or three of "
                                f"--image-col, --text-col and --audio-col, received {', '.join(given) or 'none'}")


def _check_joint_space(arguments):
    """Refuses `--joint-space` unless the images and texts, alone, go through one preset."""
    image, text = arguments.image_preset, arguments.text_preset
    audio = [f", {option} {value}" for option, value in
             (("--audio-col", arguments.audio_col), ("--audio-preset", arguments.audio_preset)) if value]
    if not image or image != text or audio:
        raise common.UsageError(
            "--joint-space searches the joint image-text space of one two-tower preset (CLIP, SigLIP): give "
            "--image-preset and --text-preset the same preset, and no audio; received --image-preset "
            f"{image}, --text-preset {text}{''.join(audio)}")


def read_pairs(arguments):
    """Reads a manifest of pairs; its label column is optional unless `--label-col` or `--class-aware` asks for it.

    Args:
        arguments: The parsed `train` arguments (a manifest `--data`).

    Returns:
        A tuple `(frame, columns)`: the `DataFrame` and `{modality: column}`,
        with "label" when the manifest has the label column (the default
        "label", or the one `--label-col` names).

    Raises:
        UsageError: see `mmzoo.cli.common.read_manifest`; a `--label-col`
            that is not a column, or no label column with `--class-aware`.
    """
    columns = common.columns(arguments)
    if arguments.label_col or getattr(arguments, "class_aware", False):  # `mmzoo prepare` has no --class-aware
        return common.read_manifest(arguments.data, columns), columns
    modalities = {key: column for key, column in columns.items() if key != "label"}
    frame = common.read_manifest(arguments.data, modalities)
    return frame, (columns if columns["label"] in frame.columns else modalities)


def builder(shapes, vocab_size, num_classes=None, presets=None, loss=None, joint_space=False):
    """Returns a function building a dual encoder on the data's modalities.

    Args:
        shapes: `{modality: per-sample shape}` of the training inputs (two or three).
        vocab_size: Number of token ids of the texts.
        num_classes: None to train on the pairs alone, or the number of
            classes of the class-aware dual encoder (`--class-aware`).
        presets: `{modality: keras-hub preset}` of the modalities whose
            tower is a frozen pretrained encoder (`--image-preset`, ...), or None.
        loss: The contrastive loss (`--loss`), or None for the default.
        joint_space: Whether the image and text presets, one two-tower
            preset, embed into their own joint space (`--joint-space`).

    Returns:
        A function without arguments returning an uncompiled
        `mmzoo.retrieval.dual_encoder` whose branches are those of
        `mmzoo.branches.for_input`, or the presets' encoders.
    """
    from mmzoo import retrieval
    from mmzoo.zoo.pretrained import joint_space_loss

    if joint_space:  # read once, not at every build
        settings = {"embedding_dim": None, **joint_space_loss(presets["image"], loss=loss)}
    else:
        settings = {"loss": loss or "softmax"}

    def build():
        encoders = preset_options.branches_for(shapes, vocab_size, presets,
                                               pooling="embedding" if joint_space else "vector")
        return retrieval.dual_encoder(encoders, num_classes=num_classes, **settings)

    return build


def run(arguments, strategy, build, data, row_ids, model_file, checkpoint_dir, chief=True):
    """Trains a dual encoder on pairs, measures retrieval on the test split and writes its indexes.

    The model trains as the fusions do, with `mmzoo.training.fit` (its
    recipe: Adam with a cosine-decayed learning rate), on the pairs of the
    training split, under the strategy `--strategy` names, as the fusions
    (`--batch-size` is per replica), with the validation pairs' loss as
    "val_loss" when the data has a validation split. The labels, when the
    data has them, are used only by a class-aware model (`--class-aware`:
    they enter as its "label" input). `checkpoint_dir` keeps the best model
    and the training backup: the same command run again after a crash
    resumes after the last epoch done. Writes into `--out` one `Index` of
    the test split's items per modality (`mmzoo.retrieval.index_path`):
    what `mmzoo search` searches; the caller writes the model, history and
    metrics.

    Args:
        arguments: The parsed `train` arguments.
        strategy: The `--strategy` name, or the strategy it stands for
            (`mmzoo.cli.train.cluster_strategy`).
        build: A function without arguments returning the model (`builder`).
        data: `{split: data}`: `(inputs, labels)` arrays or unbatched
            datasets of `(inputs, labels)` or of `inputs`.
        row_ids: `{split: manifest row ids}`, or None (bundled data: the ids
            are the positions in the test split).
        model_file: The model's file name inside `--out`.
        checkpoint_dir: Folder of the best model and the training backup
            inside `--out`.
        chief: Whether this process writes the indexes (False on the other
            workers of a cluster).

    Returns:
        A tuple `(model, history, metrics)`: the trained model, `{metric:
        per-epoch values}` and the metrics of `metrics.json` ("retrieval":
        `mmzoo.evaluation.cross_modal_metrics` of the test split, class
        level when the data has labels).
    """
    from mmzoo import evaluation, retrieval, training

    strategy = training.get_strategy(strategy)
    samples, batch_size = common.size(data["train"]), arguments.batch_size * strategy.num_replicas_in_sync
    pairs = "pairs and their labels" if arguments.class_aware else "pairs"
    print(f"{common.training_action(checkpoint_dir)} {arguments.name!r} on {samples} {arguments.data} {pairs} into {arguments.out} "
          f"({strategy.num_replicas_in_sync} replica(s), batch {batch_size})", flush=True)
    start = time.perf_counter()
    validation = data.get("validation")
    model, history = training.fit(
        build, _training_inputs(data["train"], arguments.class_aware),
        validation=None if validation is None else _training_inputs(validation, arguments.class_aware),
        epochs=arguments.epochs, batch_size=arguments.batch_size, strategy=strategy, seed=arguments.seed,
        checkpoint_dir=checkpoint_dir, learning_rate="cosine", verbose=1 if sys.stdout.isatty() else 2,
        cache_frozen=bool(preset_options.chosen(arguments)))
    seconds = time.perf_counter() - start
    embeddings, labels = _embed_split(model, data["test"], batch_size)
    metrics = evaluation.cross_modal_metrics(embeddings, labels)
    path = os.path.join(arguments.out, model_file)
    ids = row_ids["test"] if row_ids else None
    for modality, values in embeddings.items() if chief else ():
        os.makedirs(arguments.out, exist_ok=True)
        retrieval.Index(modality=modality).add(values, ids=ids).save(retrieval.index_path(path, modality))
    return model, history.history, {"batch_size": batch_size, "split": "test", "class_aware": arguments.class_aware,
                                    "samples": len(next(iter(embeddings.values()))),
                                    "training_seconds": round(seconds, 2), "retrieval": metrics}


def _training_inputs(data, class_aware):
    """The inputs `fit` takes: the pairs' inputs, with their labels (if any) as a class-aware model's "label" input."""
    if isinstance(data, tuple):
        return {**data[0], "label": data[1]} if class_aware else data[0]
    if not isinstance(data.element_spec, tuple):
        return data
    return data.map(lambda inputs, label: {**inputs, "label": label} if class_aware else inputs)


def _embed_split(model, data, batch_size):
    """Returns `({modality: embeddings}, labels or None)` of a split, embedded batch by batch."""
    import numpy as np

    from mmzoo import retrieval

    modalities = retrieval.modalities_of(model)
    if isinstance(data, tuple):
        return {modality: retrieval.embed(model, data[0], modality) for modality in modalities}, data[1]
    parts, labels = {modality: [] for modality in modalities}, []
    for element in data.batch(batch_size).as_numpy_iterator():
        inputs = element[0] if isinstance(element, tuple) else element
        for modality in modalities:
            parts[modality].append(retrieval.embed(model, inputs, modality, batch_size=batch_size))
        if isinstance(element, tuple):
            labels.append(element[1])
    return ({modality: np.concatenate(values) for modality, values in parts.items()},
            np.concatenate(labels) if labels else None)


def summary(metrics):
    """Returns the one-line summary of the retrieval metrics: recall@1 of every direction.

    Args:
        metrics: `mmzoo.evaluation.cross_modal_metrics` results.

    Returns:
        A string, the class level when measured, else the instance level.
    """
    return "test " + ", ".join(
        f"{direction} {level} recall@1 {levels[level]['recall@1']:.4f}"
        for direction, levels in metrics.items() for level in (("class",) if "class" in levels else ("instance",)))
