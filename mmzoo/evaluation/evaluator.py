"""`evaluate`: a model and labelled data -> the metrics of every output."""

import numpy as np
import tensorflow as tf

from mmzoo._checks import check_number, check_positive_int
from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value
from mmzoo.evaluation.metrics import (
    check_class_names, check_zero_division, classification_metrics, regression_metrics,
)
from mmzoo.evaluation.reports import EvaluationReport
from mmzoo.heads import heads_of
from mmzoo.training.data import check_data, to_dataset


def _by_output(output_names, values):
    return values if isinstance(values, dict) else {output_names[0]: values}


def _predict_batch(model, inputs, size):
    """`predict_on_batch` at a fixed batch size: a smaller (last) batch is padded and the padding dropped.

    One batch shape means one trace of the model's predict function: a
    smaller last batch would trace it again for every model evaluated, and
    TensorFlow warns about retracing after a few models.
    """
    count = len(next(iter(inputs.values())))
    if count < size:
        inputs = {name: np.concatenate([value, np.repeat(value[-1:], size - count, axis=0)])
                  for name, value in inputs.items()}
    return tf.nest.map_structure(lambda output: np.asarray(output)[:count], model.predict_on_batch(inputs))


def predict_with_labels(model, data, batch_size=32):
    """Runs a model over labelled data; returns the labels and predictions in one order.

    The data is read once, so a dataset that shuffles on every pass still
    pairs each prediction with its own label.

    Args:
        model: A model built by `mmzoo.build_model`.
        data: A `tf.data.Dataset` of `(inputs, labels)` (batched or not) or
            a tuple `(inputs, labels)` of numpy arrays; `inputs` is a dict
            keyed by modality, `labels` an array or, for a multitask model,
            a dict keyed by output name.
        batch_size: Samples per prediction step (for numpy data and
            unbatched datasets).

    Returns:
        A tuple `(labels, predictions)` of dicts `{output name: numpy array}`.

    Raises:
        TypeError: `model` or `data` has the wrong type.
        ValueError: the data does not fit the model, `batch_size` is not
            positive, or the dataset is empty.
    """
    heads = heads_of(model)
    check_positive_int("batch_size", batch_size)
    check_data(data, "data", model)
    names = list(heads)
    labels = {name: [] for name in names}
    predictions = {name: [] for name in names}
    size = None
    for batch_inputs, batch_labels in to_dataset(data, model, batch_size).as_numpy_iterator():  # any backend
        size = size or len(next(iter(batch_inputs.values())))
        batch_predictions = _by_output(names, _predict_batch(model, batch_inputs, size))
        batch_labels = _by_output(names, batch_labels)
        for name in names:
            labels[name].append(np.asarray(batch_labels[name]))
            predictions[name].append(np.asarray(batch_predictions[name]))
    if not labels[names[0]]:
        raise ConfigurationError("`data` must hold at least one sample. Received: data=<empty dataset>")
    return ({name: np.concatenate(parts) for name, parts in labels.items()},
            {name: np.concatenate(parts) for name, parts in predictions.items()})


def _class_names_by_output(class_names, data, model, heads):
    """Returns `{output name: names}` from `class_names` or the dataset's own, checked."""
    classifiers = [name for name, head in heads.items() if head.task != "regression"]
    given = _given_class_names(class_names, data, classifiers)
    units = {name: output.shape[-1] for name, output in zip(model.output_names, model.outputs)}
    return {name: check_class_names(names, 2 if heads[name].task == "binary" else units[name], heads[name].task)
            for name, names in given.items()}


def _given_class_names(class_names, data, classifiers):
    if class_names is None:
        class_names = getattr(data, "class_names", None) if isinstance(data, tf.data.Dataset) else None
        if class_names is None or len(classifiers) != 1:
            return {}
    if not isinstance(class_names, dict):
        if isinstance(class_names, (str, bytes)) or not hasattr(class_names, "__len__"):
            raise ArgumentTypeError(
                "`class_names` must be a list of names (single classification output) or a "
                f"dict {{output name: list}}. Received: class_names={describe_value(class_names)}"
            )
        if len(classifiers) != 1:
            raise ConfigurationError(
                f"The model has {len(classifiers)} classification outputs {classifiers}; give "
                "`class_names` as a dict {output name: list of names}. "
                f"Received: class_names={describe_value(class_names)}"
            )
        return {classifiers[0]: class_names}
    unknown = sorted(set(class_names) - set(classifiers))
    if unknown:
        raise ConfigurationError(
            f"`class_names` names outputs that are not classification outputs of the model: "
            f"{unknown} (classification outputs: {classifiers}). Received: class_names={describe_value(class_names)}"
        )
    return class_names


def evaluate(model, data, class_names=None, batch_size=32, threshold=0.5, zero_division=0.0):
    """Computes the metrics of every output of a model on labelled data.

    Classification outputs get accuracy, macro and per-class precision,
    recall and F1, ROC-AUC (binary; one-vs-rest macro for multiclass;
    per label for multilabel) and the confusion matrix; regression outputs
    get MAE, MSE, RMSE and R^2. The metrics come from scikit-learn (see
    `classification_metrics` and `regression_metrics`).

    Example:
        >>> test = mmzoo.datasets.load("av_mnist", split="test")
        >>> report = evaluate(model, test)  # class names come from the dataset
        >>> report["label"].accuracy, report["label"].confusion_matrix.shape
        >>> print(report)

    Args:
        model: A model built by `mmzoo.build_model` (every output ends in
            an mmzoo head, which tells its task).
        data: A `tf.data.Dataset` of `(inputs, labels)` (batched or not) or
            a tuple `(inputs, labels)` of numpy arrays; `inputs` is a dict
            keyed by modality, `labels` an array or, for a multitask model,
            a dict keyed by output name.
        class_names: Names of the classes: a list for a model with one
            classification output, or a dict `{output name: list}`. By
            default, the `class_names` attribute of a dataset from
            `mmzoo.datasets` for a single classification output, else
            "0", "1", ...
        batch_size: Samples per prediction step (for numpy data and
            unbatched datasets).
        threshold: Probability at or above which a binary or multilabel
            output counts as positive.
        zero_division: Value of an undefined precision, recall or F1 (a
            class never predicted or absent from the labels): 0, 1 or
            `float("nan")`.

    Returns:
        An `EvaluationReport`, indexed by output name.

    Raises:
        TypeError: `model`, `data` or `class_names` has the wrong type.
        ValueError: the data does not fit the model (input or output names,
            shapes, label values), `class_names` names unknown outputs or has
            the wrong length, or another argument is out of range.
    """
    heads = heads_of(model)
    check_number("threshold", threshold, minimum=0, maximum=1, exclusive_minimum=True, exclusive_maximum=True)
    check_zero_division(zero_division)
    names_by_output = _class_names_by_output(class_names, data, model, heads)
    labels, predictions = predict_with_labels(model, data, batch_size=batch_size)
    outputs = {}
    for name, head in heads.items():
        if head.task == "regression":
            outputs[name] = regression_metrics(labels[name], predictions[name], name=name)
        else:
            outputs[name] = classification_metrics(
                labels[name], predictions[name], task=head.task, class_names=names_by_output.get(name),
                threshold=threshold, zero_division=zero_division, name=name,
            )
    return EvaluationReport(outputs)
