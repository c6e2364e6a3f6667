"""Heads: a fused representation -> named outputs.

A head is a callable object: `head(fused)` adds its layers to the graph and
returns the output tensor (or, for `multitask`, a dict of them). The last
layer of every output is a `Prediction` layer named after the output: it
applies the task's activation in float32 (also under mixed precision) and
records the task and loss weight, so a saved and reloaded model still says
how to train and judge it.

| builder      | output                              | activation |
|--------------|-------------------------------------|------------|
| `multiclass` | `(batch, num_classes)` probabilities | softmax    |
| `binary`     | `(batch, 1)` probability             | sigmoid    |
| `multilabel` | `(batch, num_classes)` probabilities | sigmoid    |
| `regression` | `(batch, num_outputs)` values        | linear     |
| `multitask`  | dict of the above, by name          |            |
"""

import keras
import numpy as np

from mmzoo._deprecation import renamed_arguments
from mmzoo._docstrings import shared_arguments
from mmzoo._checks import check_choice, check_positive_int, check_positive_int_sequence, check_rate, check_type
from mmzoo.errors import ArgumentTypeError, ConfigurationError

TASK_ACTIVATIONS = {
    "multiclass": "softmax",
    "binary": "sigmoid",
    "multilabel": "sigmoid",
    "regression": "linear",
}
CLASSIFICATION_TASKS = ("multiclass", "binary", "multilabel")


