"""A distributed training loop, for strategies under which `keras.Model.fit` fails.

Keras 3 `fit` does not run under `tf.distribute.MultiWorkerMirroredStrategy`.
This loop trains the same compiled model with the same optimizer, losses,
metrics and callbacks (checkpoints, early stopping, progress bar), and
returns a `keras.callbacks.History` whose keys are those `fit` logs
("loss", "accuracy", "val_loss", ...; "<output>_loss" per output of a
multitask model). A model without heads, whose loss is all in
`model.losses` (a contrastive `mmzoo.retrieval.dual_encoder`), trains on
batches of inputs alone.
"""

import keras
import tensorflow as tf

from mmzoo.heads import takes_labels
from mmzoo.training.compiling import head_loss_weights, head_losses, head_metrics


class _Trackers:
    """The running loss and metrics of one pass (training or validation)."""

    def __init__(self, model, prefix, labelled):
        self.prefix = prefix
        self.multitask = len(model.outputs) > 1 and labelled
        self.loss = keras.metrics.Mean(name="loss")
        self.output_losses = {name: keras.metrics.Mean(name=f"{name}_loss")
                              for name in model.output_names} if self.multitask else {}
        self.metrics = head_metrics(model) if labelled else {}

    def update(self, labels, predictions, total, parts, regularization):
        self.loss.update_state(regularization if total is None else total + regularization)
        for name, tracker in self.output_losses.items():
            tracker.update_state(parts[name])
        for name, metrics in self.metrics.items():
            for metric in metrics:
                metric.update_state(labels[name], predictions[name])

    def reset(self):
        for tracker in self._all():
            tracker.reset_state()

    def _all(self):
        yield self.loss
        yield from self.output_losses.values()
        for metrics in self.metrics.values():
            yield from metrics

    def results(self):
        logs = {self.prefix + "loss": float(self.loss.result())}
        logs.update({self.prefix + tracker.name: float(tracker.result())
                     for tracker in self.output_losses.values()})
        for name, metrics in self.metrics.items():
            for metric in metrics:
                key = f"{name}_{metric.name}" if self.multitask else metric.name
                logs[self.prefix + key] = float(metric.result())
        return logs


def _by_output(model, values):
    if isinstance(values, dict):
        return values
    return {model.output_names[0]: values}


def _arguments(batch):
    """The arguments of a step: `(inputs, labels)` of a labelled batch, `(inputs,)` of a batch of inputs alone."""
    return batch if isinstance(batch, tuple) else (batch,)


def _steps(dataset):
    cardinality = int(dataset.cardinality())
    return cardinality if cardinality >= 0 else None


def train(model, strategy, train_data, validation_data=None, epochs=1, initial_epoch=0,
          callbacks=(), verbose="auto"):
    """Trains a compiled model with `strategy.run`, epoch by epoch.

    Each step runs the model on every replica's share of a global batch,
    averages the per-example losses over the global batch
    (`tf.nn.compute_average_loss`) and lets the Keras optimizer all-reduce
    the gradients, so every replica (and every worker) applies the same
    update.

    Args:
        model: A model created in `strategy.scope()`, compiled by
            `mmzoo.training.compile`: with heads, or without heads and
            carrying its own loss (`mmzoo.heads.takes_labels`).
        strategy: The `tf.distribute.Strategy`.
        train_data: A `tf.data.Dataset` of global batches: `(inputs,
            labels)`, or inputs alone for a model without heads.
        validation_data: A `tf.data.Dataset` of global batches, or None.
        epochs: Index of the last epoch + 1, as in `keras.Model.fit`.
        initial_epoch: Epoch to start from (when resuming).
        callbacks: Keras callbacks, called as `fit` calls them.
        verbose: 0 (silent), 1 (progress bar), 2 (one line per epoch) or
            "auto" (1).

    Returns:
        A `keras.callbacks.History`.
    """
    labelled = takes_labels(model)
    losses = head_losses(model, reduction=None) if labelled else {}
    loss_weights = head_loss_weights(model) if labelled else {}
    optimizer = model.optimizer
    with strategy.scope():
        training = _Trackers(model, "", labelled)
        validating = _Trackers(model, "val_", labelled)
        if not optimizer.built:
            optimizer.build(model.trainable_variables)

    def compute(inputs, labels, is_training):
        predictions = _by_output(model, model(inputs, training=is_training))
        regularization = tf.add_n(model.losses) if model.losses else tf.constant(0.0)
        if not losses:
            return labels, predictions, None, {}, regularization
        labels = _by_output(model, labels)
        parts = {name: loss(labels[name], predictions[name]) for name, loss in losses.items()}
        total = tf.add_n([loss_weights[name] * part for name, part in parts.items()])
        return labels, predictions, total, parts, regularization

    def train_step(inputs, labels=None):
        with tf.GradientTape() as tape:
            labels, predictions, total, parts, regularization = compute(inputs, labels, True)
            loss = tf.nn.scale_regularization_loss(regularization)
            if total is not None:
                loss += tf.nn.compute_average_loss(total)
            scaled = optimizer.scale_loss(loss)
        gradients = tape.gradient(scaled, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        training.update(labels, predictions, total, parts, regularization)

    def test_step(inputs, labels=None):
        validating.update(*compute(inputs, labels, False))

    @tf.function(reduce_retracing=True)
    def distributed_train_step(batch):
        strategy.run(train_step, args=_arguments(batch))

    @tf.function(reduce_retracing=True)
    def distributed_test_step(batch):
        strategy.run(test_step, args=_arguments(batch))

    history = keras.callbacks.History()
    callback_list = keras.callbacks.CallbackList(
        [*callbacks, history], add_history=False, add_progbar=verbose != 0, model=model,
        verbose=1 if verbose == "auto" else verbose, epochs=epochs, steps=_steps(train_data),
    )
    distributed_train = strategy.experimental_distribute_dataset(train_data)
    distributed_validation = (strategy.experimental_distribute_dataset(validation_data)
                              if validation_data is not None else None)
    model.stop_training = False
    callback_list.on_train_begin()
    logs = {}
    for epoch in range(initial_epoch, epochs):
        training.reset()
        callback_list.on_epoch_begin(epoch)
        for step, batch in enumerate(distributed_train):
            callback_list.on_train_batch_begin(step)
            distributed_train_step(batch)
            callback_list.on_train_batch_end(step)
        logs = training.results()
        if distributed_validation is not None:
            validating.reset()
            for batch in distributed_validation:
                distributed_test_step(batch)
            logs.update(validating.results())
        callback_list.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    callback_list.on_train_end(logs)
    return history
