"""Losses and metrics chosen from a model's heads, and `compile`."""

import keras

from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.heads import heads_of, takes_labels

LOSSES = {
    "multiclass": keras.losses.SparseCategoricalCrossentropy,
    "binary": keras.losses.BinaryCrossentropy,
    "multilabel": keras.losses.BinaryCrossentropy,
    "regression": keras.losses.MeanSquaredError,
}


def head_losses(model, reduction="sum_over_batch_size"):
    """Returns one loss object per output, chosen from the output's head.

    Sparse categorical cross-entropy for "multiclass", binary cross-entropy
    for "binary" and "multilabel", mean squared error for "regression".

    Args:
        model: A model whose outputs end in `Prediction` layers.
        reduction: Reduction of the loss objects; `None` gives one loss per
            example (for a distributed training loop).

    Returns:
        Dict `{output name: keras.losses.Loss}`.
    """
    return {name: LOSSES[layer.task](reduction=reduction, name=f"{name}_loss")
            for name, layer in heads_of(model).items()}


def head_metrics(model):
    """Returns new metric objects per output, chosen from the output's head.

    Accuracy for "multiclass"; accuracy and ROC AUC for "binary" and
    "multilabel" (one AUC over all labels); mean absolute error for
    "regression".

    Args:
        model: A model whose outputs end in `Prediction` layers.

    Returns:
        Dict `{output name: [keras.metrics.Metric, ...]}`.
    """
    metrics = {}
    for name, layer in heads_of(model).items():
        if layer.task == "multiclass":
            metrics[name] = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
        elif layer.task in ("binary", "multilabel"):
            metrics[name] = [keras.metrics.BinaryAccuracy(name="accuracy"), keras.metrics.AUC(name="auc")]
        else:
            metrics[name] = [keras.metrics.MeanAbsoluteError(name="mae")]
    return metrics


def head_loss_weights(model):
    """Returns `{output name: loss weight}` as recorded by the heads."""
    return {name: layer.loss_weight for name, layer in heads_of(model).items()}


def make_optimizer(optimizer="adam", learning_rate=None):
    """Returns a Keras optimizer from a name or an optimizer, at a learning rate.

    Args:
        optimizer: A Keras optimizer name ("adam", "sgd", ...) or a
            `keras.optimizers.Optimizer`.
        learning_rate: A positive float, a
            `keras.optimizers.schedules.LearningRateSchedule`, or None for
            the optimizer's default.

    Returns:
        A `keras.optimizers.Optimizer`: the one given, or, with a schedule, a
        new one built from its config (its state is not kept).

    Raises:
        ValueError: the optimizer name is unknown or the learning rate is
            not positive.
        TypeError: an argument has the wrong type.
    """
    if learning_rate is not None and not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)):
            raise ArgumentTypeError(
                "`learning_rate` must be a positive number or a LearningRateSchedule. "
                f"Received: learning_rate={learning_rate!r}"
            )
        if learning_rate <= 0:
            raise ConfigurationError(f"`learning_rate` must be positive. Received: learning_rate={learning_rate!r}")
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer if learning_rate is None else _at_rate(optimizer, learning_rate)
    if not isinstance(optimizer, str):
        raise ArgumentTypeError(
            "`optimizer` must be an optimizer name such as 'adam' or a keras.optimizers.Optimizer. "
            f"Received: optimizer={optimizer!r}"
        )
    try:
        instance = keras.optimizers.get(optimizer)
    except ValueError as error:
        raise ConfigurationError(
            f"Unknown optimizer {optimizer!r}; use a Keras optimizer name such as 'adam', "
            f"'sgd' or 'rmsprop'. Received: optimizer={optimizer!r}"
        ) from error
    return instance if learning_rate is None else _at_rate(instance, learning_rate)


def _at_rate(optimizer, learning_rate):
    """Returns the optimizer at a learning rate; for a schedule, a new optimizer built from its config.

    Setting a schedule on an optimizer made with a fixed rate replaces its
    learning-rate variable in its tracked variable list, and TensorFlow then
    refuses to export the model as a SavedModel ("Unable to save the object
    ListWrapper"): so the optimizer is built anew with the schedule.
    """
    if isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        return type(optimizer).from_config({**optimizer.get_config(), "learning_rate": learning_rate})
    optimizer.learning_rate = learning_rate
    return optimizer


def _single_or_dict(model, values):
    return next(iter(values.values())) if len(model.outputs) == 1 else values


def compile(model, optimizer="adam", learning_rate=None, jit_compile="auto"):
    """Compiles a model with the losses and metrics its heads call for.

    | head task    | loss                            | metrics        |
    |--------------|---------------------------------|----------------|
    | `multiclass` | sparse categorical cross-entropy | accuracy       |
    | `binary`     | binary cross-entropy            | accuracy, AUC  |
    | `multilabel` | binary cross-entropy            | accuracy, AUC  |
    | `regression` | mean squared error              | MAE            |

    A multitask model gets one loss per output, weighted by the heads'
    `loss_weight`. A model without heads that carries its own loss
    (`mmzoo.heads.takes_labels` is False: `mmzoo.retrieval.dual_encoder`)
    gets its optimizer alone: its loss is in `model.losses`. Under a `tf.distribute` strategy, call it inside
    `strategy.scope()` (as `mmzoo.training.fit` does).

    Example:
        >>> model = mmzoo.build_model({"audio": branches.dense(64)}, head=heads.binary())
        >>> model = mmzoo.training.compile(model, learning_rate=1e-3)

    Args:
        model: A model built by `mmzoo.build_model`, or a dual encoder.
        optimizer: A Keras optimizer name or `keras.optimizers.Optimizer`.
        learning_rate: A positive float or a learning-rate schedule; None
            keeps the optimizer's own.
        jit_compile: Passed to `keras.Model.compile`.

    Returns:
        The same model, compiled.

    Raises:
        TypeError: `model` is not a Keras model, or `optimizer` or
            `learning_rate` has the wrong type.
        ValueError: an output was not made by an mmzoo head, the optimizer
            name is unknown, or the learning rate is not positive.
    """
    optimizer = make_optimizer(optimizer, learning_rate)
    if not takes_labels(model):
        model.compile(optimizer=optimizer, jit_compile=jit_compile)
        return model
    losses = head_losses(model)
    model.compile(
        optimizer=optimizer,
        loss=_single_or_dict(model, losses),
        loss_weights=_single_or_dict(model, head_loss_weights(model)),
        metrics=_single_or_dict(model, head_metrics(model)),
        jit_compile=jit_compile,
    )
    return model