@keras.saving.register_keras_serializable(package="mmzoo")
class Prediction(keras.layers.Layer):
    """The final activation of a head, computed in float32.

    A mask on its input (e.g. padding of a token sequence) passes through,
    so Keras leaves masked steps out of the loss and metrics.

    Args:
        task: One of "multiclass", "binary", "multilabel", "regression".
        loss_weight: Weight of this output's loss in a multitask model.
        **kwargs: Standard layer arguments; `dtype` defaults to "float32".
    """

    def __init__(self, task, loss_weight=1.0, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.supports_masking = True
        if task not in TASK_ACTIVATIONS:
            raise ConfigurationError(
                f"`task` must be one of {list(TASK_ACTIVATIONS)}. Received: task={task!r}"
            )
        self.task = task
        self.loss_weight = float(loss_weight)
        self.activation = keras.activations.get(TASK_ACTIVATIONS[task])

    def call(self, inputs):
        return self.activation(keras.ops.cast(inputs, self.compute_dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "task": self.task, "loss_weight": self.loss_weight}


def prediction_layers(model):
    """Returns the model's `Prediction` layers keyed by output name.

    Args:
        model: A model built by `mmzoo.build_model` (or any model whose
            outputs end in `Prediction` layers).

    Returns:
        Dict `{output name: Prediction layer}` in the model's output order.

    Raises:
        ArgumentTypeError: `model` is not a `keras.Model`.
    """
    check_type("model", model, keras.Model, "a keras.Model")
    found = {layer.name: layer for layer in model.layers if isinstance(layer, Prediction)}
    return {name: found[name] for name in model.output_names if name in found}


def takes_labels(model):
    """Returns whether a model trains on labels, or on its inputs alone.

    A model trains on inputs alone when it has no head and carries its own
    loss: a `mmzoo.layers.ContrastiveLoss` (`mmzoo.retrieval.dual_encoder`),
    which puts the loss in `model.losses`. Any other model trains on labels
    (`heads_of` then says when an output lacks a head).

    Args:
        model: A `keras.Model`.

    Returns:
        False for a model without heads that carries its own loss, else True.

    Raises:
        ArgumentTypeError: `model` is not a `keras.Model`.
    """
    from mmzoo.layers.contrastive_loss import contrastive_loss_of

    return bool(prediction_layers(model)) or contrastive_loss_of(model) is None


def heads_of(model):
    """Returns the model's `Prediction` layers by output name, or raises.

    Args:
        model: A `keras.Model` built by `mmzoo.build_model` (its outputs end
            in `mmzoo.heads.Prediction` layers).

    Returns:
        Dict `{output name: Prediction layer}` in output order.

    Raises:
        TypeError: `model` is not a `keras.Model`.
        ValueError: some output does not end in a `Prediction` layer.
    """
    if not isinstance(model, keras.Model):
        raise ArgumentTypeError(
            f"`model` must be a keras.Model. Received: model={model!r} (of type {type(model).__name__})"
        )
    layers = prediction_layers(model)
    missing = [name for name in model.output_names if name not in layers]
    if missing:
        raise ConfigurationError(
            "Every output must come from an mmzoo head (mmzoo.heads), which says "
            "which loss and metrics it needs; compile other models with "
            f"model.compile(). Received: model={model.name!r} with outputs {missing} not made by a head"
        )
    return layers


class Head:
    """A single-output head: optional hidden layers, a Dense, a `Prediction`.

    Use the builders (`multiclass`, `binary`, ...) rather than this class.

    Args:
        task: The task, a key of `TASK_ACTIVATIONS`.
        units: Number of outputs.
        name: Name of the output (and of its `Prediction` layer).
        hidden_units: Widths of ReLU Dense layers before the output.
        dropout: Dropout rate after each hidden layer.
        loss_weight: Weight of this output's loss in a multitask model.
    """

    def __init__(self, task, units, name, hidden_units=(), dropout=0.0, loss_weight=1.0):
        check_choice("task", task, CLASSIFICATION_TASKS + ("regression",))
        check_positive_int("units", units)
        if not isinstance(name, str) or not name.isidentifier():
            raise ConfigurationError(
                f"`name` must be a valid identifier (it names the output). Received: name={name!r}"
            )
        self.task = task
        self.units = units
        self.name = name
        self.hidden_units = check_positive_int_sequence("hidden_units", hidden_units, allow_empty=True)
        check_rate("dropout", dropout)
        self.dropout = dropout
        if isinstance(loss_weight, bool) or not isinstance(loss_weight, (int, float)) or loss_weight < 0:
            raise ConfigurationError(
                f"`loss_weight` must be a non-negative number. Received: loss_weight={loss_weight!r}"
            )
        self.loss_weight = float(loss_weight)

    @property
    def output_names(self):
        """The names of the outputs this head creates."""
        return [self.name]

    def check_fusion(self, fusion):
        """Raises when this head cannot follow the given fusion layer.

        Args:
            fusion: The `mmzoo.fusion.Fusion` layer before the head.

        Raises:
            ConfigurationError: the fusion already outputs decision scores and
                this head is not a plain classifier of matching size (a
                fusion whose size is not set yet matches any size).
        """
        if not fusion.produces_logits:
            return
        if self.task not in CLASSIFICATION_TASKS or self.hidden_units:
            raise ConfigurationError(
                "Decision-level (late) fusion already outputs class scores; it "
                "needs a classification head without hidden layers. Received: "
                f"head task={self.task!r}, hidden_units={self.hidden_units!r}"
            )
        if fusion.num_outputs is not None and fusion.num_outputs != self.units:
            raise ConfigurationError(
                f"LateFusion(num_outputs={fusion.num_outputs}) does not match the "
                f"head's {self.units} outputs. Received: num_outputs={fusion.num_outputs!r}"
            )

    def __call__(self, features, from_logits=False):
        """Adds the head's layers after `features`.

        Args:
            features: The fused representation `(batch, dim)`.
            from_logits: True when `features` already are the decision scores
                (decision-level fusion): only the activation is applied.

        Returns:
            The output tensor.
        """
        x = features
        if not from_logits:
            for index, width in enumerate(self.hidden_units, start=1):
                x = keras.layers.Dense(width, activation="relu", name=f"{self.name}_hidden{index}")(x)
                if self.dropout:
                    x = keras.layers.Dropout(self.dropout, name=f"{self.name}_dropout{index}")(x)
            x = keras.layers.Dense(self.units, name=f"{self.name}_logits")(x)
        return Prediction(self.task, loss_weight=self.loss_weight, name=self.name)(x)


class MultitaskHead:
    """Several named heads on one shared representation.

    Use `multitask(...)` rather than this class.

    Args:
        tasks: Dict `{output name: Head}`.
    """

    def __init__(self, tasks):
        if not isinstance(tasks, dict) or not all(isinstance(head, Head) for head in tasks.values()):
            raise ArgumentTypeError(
                "`tasks` must be a dict {output name: head} of single-output heads (see `multitask`). "
                f"Received: tasks={tasks!r}"
            )
        self.tasks = tasks

    @property
    def output_names(self):
        """The names of the outputs this head creates."""
        return list(self.tasks)

    def check_fusion(self, fusion):
        """Raises for decision-level fusion, which has one set of scores.

        Args:
            fusion: The `mmzoo.fusion.Fusion` layer before the head.

        Raises:
            ConfigurationError: the fusion outputs decision scores.
        """
        if fusion.produces_logits:
            raise ConfigurationError(
                "Decision-level (late) fusion produces one set of class scores and "
                f"cannot feed a multitask head. Received: outputs={self.output_names}"
            )

    def __call__(self, features, from_logits=False):
        """Adds every task's layers; returns a dict `{name: output}`."""
        return {name: head(features, from_logits) for name, head in self.tasks.items()}


_HEAD_ARGS = """hidden_units: Widths of ReLU Dense layers before the output.
        dropout: Dropout rate after each hidden layer.
        name: Name of the output.
        loss_weight: Weight of this output's loss in a multitask model.

    Returns:
        A `Head`."""


@shared_arguments(head_args=_HEAD_ARGS)
def multiclass(num_classes, hidden_units=(), dropout=0.0, name="label", loss_weight=1.0):
    """A single-label classifier over `num_classes` classes (softmax).

    Labels are integer class ids (`mmzoo.training` uses sparse
    categorical cross-entropy).

    Args:
        num_classes: Number of classes, at least 2.
        {{head_args}}

    Raises:
        ValueError: `num_classes` is below 2 or another argument is invalid.
    """
    check_positive_int("num_classes", num_classes)
    if num_classes < 2:
        raise ConfigurationError(
            "A multiclass head needs at least 2 classes (use heads.binary() for "
            f"yes/no outputs). Received: num_classes={num_classes!r}"
        )
    return Head("multiclass", num_classes, name, hidden_units, dropout, loss_weight)


@shared_arguments(head_args=_HEAD_ARGS)
def binary(hidden_units=(), dropout=0.0, name="label", loss_weight=1.0):
    """A yes/no classifier with one sigmoid output.

    Args:
        {{head_args}}

    Raises:
        ValueError: an argument is invalid.
    """
    return Head("binary", 1, name, hidden_units, dropout, loss_weight)


@shared_arguments(head_args=_HEAD_ARGS)
@renamed_arguments(num_labels="num_classes")
def multilabel(num_classes, hidden_units=(), dropout=0.0, name="labels", loss_weight=1.0):
    """Independent yes/no outputs, one sigmoid per class.

    Args:
        num_classes: Number of classes (labels), at least 1.
        {{head_args}}

    Raises:
        ValueError: `num_classes` is not positive or another argument is invalid.
    """
    return _sized_head("multilabel", "num_classes", num_classes, name, hidden_units, dropout, loss_weight)


@shared_arguments(head_args=_HEAD_ARGS)
@renamed_arguments(units="num_outputs")
def regression(num_outputs=1, hidden_units=(), dropout=0.0, name="value", loss_weight=1.0):
    """Real-valued outputs with a linear activation.

    Args:
        num_outputs: Number of values predicted.
        {{head_args}}

    Raises:
        ValueError: `num_outputs` is not positive or another argument is invalid.
    """
    return _sized_head("regression", "num_outputs", num_outputs, name, hidden_units, dropout, loss_weight)


def _sized_head(task, size_name, size, name, hidden_units, dropout, loss_weight):
    """Checks a head's output size (named `size_name`), then builds the `Head`."""
    check_positive_int(size_name, size)
    return Head(task, size, name, hidden_units, dropout, loss_weight)


def multitask(tasks, loss_weights=None):
    """Several named outputs trained together on one fused representation.

    Example:
        >>> head = multitask(
        ...     {"digit": multiclass(10), "speaker": multiclass(6)},
        ...     loss_weights={"digit": 1.0, "speaker": 0.5},
        ... )
        >>> head = multitask([multiclass(10, name="digit"), multiclass(6, name="speaker")])

    A dict cannot hold a key twice: in `{"digit": a, "digit": b}` Python
    keeps `b` before `multitask` sees it. A list of named heads keeps every
    entry, so two heads of the same name are refused there.

    Args:
        tasks: Dict `{output name: head}` of single-output heads, each
            renamed to its key; or a list of single-output heads, each
            keeping its own `name`, which must be distinct.
        loss_weights: Optional dict `{output name: weight}`; missing names
            keep their head's own `loss_weight`.

    Returns:
        A `MultitaskHead`.

    Raises:
        TypeError: `tasks` is not a dict or list of heads.
        ValueError: fewer than two tasks, two heads of a list share a name,
            or `loss_weights` names an unknown output.
    """
    if isinstance(tasks, (list, tuple)) and all(isinstance(head, Head) for head in tasks):
        names = [head.name for head in tasks]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ConfigurationError(
                f"The heads of `tasks` must have distinct names, and {repeated} is used more than once: "
                f"name each head, e.g. multiclass(10, name='digit'). Received: tasks={names}"
            )
        tasks = {head.name: head for head in tasks}
    if not isinstance(tasks, dict) or not all(isinstance(head, Head) for head in tasks.values()):
        raise ArgumentTypeError(
            "`tasks` must be a dict {output name: head} or a list of named single-output heads. "
            f"Received: tasks={tasks!r}"
        )
    if len(tasks) < 2:
        raise ConfigurationError(
            f"A multitask head needs at least two tasks. Received: tasks={list(tasks)}"
        )
    loss_weights = dict(loss_weights or {})
    unknown = sorted(set(loss_weights) - set(tasks))
    if unknown:
        raise ConfigurationError(
            f"`loss_weights` names outputs that are not tasks: {unknown}. "
            f"Received: loss_weights={loss_weights!r}"
        )
    renamed = {
        name: Head(head.task, head.units, name, head.hidden_units, head.dropout,
                   loss_weights.get(name, head.loss_weight))
        for name, head in tasks.items()
    }
    return MultitaskHead(renamed)


def predicted_classes(probabilities, task, threshold=0.5):
    """Turns predicted probabilities into classes: the one rule mmzoo uses everywhere.

    A multiclass prediction is the most probable class; a binary or
    multilabel output is positive when its probability is above `threshold`
    (strictly above, as Keras' `binary_accuracy` decides).

    Args:
        probabilities: `(samples, classes)` for "multiclass"; `(samples,)`,
            `(samples, 1)` or `(samples, 2)` (negative and positive columns)
            for "binary"; `(samples, labels)` for "multilabel".
        task: "multiclass", "binary" or "multilabel".
        threshold: The probability a positive output must exceed.

    Returns:
        An int64 array: class ids `(samples,)`, or 0/1 indicators
        `(samples, labels)` for "multilabel".
    """
    check_choice("task", task, CLASSIFICATION_TASKS)
    probabilities = np.asarray(probabilities)
    if task == "multiclass":
        return probabilities.argmax(axis=-1).astype("int64")
    if task == "binary":
        two_columns = probabilities.ndim == 2 and probabilities.shape[1] == 2
        probabilities = probabilities[:, 1] if two_columns else probabilities.reshape(-1)
    return (probabilities > threshold).astype("int64")
