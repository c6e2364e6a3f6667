"""Metrics of one output from arrays of labels and predictions, computed by scikit-learn."""

import math

import numpy as np
from sklearn import metrics as sk_metrics

from mmzoo._checks import check_number
from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value
from mmzoo.evaluation.reports import ClassificationReport, RegressionReport
from mmzoo.heads import CLASSIFICATION_TASKS, predicted_classes


def _numeric_array(name, value):
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ArgumentTypeError(
            f"`{name}` must be an array of numbers. Received: {name}={describe_value(value)}"
        ) from error
    if array.dtype.kind not in "biuf":
        raise ArgumentTypeError(
            f"`{name}` must be an array of numbers. Received: {name} of dtype {array.dtype}"
        )
    if array.ndim == 0 or len(array) == 0:
        raise ConfigurationError(
            f"`{name}` must hold at least one sample. Received: {name} of shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ConfigurationError(f"`{name}` must be finite. Received: {name} with NaN or inf")
    return array


def _as_columns(name, array):
    """Returns a `(samples, units)` view of a `(samples,)` or `(samples, units)` array."""
    if array.ndim == 1:
        return array[:, None]
    if array.ndim != 2:
        raise ConfigurationError(
            f"`{name}` must have shape (samples,) or (samples, units). Received: {name} of shape {array.shape}"
        )
    return array


def _check_same_samples(labels, predictions, predictions_name):
    if len(labels) != len(predictions):
        raise ConfigurationError(
            f"`labels` and `{predictions_name}` must hold the same number of samples. "
            f"Received: labels of shape {labels.shape}, {predictions_name} of shape {predictions.shape}"
        )


def _check_indicators(labels, task):
    if not np.all((labels == 0) | (labels == 1)):
        raise ConfigurationError(
            f"`labels` of a {task} output must be 0 or 1. Received: labels with values "
            f"{np.unique(labels)[:10].tolist()}"
        )


def _classification_arrays(task, labels, probabilities):
    """Checks shapes and values; returns `(labels, scores)` in one layout per task.

    Labels come back as integer class ids `(samples,)` (multilabel: 0/1
    indicators `(samples, labels)`); scores as `(samples, classes)`, where
    a binary output's scores are `[1 - p, p]`.
    """
    if task == "multilabel":
        if probabilities.ndim != 2 or labels.shape != probabilities.shape:
            raise ConfigurationError(
                "`labels` and `probabilities` of a multilabel output must both have shape "
                f"(samples, labels). Received: labels of shape {labels.shape}, probabilities of "
                f"shape {probabilities.shape}"
            )
        _check_indicators(labels, task)
        return labels.astype("int64"), probabilities
    if task == "binary":
        probabilities = _as_columns("probabilities", probabilities)
        if probabilities.shape[1] != 1:
            raise ConfigurationError(
                "`probabilities` of a binary output must have shape (samples,) or (samples, 1). "
                f"Received: probabilities of shape {probabilities.shape}"
            )
        probabilities = np.concatenate([1.0 - probabilities, probabilities], axis=1)
    elif probabilities.ndim != 2 or probabilities.shape[1] < 2:
        raise ConfigurationError(
            "`probabilities` of a multiclass output must have shape (samples, classes) with at "
            f"least 2 classes. Received: probabilities of shape {probabilities.shape}"
        )
    labels = _as_columns("labels", labels)
    if labels.shape[1] != 1:
        advice = " (one-hot labels: pass labels.argmax(-1))" if task == "multiclass" else ""
        raise ConfigurationError(
            f"`labels` of a {task} output must have shape (samples,) or (samples, 1){advice}. "
            f"Received: labels of shape {labels.shape}"
        )
    labels = labels[:, 0]
    _check_same_samples(labels, probabilities, "probabilities")
    num_classes = probabilities.shape[1]
    if task == "binary":
        _check_indicators(labels, task)
    elif not np.all(np.mod(labels, 1) == 0) or labels.min() < 0 or labels.max() >= num_classes:
        raise ConfigurationError(
            f"`labels` of a multiclass output must be class ids 0..{num_classes - 1}. "
            f"Received: labels from {labels.min()} to {labels.max()}"
        )
    return labels.astype("int64"), probabilities


def check_class_names(class_names, num_classes, task):
    """Returns the class names as strings ("0", "1", ... for None), or raises.

    Args:
        class_names: None or a sequence of `num_classes` distinct names.
        num_classes: Number of classes (labels) of the output.
        task: The output's task, used in messages.

    Returns:
        A list of strings.

    Raises:
        ArgumentTypeError: `class_names` is not a sequence.
        ConfigurationError: wrong length or repeated names.
    """
    if class_names is None:
        return [str(index) for index in range(num_classes)]
    if isinstance(class_names, (str, bytes)) or not hasattr(class_names, "__len__"):
        raise ArgumentTypeError(
            f"`class_names` must be a list of names. Received: class_names={describe_value(class_names)}"
        )
    names = [str(name) for name in class_names]
    if len(names) != num_classes:
        raise ConfigurationError(
            f"`class_names` must name the {num_classes} classes of this {task} output. "
            f"Received: class_names={names!r}"
        )
    if len(set(names)) != len(names):
        raise ConfigurationError(f"`class_names` must be distinct. Received: class_names={names!r}")
    return names


def check_zero_division(zero_division):
    """Raises a `ConfigurationError` unless `zero_division` is 0, 1 or NaN."""
    valid = (not isinstance(zero_division, bool) and isinstance(zero_division, (int, float))
             and (zero_division in (0, 1) or math.isnan(zero_division)))
    if not valid:
        raise ConfigurationError(
            f"`zero_division` must be 0, 1 or float('nan'). Received: zero_division={zero_division!r}"
        )


def _roc_auc_per_class(indicators, scores, class_names, notes):
    """One-vs-rest ROC-AUC of each column; NaN (with a note) where a column has one value only."""
    values = np.full(scores.shape[1], np.nan)
    undefined = []
    for index in range(scores.shape[1]):
        if np.unique(indicators[:, index]).size < 2:
            undefined.append(class_names[index])
        else:
            values[index] = sk_metrics.roc_auc_score(indicators[:, index], scores[:, index])
    if undefined:
        notes.append(
            f"ROC-AUC is undefined (NaN) for {undefined}: the labels hold only positive or only "
            "negative samples of them; the macro ROC-AUC averages the other classes."
        )
    return values


def classification_metrics(labels, probabilities, task="multiclass", class_names=None,
                           threshold=0.5, zero_division=0.0, name="label"):
    """Computes the metrics of one classification output with scikit-learn.

    Predictions follow `predicted_classes`: a multiclass prediction is the
    most probable class; a binary or multilabel one is positive when its
    probability is above `threshold`. Classes absent from `labels` do not crash anything: their
    precision, recall and F1 take the value `zero_division` when undefined
    (as in scikit-learn) and their ROC-AUC is NaN; `notes` of the report
    says which classes this concerns.

    Example:
        >>> report = classification_metrics([0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
        >>> round(report.accuracy, 4), report.confusion_matrix.tolist()
        (0.6667, [[1, 0], [1, 1]])

    Args:
        labels: True labels: class ids `(samples,)` or `(samples, 1)` for
            "multiclass" and "binary" (0 or 1), 0/1 indicators
            `(samples, labels)` for "multilabel".
        probabilities: Predicted probabilities: `(samples, classes)` for
            "multiclass", `(samples,)` or `(samples, 1)` for "binary",
            `(samples, labels)` for "multilabel".
        task: "multiclass", "binary" or "multilabel".
        class_names: Names of the classes (labels), or None for "0", "1", ...
        threshold: Probability above which a binary or multilabel output
            counts as positive.
        zero_division: Value of a precision, recall or F1 whose denominator
            is zero: 0, 1 or `float("nan")` (NaN values are left out of the
            macro averages).
        name: Name of the output, shown in the report.

    Returns:
        A `ClassificationReport`.

    Raises:
        TypeError: `labels`, `probabilities` or `class_names` has the wrong type.
        ValueError: `task`, `threshold` or `zero_division` is invalid, or the
            arrays have shapes or values that do not fit the task.
    """
    if task not in CLASSIFICATION_TASKS:
        raise ConfigurationError(f"`task` must be one of {list(CLASSIFICATION_TASKS)}. Received: task={task!r}")
    check_number("threshold", threshold, minimum=0, maximum=1, exclusive_minimum=True, exclusive_maximum=True)
    check_zero_division(zero_division)
    labels, scores = _classification_arrays(
        task, _numeric_array("labels", labels), _numeric_array("probabilities", probabilities)
    )
    class_names = check_class_names(class_names, scores.shape[1], task)
    notes = []
    predicted = predicted_classes(scores, task, threshold)
    if task == "multilabel":
        indicators = labels
        confusion = sk_metrics.multilabel_confusion_matrix(labels, predicted)
        classes = None
    else:
        classes = np.arange(scores.shape[1])
        indicators = (labels[:, None] == classes).astype("int64")
        confusion = sk_metrics.confusion_matrix(labels, predicted, labels=classes)
    precision, recall, f1, support = sk_metrics.precision_recall_fscore_support(
        labels, predicted, labels=classes, average=None, zero_division=zero_division
    )
    macro_precision, macro_recall, macro_f1, _ = sk_metrics.precision_recall_fscore_support(
        labels, predicted, labels=classes, average="macro", zero_division=zero_division
    )
    absent = [class_names[index] for index in np.flatnonzero(support == 0)]
    if absent:
        notes.append(
            f"No true samples of {absent}: their recall is undefined, and so are their precision "
            f"and F1 if they are never predicted either; undefined values are set to "
            f"zero_division={zero_division}."
        )
    roc_auc_per_class = _roc_auc_per_class(indicators, scores, class_names, notes)
    defined = roc_auc_per_class[~np.isnan(roc_auc_per_class)]
    roc_auc = float(defined.mean()) if defined.size else float("nan")
    return ClassificationReport(
        name=name,
        task=task,
        class_names=class_names,
        num_samples=len(labels),
        accuracy=float(sk_metrics.accuracy_score(labels, predicted)),
        macro_precision=float(macro_precision),
        macro_recall=float(macro_recall),
        macro_f1=float(macro_f1),
        roc_auc=roc_auc,
        precision=precision,
        recall=recall,
        f1=f1,
        support=support,
        roc_auc_per_class=roc_auc_per_class,
        confusion_matrix=confusion,
        threshold=None if task == "multiclass" else float(threshold),
        notes=notes,
        labels=labels,
        probabilities=scores[:, 1] if task == "binary" else scores,
    )


def regression_metrics(labels, predictions, name="value"):
    """Computes MAE, MSE, RMSE and R^2 of one regression output with scikit-learn.

    Outputs with several units are scored per unit and averaged uniformly.
    R^2 is NaN (with a note) when undefined: fewer than two samples, or a
    unit whose labels are constant.

    Example:
        >>> report = regression_metrics([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
        >>> round(report.mae, 4), round(report.r2, 4)
        (0.3333, 0.5)

    Args:
        labels: True values, `(samples,)` or `(samples, units)`.
        predictions: Predicted values of the same shape (or `(samples, 1)`
            for `(samples,)` labels).
        name: Name of the output, shown in the report.

    Returns:
        A `RegressionReport`.

    Raises:
        TypeError: `labels` or `predictions` is not numeric.
        ValueError: their shapes differ or they hold NaN or inf.
    """
    labels = _as_columns("labels", _numeric_array("labels", labels)).astype("float64")
    predictions = _as_columns("predictions", _numeric_array("predictions", predictions)).astype("float64")
    if labels.shape != predictions.shape:
        raise ConfigurationError(
            "`labels` and `predictions` must have the same shape (samples, units). "
            f"Received: labels of shape {labels.shape}, predictions of shape {predictions.shape}"
        )
    notes = []
    if len(labels) < 2 or np.any(labels.min(axis=0) == labels.max(axis=0)):
        r2 = float("nan")
        notes.append("R^2 is undefined (NaN): it needs at least two samples and non-constant labels.")
    else:
        r2 = float(sk_metrics.r2_score(labels, predictions))
    return RegressionReport(
        name=name,
        num_samples=len(labels),
        mae=float(sk_metrics.mean_absolute_error(labels, predictions)),
        mse=float(sk_metrics.mean_squared_error(labels, predictions)),
        rmse=float(sk_metrics.root_mean_squared_error(labels, predictions)),
        r2=r2,
        notes=notes,
        labels=labels,
        predictions=predictions,
    )
