"""`fit`: build, compile and train a model on any strategy, with checkpoints and resumption."""

import logging
import os
import re

import keras
import tensorflow as tf

from mmzoo._checks import check_bool, check_non_negative_int, check_positive_int, check_positive_number
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.heads import takes_labels
from mmzoo.training import distributed_loop, recipe
from mmzoo.training.auxiliary import with_auxiliary_heads
from mmzoo.training.caching import cache_features, feature_model, frozen_branches
from mmzoo.training.checkpoints import BackupAndRestore, BestModelCheckpoint
from mmzoo.training.compiling import compile as compile_model
from mmzoo.training.data import check_data, to_dataset
from mmzoo.training.precision import dtype_policy, mixed_policy_name
from mmzoo.training.strategy import (KerasDataParallel, check_backend, choose_strategy, get_strategy, is_chief,
                                     is_multi_worker, training_scope)
from mmzoo.training.values import LossGuard

logger = logging.getLogger(__name__)

BEST_MODEL_FILE = "best.keras"
BACKUP_FOLDER = "backup"


def _check_arguments(build_fn_or_model, train, validation, epochs, batch_size, strategy,
                     checkpoint_dir, mixed_precision, early_stopping, seed, cache_frozen,
                     callbacks, shuffle, verbose):
    if not isinstance(build_fn_or_model, keras.Model) and not callable(build_fn_or_model):
        raise ArgumentTypeError(
            "`build_fn_or_model` must be a function returning a keras.Model (built inside the "
            "strategy's scope) or a keras.Model. "
            f"Received: build_fn_or_model={build_fn_or_model!r}"
        )
    for name, data in (("train", train), ("validation", validation)):
        if name == "validation" and data is None:
            continue
        if not isinstance(data, (tf.data.Dataset, tuple, list, dict)):
            raise ArgumentTypeError(
                f"`{name}` must be a tf.data.Dataset of (inputs, labels) or a tuple (inputs, labels) "
                f"of numpy arrays (for a dual encoder: inputs alone, a dict of arrays or a dataset of dicts). "
                f"Received: {name} of type {type(data).__name__}"
            )
    check_positive_int("epochs", epochs)
    check_positive_int("batch_size", batch_size)
    if isinstance(strategy, KerasDataParallel):
        pass
    elif not isinstance(strategy, tf.distribute.Strategy):
        choose_strategy(strategy)
    elif strategy is not tf.distribute.get_strategy():
        check_backend("given", strategy)
    if checkpoint_dir is not None and not isinstance(checkpoint_dir, (str, os.PathLike)):
        raise ArgumentTypeError(
            f"`checkpoint_dir` must be a folder path or None. Received: checkpoint_dir={checkpoint_dir!r}"
        )
    if checkpoint_dir is not None and os.path.exists(checkpoint_dir) and not os.path.isdir(checkpoint_dir):
        raise ConfigurationError(
            "`checkpoint_dir` must be a folder (created if missing), and a file of that name exists: give "
            f"another path or move the file. Received: checkpoint_dir={os.fspath(checkpoint_dir)!r}"
        )
    for name, value in (("mixed_precision", mixed_precision), ("cache_frozen", cache_frozen),
                        ("shuffle", shuffle)):
        check_bool(name, value)
    if early_stopping is not None and not isinstance(early_stopping, keras.callbacks.EarlyStopping):
        check_positive_int("early_stopping", early_stopping)
    check_non_negative_int("seed", seed, allow_none=True)
    if not isinstance(callbacks, (list, tuple)) or not all(
            isinstance(callback, keras.callbacks.Callback) for callback in callbacks):
        raise ArgumentTypeError(
            f"`callbacks` must be a list of keras.callbacks.Callback. Received: callbacks={callbacks!r}"
        )
    if verbose not in ("auto", 0, 1, 2):
        raise ConfigurationError(f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")


def _check_prebuilt(model, strategy, mixed_precision):
    """Raises when a model built beforehand cannot train as asked."""
    if isinstance(strategy, str):
        kind, reason = choose_strategy(strategy)
        if kind != "default":
            raise ConfigurationError(
                f"A model built beforehand cannot be placed on the {kind} strategy ({reason}): pass "
                "a function that builds it, e.g. fit(lambda: mmzoo.build_model(...), ...), so that "
                f"it is built inside the strategy's scope. Received: strategy={strategy!r}"
            )
    if mixed_precision and not model.dtype_policy.name.startswith("mixed"):
        raise ConfigurationError(
            "mixed_precision=True needs the model's layers to be created under the mixed "
            "policy: pass a function that builds the model. Received: mixed_precision=True"
        )


def _check_placement(model, strategy):
    unplaced = [variable.path for variable in model.variables
                if not strategy.extended.variable_created_in_scope(variable.value)]
    if unplaced:
        raise ConfigurationError(
            f"The model's variables were not created in {type(strategy).__name__}.scope() "
            f"(e.g. {unplaced[0]}): pass a function that builds the model instead. "
            f"Received: strategy={strategy!r}"
        )


def _build(build_fn_or_model, strategy, policy):
    if isinstance(build_fn_or_model, keras.Model):
        return build_fn_or_model
    with strategy.scope(), dtype_policy(policy):
        model = build_fn_or_model()
    if not isinstance(model, keras.Model):
        raise ArgumentTypeError(
            "`build_fn_or_model` must return a keras.Model. "
            f"Received: build_fn_or_model returning {type(model).__name__}"
        )
    return model


def _early_stopping(early_stopping, monitor):
    if early_stopping is None or isinstance(early_stopping, keras.callbacks.EarlyStopping):
        return early_stopping
    return keras.callbacks.EarlyStopping(monitor=monitor, patience=early_stopping, restore_best_weights=True)


def _cache_frozen(model, strategy, train, validation, global_batch_size):
    """Returns `(model to train, train, validation)`, on cached features when branches are frozen."""
    frozen = frozen_branches(model)
    if not frozen:
        logger.warning("cache_frozen=True, but no input of %r feeds a frozen branch: nothing to cache.",
                       model.name)
        return model, train, validation
    logger.info("Caching the outputs of the frozen branches %s.", sorted(layer.name for layer in frozen.values()))
    train = cache_features(frozen, to_dataset(train, model, global_batch_size))
    if validation is not None:
        validation = cache_features(frozen, to_dataset(validation, model, global_batch_size))
    with strategy.scope():
        return feature_model(model, frozen), train, validation


def _steps_per_epoch(dataset):
    """The number of batches of a batched dataset, or a clear error when TensorFlow cannot tell it."""
    steps = int(dataset.cardinality())
    if steps < 1:
        raise ConfigurationError(
            "learning_rate='cosine' needs the number of steps per epoch, and this dataset's length is unknown "
            "(e.g. after filter): give a dataset of known length (`dataset.apply("
            "tf.data.experimental.assert_cardinality(n))`) or a learning rate. Received: learning_rate='cosine'"
        )
    return steps


def _labels_for_every_output(dataset, model):
    """Gives every output of an auxiliary-head model the labels of the fused output."""
    names = list(model.output_names)
    return dataset.map(lambda inputs, labels: (inputs, {name: labels for name in names}))


def _checkpointing(checkpoint_dir, trained, model, monitor, chief):
    """Restores the backup in `checkpoint_dir`, if any; returns `(callbacks, epochs already done)`."""
    if checkpoint_dir is None:
        return [], 0
    backup = BackupAndRestore(os.path.join(checkpoint_dir, BACKUP_FOLDER), chief=chief)
    initial_epoch = backup.restore(trained)
    if initial_epoch:
        logger.info("Resuming after epoch %d from %s.", initial_epoch, checkpoint_dir)
    best = BestModelCheckpoint(os.path.join(checkpoint_dir, BEST_MODEL_FILE), monitor=monitor,
                               export_model=model, chief=chief, resume=initial_epoch > 0)
    return [best, backup], initial_epoch


def fit(build_fn_or_model, train, validation=None, epochs=10, batch_size=32, strategy="auto",
        checkpoint_dir=None, mixed_precision=False, early_stopping=None, seed=None,
        cache_frozen=False, optimizer="adam", learning_rate=None, callbacks=(), shuffle=True,
        verbose="auto", auxiliary_heads=None):
    """Builds, compiles and trains a model on one device, several GPUs or several machines.

    The model is built by `build_fn_or_model` inside the strategy's scope
    (under the mixed policy if asked), compiled with the losses and metrics
    its heads call for (`mmzoo.training.compile`), and trained with
    `keras.Model.fit`, or under `MultiWorkerMirroredStrategy` with a
    distributed training loop that gives the same result type. A model
    without heads that carries its own loss (`mmzoo.retrieval.dual_encoder`)
    trains the same way on its inputs alone: the pairs, and for a
    class-aware one their "label" input.

    With `checkpoint_dir`, the best model so far (by "val_loss", or "loss"
    without validation data) is kept as `checkpoint_dir/best.keras`, and
    the training state is backed up after every epoch in
    `checkpoint_dir/backup`: calling `fit` again with the same folder after
    a crash resumes at the epoch where the run died. Files are written to a
    temporary name and renamed, so none is ever half-written; in a cluster
    only the chief writes there, and the folder must be one every process
    reads (a shared file system), since each restores the chief's backup.

    Example:
        >>> inputs, labels = mmzoo.datasets.synthetic.generate(1000, task="image+audio")
        >>> def build():
        ...     return mmzoo.build_model(
        ...         {"image": branches.conv2d(input_shape=(32, 32, 1)),
        ...          "audio": branches.dense(input_dim=64)},
        ...         head=heads.multiclass(2))
        >>> model, history = fit(build, (inputs, labels), epochs=5,
        ...                      checkpoint_dir="runs/demo", seed=0)

    Args:
        build_fn_or_model: A function without arguments returning a model
            built by `mmzoo.build_model` or `mmzoo.retrieval.dual_encoder`,
            or such a model (only with the default strategy, since its
            variables already live somewhere).
        train: A `tf.data.Dataset` of `(inputs, labels)` (single samples,
            batched here, or batches, used as they are) or a tuple
            `(inputs, labels)` of numpy arrays. `inputs` is a dict keyed by
            the model's input names; `labels` an array, or a dict keyed by
            output name for a multitask model. For a dual encoder, the
            inputs alone: a dict of arrays, or a dataset of such dicts.
        validation: Validation data in the same forms, or None.
        epochs: Number of epochs, a positive integer.
        batch_size: Samples per replica and step; the global batch is
            `batch_size * strategy.num_replicas_in_sync`. Not used for a
            dataset that is already batched.
        strategy: A name for `mmzoo.training.get_strategy` ("auto",
            "default", "mirrored", "multi_worker", "tpu"), a
            `tf.distribute.Strategy`, or the `KerasDataParallel` it gives on
            JAX. On JAX, "multi_worker" (or "auto" in
            a cluster) trains over the processes of
            `strategy.JAX_CLUSTER_VARIABLES`: every process runs the same
            call on the same data; each takes its share of every batch;
            numpy data is shuffled alike in every process (with `seed`, or
            seed 0 when it is None) and its last, smaller batch is left
            out (a `tf.data.Dataset` must give whole batches).
        checkpoint_dir: Folder of the best model and the backup, or None.
        mixed_precision: Whether to compute in float16 (GPU) or bfloat16
            (CPU, TPU) with float32 weights; heads' outputs stay float32.
        early_stopping: None, a patience (stop after that many epochs
            without improvement of the monitored loss and restore the best
            weights) or a `keras.callbacks.EarlyStopping`.
        seed: An integer makes a CPU run reproducible: it seeds Python,
            NumPy, TensorFlow and Keras and enables TensorFlow's op
            determinism (for the rest of the process).
        cache_frozen: Whether to compute the outputs of frozen branches
            (such as the default VGG16 branch, or a preset encoder, also
            inside a dual encoder's `<modality>_encoder`) once and train
            the rest of the network on them. The returned model still
            takes raw inputs.
        optimizer: A Keras optimizer name or optimizer.
        learning_rate: A positive float or schedule, None for the
            optimizer's default, or "cosine": `mmzoo.training.recipe`'s
            cosine decay from 1e-3 to zero over the run's steps (the default
            of `mmzoo train`; a dataset must then have a known length).
        callbacks: More Keras callbacks.
        shuffle: Whether to shuffle numpy data every epoch.
        verbose: 0, 1 (progress bar), 2 (one line per epoch) or "auto".
        auxiliary_heads: None, or the loss weight of an auxiliary classifier
            trained on each branch's features beside the fused output
            (`with_auxiliary_heads`; `mmzoo.training.recipe.AUXILIARY_WEIGHT`
            is the measured default of `mmzoo train`), against a fusion that
            under-trains a modality. The returned model has no auxiliary
            heads; the history then logs each output's loss and metrics
            (e.g. "label_accuracy", "image_auxiliary_loss"), "loss" being
            their weighted sum.

    Returns:
        A tuple `(model, history)`: the trained model (taking raw inputs)
        and a `keras.callbacks.History` whose `.history` maps "loss",
        metric names and their "val_" versions to per-epoch values.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: an argument has a bad value (unknown strategy name,
            non-positive epochs or batch size), the data's keys do not match
            the model's inputs or outputs, labels do not fit a head, or a
            model built beforehand is given with a non-default strategy.
            Also during training: the loss became NaN or inf (the message
            names the batch), or a later batch holds a class id outside the
            head.
    """
    _check_arguments(build_fn_or_model, train, validation, epochs, batch_size, strategy,
                     checkpoint_dir, mixed_precision, early_stopping, seed, cache_frozen,
                     callbacks, shuffle, verbose)
    check_positive_number("auxiliary_heads", auxiliary_heads, allow_none=True)
    if isinstance(learning_rate, str) and learning_rate != "cosine":
        raise ConfigurationError(
            "`learning_rate` must be a positive number, a LearningRateSchedule, 'cosine' or None. "
            f"Received: learning_rate={learning_rate!r}"
        )
    if auxiliary_heads is not None and cache_frozen:
        raise ConfigurationError(
            "Auxiliary heads train the branches, and cached frozen branches cannot train: use one or the "
            f"other. Received: auxiliary_heads={auxiliary_heads!r}, cache_frozen=True"
        )
    if isinstance(build_fn_or_model, keras.Model):
        _check_prebuilt(build_fn_or_model, strategy, mixed_precision)
    strategy = get_strategy(strategy)
    if seed is not None:
        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()
    if isinstance(build_fn_or_model, keras.Model):
        _check_placement(build_fn_or_model, strategy)
    policy = mixed_policy_name(strategy) if mixed_precision else None
    model = _build(build_fn_or_model, strategy, policy)
    if auxiliary_heads is not None and not takes_labels(model):
        raise ConfigurationError(
            f"Auxiliary heads classify each branch's features, and {model.name!r} has no head and no labels to "
            f"train them on: leave auxiliary_heads=None. Received: auxiliary_heads={auxiliary_heads!r}"
        )
    check_data(train, "train", model)
    if validation is not None:
        check_data(validation, "validation", model)

    global_batch_size = batch_size * strategy.num_replicas_in_sync
    trained, train, validation = (_cache_frozen(model, strategy, train, validation, global_batch_size)
                                  if cache_frozen else (model, train, validation))
    # Processes that split every batch between them must shuffle alike and see whole batches.
    processes = getattr(strategy, "num_processes", 1)
    train_data = to_dataset(train, trained, global_batch_size, shuffle=shuffle,
                            seed=0 if seed is None and processes > 1 else seed, drop_remainder=processes > 1)
    validation_data = None if validation is None else to_dataset(validation, trained, global_batch_size,
                                                                 drop_remainder=processes > 1)
    if auxiliary_heads is not None:
        with strategy.scope():
            trained = with_auxiliary_heads(trained, auxiliary_heads)
        train_data, validation_data = (None if data is None else _labels_for_every_output(data, trained)
                                       for data in (train_data, validation_data))

    monitor = "loss" if validation is None else "val_loss"
    chief = is_chief(strategy)
    if isinstance(learning_rate, str) and learning_rate == "cosine":
        learning_rate = recipe.learning_rate(_steps_per_epoch(train_data), epochs)
    with strategy.scope():
        compile_model(trained, optimizer=optimizer, learning_rate=learning_rate)
        if trained is not model:
            compile_model(model, optimizer=trained.optimizer)
        all_callbacks, initial_epoch = _checkpointing(checkpoint_dir, trained, model, monitor, chief)
    stopper = _early_stopping(early_stopping, monitor)
    all_callbacks = [LossGuard("train")] + all_callbacks + ([stopper] if stopper else []) + list(callbacks)

    try:
        if is_multi_worker(strategy):
            history = distributed_loop.train(trained, strategy, train_data, validation_data, epochs=epochs,
                                             initial_epoch=initial_epoch, callbacks=all_callbacks,
                                             verbose=verbose if chief else 0)
        else:
            with training_scope(strategy):
                history = trained.fit(train_data, validation_data=validation_data, epochs=epochs,
                                      initial_epoch=initial_epoch, callbacks=all_callbacks, verbose=verbose,
                                      shuffle=False)
    except tf.errors.InvalidArgumentError as error:
        _raise_label_error(error)
        raise
    return model, history


def _raise_label_error(error):
    """Turns TensorFlow's out-of-range label error (a batch after the first ones) into a clear error."""
    text = str(error)
    found = re.search(r"Received a label value of (-?\d+) which is outside the valid range of \[0, (\d+)\)", text)
    if found is None and "SparseSoftmaxCrossEntropyWithLogits" in text:  # the deterministic kernel's words
        found = re.search(r"indices\[[\d,]+\] = (-?\d+) is not in \[0, (\d+)\)", text)
    if found:
        label, classes = found.groups()
        raise ConfigurationError(
            f"A label of the training or validation data is {label}, and the head has {classes} classes "
            f"(ids 0..{int(classes) - 1}): the first batches were fine, a later one is not. Fix the labels "
            f"or give the head more classes. Received: label={label}"
        ) from None
