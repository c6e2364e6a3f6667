"""Figures of training and evaluation, as matplotlib `Figure`s.

Every function returns a `matplotlib.figure.Figure` (shown by Jupyter when
it is a cell's value) and, given `path`, also saves it as a PNG file. The
file is written under a temporary name and renamed, so it is never
half-written. Figures are closed in pyplot at once: scripts do not pile up
open figures and no window opens.

    >>> report = mmzoo.evaluation.evaluate(model, test)
    >>> mmzoo.plots.confusion_matrix(report, normalize="true", path="confusion.png")
    >>> mmzoo.plots.roc_curves(report)
    >>> mmzoo.plots.training_curves(history, path="curves.png")
"""

import math
import os

import keras
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import numpy as np
from sklearn import metrics as sk_metrics

from mmzoo._checks import check_non_negative_int
from mmzoo._deprecation import renamed_arguments
from mmzoo._files import atomic_write
from mmzoo.assemble import all_layers
from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value
from mmzoo.evaluation import ClassificationReport, EvaluationReport, classification_metrics
from mmzoo.evaluation.metrics import check_class_names
from mmzoo.fusion import LateFusion, WeightedFusion, attention_scores

NORMALIZATIONS = (None, "true", "pred", "all")
MAX_ANNOTATED_CLASSES = 20
MAX_LABELLED_TOKENS = 24
MAX_LABELLED_EPOCHS = 15


def _check_path(path):
    if path is None:
        return
    if not isinstance(path, (str, os.PathLike)):
        raise ArgumentTypeError(f"`path` must be a file path or None. Received: path={describe_value(path)}")
    directory = os.path.dirname(os.fspath(path)) or "."
    if not os.path.isdir(directory):
        raise ConfigurationError(
            f"The folder of `path` must exist. Received: path={os.fspath(path)!r}"
        )


def save_figure(figure, path):
    """Saves a figure as a PNG, through a temporary file: never half-written.

    Args:
        figure: A matplotlib `Figure`.
        path: The PNG file to write; its folder must exist.

    Returns:
        `path`.

    Raises:
        TypeError: `path` is not a path.
        ValueError: the folder of `path` does not exist.
    """
    if not hasattr(figure, "savefig"):
        raise ArgumentTypeError(f"`figure` must be a matplotlib figure. Received: figure={describe_value(figure)}")
    _check_path(path)
    atomic_write(path, lambda temporary: figure.savefig(temporary, format="png", dpi=100))
    return path


def _finish(figure, path):
    """Lays the figure out, saves it as a PNG if `path` is given, and returns it."""
    figure.tight_layout()
    if path is not None:
        save_figure(figure, path)
    return figure


def _figure(panels, panel_width=5.0, panel_height=4.0, max_columns=3):
    """Returns `(figure, axes)`: a figure closed in pyplot, and its axes in reading order."""
    columns = min(panels, max_columns)
    rows = math.ceil(panels / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(panel_width * columns, panel_height * rows),
                                squeeze=False)
    plt.close(figure)
    axes = list(axes.flat)
    for unused in axes[panels:]:
        unused.set_visible(False)
    return figure, axes[:panels]


def _numeric_series(name, values):
    array = np.asarray(values, dtype="float64") if _is_numeric(values) else None
    if array is None or array.ndim != 1 or array.size == 0:
        raise ConfigurationError(
            f"`{name}` must be a non-empty 1-D sequence of numbers. Received: {name}={describe_value(values)}"
        )
    return array


def _is_numeric(values):
    try:
        return np.asarray(values).dtype.kind in "biuf"
    except (TypeError, ValueError):
        return False


def training_curves(history, metrics=None, path=None):
    """Plots the loss and metrics of a training run per epoch, training vs validation.

    Args:
        history: A `keras.callbacks.History` (as returned by `model.fit` or
            `mmzoo.training.fit`) or its `.history` dict
            `{name: [value per epoch]}`.
        metrics: Names to plot, without the "val_" prefix (e.g.
            `["loss", "accuracy"]`); by default every logged name. The
            "val_" version of each is drawn in the same panel when logged.
        path: Optional path of a PNG file to save the figure to.

    Returns:
        A `matplotlib.figure.Figure` with one panel per metric.

    Raises:
        TypeError: `history` or `metrics` has the wrong type.
        ValueError: the history is empty or `metrics` names unlogged values.
    """
    if isinstance(history, keras.callbacks.History):
        history = history.history
    if not isinstance(history, dict):
        raise ArgumentTypeError(
            "`history` must be a keras.callbacks.History or its .history dict. "
            f"Received: history={describe_value(history)}"
        )
    logged = [name for name in history if not name.startswith("val_")]
    if not logged:
        raise ConfigurationError(f"`history` holds no training values. Received: history={describe_value(history)}")
    if metrics is None:
        metrics = logged
    elif not isinstance(metrics, (list, tuple)) or not all(isinstance(name, str) for name in metrics):
        raise ArgumentTypeError(f"`metrics` must be a list of names. Received: metrics={describe_value(metrics)}")
    unknown = [name for name in metrics if name not in logged]
    if unknown or not metrics:
        raise ConfigurationError(
            f"`metrics` must name logged values {logged}; unknown: {unknown}. Received: metrics={list(metrics)!r}"
        )
    _check_path(path)
    figure, axes = _figure(len(metrics))
    for ax, name in zip(axes, metrics):
        for key, label in ((name, "training"), (f"val_{name}", "validation")):
            if key in history:
                values = _numeric_series(f"history[{key!r}]", history[key])
                ax.plot(np.arange(1, len(values) + 1), values, marker="o", label=label)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        epochs = max(len(history[key]) for key in (name, f"val_{name}") if key in history)
        if epochs <= MAX_LABELLED_EPOCHS:
            ax.set_xticks(np.arange(1, epochs + 1))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(name)
        ax.legend()
        ax.grid(alpha=0.3)
    return _finish(figure, path)


def _check_scores(scores):
    if not isinstance(scores, dict) or not scores:
        raise ArgumentTypeError(
            "`scores` must be a non-empty dict {model name: score or list of scores (one per seed)}. "
            f"Received: scores={describe_value(scores)}"
        )
    return {str(name): _numeric_series(f"scores[{name!r}]",
                                       values if isinstance(values, (list, tuple, np.ndarray)) else [values])
            for name, values in scores.items()}


def model_comparison(scores, single_modality=(), references=None, metric="test accuracy", path=None):
    """Plots one score per model as bars: fusions and single modalities apart, references as lines.

    Example:
        >>> mmzoo.plots.model_comparison(
        ...     {"image only": 0.61, "audio only": 0.68, "concat": 0.89},
        ...     single_modality=["image only", "audio only"],
        ...     references={"plain Keras concat": 0.87})

    Args:
        scores: `{model name: score}`, or `{model name: [score of each
            seed]}`: the bar is the mean, with the standard deviation as an
            error bar and each seed as a dot.
        single_modality: Names of `scores` that see one modality (drawn
            grey, the fusions blue).
        references: Optional `{label: score}` drawn as dashed horizontal
            lines (e.g. a hand-written model).
        metric: Name of the score, the axis label.
        path: Optional path of a PNG file to save the figure to.

    Returns:
        A `matplotlib.figure.Figure`.

    Raises:
        TypeError: `scores` or `references` is not a dict.
        ValueError: a score is not a number, or `single_modality` names an
            unknown model.
    """
    scores = _check_scores(scores)
    unknown = [name for name in single_modality if name not in scores]
    if isinstance(single_modality, str) or unknown:
        raise ConfigurationError(
            f"`single_modality` must list names of `scores` {list(scores)}. "
            f"Received: single_modality={describe_value(single_modality)}"
        )
    references = {} if references is None else references
    if not isinstance(references, dict):
        raise ArgumentTypeError(
            f"`references` must be a dict {{label: score}} or None. Received: references={describe_value(references)}"
        )
    references = {str(label): float(_numeric_series(f"references[{label!r}]", [value])[0])
                  for label, value in references.items()}
    _check_path(path)
    figure, (ax,) = _figure(1, panel_width=max(6.0, 0.9 * len(scores) + 2), panel_height=4.5, max_columns=1)
    names = list(scores)
    means = [float(np.mean(scores[name])) for name in names]
    errors = [float(np.std(scores[name], ddof=1)) if len(scores[name]) > 1 else 0.0 for name in names]
    colours = ["tab:gray" if name in single_modality else "tab:blue" for name in names]
    ax.bar(range(len(names)), means, yerr=errors, color=colours, capsize=4, alpha=0.85)
    for position, name in enumerate(names):
        if len(scores[name]) > 1:
            ax.plot([position] * len(scores[name]), scores[name], "k.", markersize=4)
        ax.annotate(f"{means[position]:.1%}" if max(means) <= 1 else f"{means[position]:.3g}",
                    (position, means[position] + errors[position]), ha="center", va="bottom", xytext=(0, 3),
                    textcoords="offset points", fontsize=8)
    for style, (label, value) in zip(("--", ":", "-."), references.items()):
        ax.axhline(value, color="tab:red", linestyle=style, label=f"{label}: {value:.1%}" if value <= 1 else label)
    ax.set_xticks(range(len(names)), labels=names, rotation=30, ha="right")
    ax.set_ylabel(metric)
    low = min(means + list(references.values()))
    ax.set_ylim(max(0.0, low - 0.1) if max(means) <= 1 else None, 1.0 if max(means) <= 1 else None)
    handles = [plt.Rectangle((0, 0), 1, 1, color="tab:blue", alpha=0.85),
               plt.Rectangle((0, 0), 1, 1, color="tab:gray", alpha=0.85)]
    legend = ax.legend(handles + ax.get_legend_handles_labels()[0],
                       ["fusion", "single modality"] + ax.get_legend_handles_labels()[1], loc="upper left",
                       fontsize=8)
    legend.set_zorder(5)
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(f"{metric} per model")
    return _finish(figure, path)


def _classification_report(report, function):
    """Returns the one classification output of an `EvaluationReport`, or the report itself."""
    if isinstance(report, EvaluationReport):
        classifiers = [name for name, output in report.outputs.items() if output.kind == "classification"]
        if len(classifiers) != 1:
            raise ConfigurationError(
                f"`{function}` needs one classification output; this report has {classifiers}. "
                f"Pass one of them, e.g. report[{classifiers[0] if classifiers else 'name'!r}]. "
                f"Received: report with outputs {list(report.outputs)}"
            )
        return report[classifiers[0]]
    return report


def confusion_matrix(report_or_matrix, class_names=None, normalize=None, path=None):
    """Plots a confusion matrix as a heat map with class names and counts.

    Args:
        report_or_matrix: A multiclass or binary `ClassificationReport`, an
            `EvaluationReport` with one classification output, or a square
            array of counts (rows: true class, columns: predicted class).
        class_names: Names of the classes; by default the report's, or
            "0", "1", ... for an array.
        normalize: None (counts), "true" (each row sums to 1: recall per
            class on the diagonal), "pred" (each column sums to 1) or "all".
        path: Optional path of a PNG file to save the figure to.

    Returns:
        A `matplotlib.figure.Figure`.

    Raises:
        TypeError: `report_or_matrix` has the wrong type.
        ValueError: a multilabel report, a matrix that is not square and
            non-negative, wrong `class_names` or an unknown `normalize`.
    """
    report = _classification_report(report_or_matrix, "confusion_matrix")
    if isinstance(report, ClassificationReport):
        if report.task == "multilabel":
            raise ConfigurationError(
                "A multilabel report holds one 2x2 matrix per label; plot one of them, e.g. "
                "confusion_matrix(report.confusion_matrix[0], class_names=['no', 'yes']). "
                f"Received: report_or_matrix=<multilabel report {report.name!r}>"
            )
        matrix = report.confusion_matrix
        class_names = report.class_names if class_names is None else class_names
    elif _is_numeric(report_or_matrix):
        matrix = np.asarray(report_or_matrix)
    else:
        raise ArgumentTypeError(
            "`report_or_matrix` must be a ClassificationReport, an EvaluationReport or an array "
            f"of counts. Received: report_or_matrix={describe_value(report_or_matrix)}"
        )
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 2 or np.any(matrix < 0):
        raise ConfigurationError(
            "`report_or_matrix` must be a square matrix of non-negative counts with at least 2 classes. "
            f"Received: report_or_matrix of shape {matrix.shape}"
        )
    class_names = check_class_names(class_names, matrix.shape[0], "confusion matrix")
    if normalize not in NORMALIZATIONS:
        raise ConfigurationError(f"`normalize` must be one of {NORMALIZATIONS}. Received: normalize={normalize!r}")
    _check_path(path)

    values = matrix.astype("float64")
    if normalize is not None:
        axis = {"true": 1, "pred": 0, "all": None}[normalize]
        totals = values.sum(axis=axis, keepdims=axis is not None)
        values = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    size = len(class_names)
    figure, (ax,) = _figure(1, panel_width=max(5.0, 0.5 * size + 2), panel_height=max(4.0, 0.5 * size + 1.5))
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=1 if normalize else None)
    figure.colorbar(image, ax=ax, label="share" if normalize else "count")
    ax.set_xticks(range(size), labels=class_names, rotation=45, ha="right")
    ax.set_yticks(range(size), labels=class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title("confusion matrix" + (f" (normalized over {normalize})" if normalize else ""))
    if size <= MAX_ANNOTATED_CLASSES:
        middle = values.max() / 2
        for (row, column), value in np.ndenumerate(values):
            text = f"{value:.2f}" if normalize else f"{int(value)}"
            ax.text(column, row, text, ha="center", va="center",
                    color="white" if value > middle else "black", fontsize=8)
    return _finish(figure, path)


def _infer_task(labels, probabilities):
    if probabilities.ndim == 1 or (probabilities.ndim == 2 and probabilities.shape[1] == 1):
        return "binary"
    if labels.ndim == 2 and labels.shape[1] > 1:
        return "multilabel"
    return "multiclass"


def roc_curves(report_or_labels, probabilities=None, class_names=None, path=None):
    """Plots ROC curves: one for a binary output, one per class (one-vs-rest) or label otherwise.

    Example:
        >>> roc_curves(report["label"])                     # from an evaluation report
        >>> roc_curves(labels, probabilities, ["cat", "dog", "bird"])

    Args:
        report_or_labels: A `ClassificationReport` (or an `EvaluationReport`
            with one classification output), whose labels and probabilities
            are used; or the true labels, as accepted by
            `mmzoo.evaluation.classification_metrics`.
        probabilities: With labels, the predicted probabilities:
            `(samples,)` or `(samples, 1)` for a binary output,
            `(samples, classes)` for a multiclass one (labels are class ids)
            or a multilabel one (labels are 0/1 indicators of the same
            shape).
        class_names: Names of the classes; by default the report's, or
            "0", "1", ...
        path: Optional path of a PNG file to save the figure to.

    Returns:
        A `matplotlib.figure.Figure`. A class whose ROC curve is undefined
        (absent from the labels, or always present) is listed in the legend
        as undefined.

    Raises:
        TypeError: the arguments have the wrong types.
        ValueError: labels and probabilities do not fit each other.
    """
    report = _classification_report(report_or_labels, "roc_curves")
    if isinstance(report, ClassificationReport):
        if probabilities is not None:
            raise ConfigurationError(
                "Give either a report or labels with probabilities, not both. "
                f"Received: probabilities={describe_value(probabilities)}"
            )
        names = report.class_names if class_names is None else check_class_names(
            class_names, len(report.class_names), report.task)
    else:
        if probabilities is None:
            raise ConfigurationError(
                "`probabilities` is needed with labels (or pass an evaluation report). Received: probabilities=None"
            )
        labels, scores = np.asarray(report_or_labels), np.asarray(probabilities)
        report = classification_metrics(labels, scores, task=_infer_task(labels, scores), class_names=class_names)
        names = report.class_names
    _check_path(path)

    if report.task == "binary":
        curves = {names[1]: (report.labels, report.probabilities, report.roc_auc)}
    else:
        indicators = (report.labels if report.task == "multilabel"
                      else (report.labels[:, None] == np.arange(len(names))).astype("int64"))
        curves = {name: (indicators[:, index], report.probabilities[:, index], report.roc_auc_per_class[index])
                  for index, name in enumerate(names)}
    figure, (ax,) = _figure(1, panel_width=6.0, panel_height=5.0)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="chance")
    for name, (truth, scores, auc) in curves.items():
        if np.isnan(auc):
            ax.plot([], [], label=f"{name} (undefined)")
            continue
        false_positive_rate, true_positive_rate, _ = sk_metrics.roc_curve(truth, scores)
        ax.plot(false_positive_rate, true_positive_rate, label=f"{name} (AUC {auc:.3f})")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title(f"ROC curves: {report.name} ({report.task})")
    ax.legend(loc="lower right", fontsize="small")
    return _finish(figure, path)


def fusion_weights(model_or_layer, path=None):
    """Plots the learned weight of each modality in every weighted or late fusion layer.

    Args:
        model_or_layer: A model holding `WeightedFusion`, `NonlinearFusion`
            or `LateFusion` layers, or one such layer (built).
        path: Optional path of a PNG file to save the figure to.

    Returns:
        A `matplotlib.figure.Figure` with one bar chart per fusion layer.

    Raises:
        TypeError: `model_or_layer` is neither a model nor a fusion layer.
        ValueError: no weighted or late fusion layer is found, or it is not
            built yet.
    """
    weighted = (WeightedFusion, LateFusion)
    if isinstance(model_or_layer, weighted):
        layers = [model_or_layer]
    elif isinstance(model_or_layer, keras.Model):
        layers = [layer for layer in all_layers(model_or_layer) if isinstance(layer, weighted)]
    else:
        raise ArgumentTypeError(
            "`model_or_layer` must be a keras.Model or a weighted or late fusion layer. "
            f"Received: model_or_layer={describe_value(model_or_layer)}"
        )
    if not layers:
        raise ConfigurationError(
            "The model has no weighted, nonlinear or late fusion layer, whose modality weights "
            f"this plot shows. Received: model_or_layer={model_or_layer.name!r}"
        )
    unbuilt = [layer.name for layer in layers if not layer.built]
    if unbuilt:
        raise ConfigurationError(
            f"Fusion layers {unbuilt} have no weights until they are built (called on inputs). "
            f"Received: model_or_layer={model_or_layer.name!r}"
        )
    _check_path(path)
    figure, axes = _figure(len(layers), panel_width=4.5, panel_height=3.5)
    for ax, layer in zip(axes, layers):
        weights = layer.modality_weights()
        bars = ax.bar(list(weights), list(weights.values()), color="tab:blue")
        ax.bar_label(bars, fmt="%.3f")
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_title(f"{layer.name} ({type(layer).__name__})")
        ax.set_xlabel("modality")
        ax.set_ylabel("weight")
    return _finish(figure, path)


def _modality_blocks(token_names):
    """Returns `[(first, last, modality)]` for each run of tokens of one modality."""
    blocks = []
    for index, name in enumerate(token_names):
        if blocks and blocks[-1][2] == name:
            blocks[-1] = (blocks[-1][0], index, name)
        else:
            blocks.append((index, index, name))
    return blocks


def _token_ticks(blocks, num_tokens):
    """Returns `(positions, labels)`: every token when few, else one tick per modality."""
    if not blocks:
        return list(range(num_tokens)), [str(index) for index in range(num_tokens)]
    if num_tokens > MAX_LABELLED_TOKENS:
        return [(first + last) / 2 for first, last, _ in blocks], [name for _, _, name in blocks]
    positions, labels = [], []
    for first, last, name in blocks:
        positions += range(first, last + 1)
        labels += [name] if first == last else [f"{name} {index}" for index in range(1, last - first + 2)]
    return positions, labels


@renamed_arguments(head="attention_head")
def attention_map(model, inputs, sample=0, attention_head=None, path=None):
    """Plots the attention between modality tokens of the model's `AttentionFusion` for one sample.

    Args:
        model: A model with one `AttentionFusion` layer (e.g.
            `mmzoo.build_model(..., fusion="attention")`).
        inputs: A dict of model inputs (a batch), keyed by modality.
        sample: Index of the sample in the batch.
        attention_head: Index of the attention head, or None for the mean over heads.
        path: Optional path of a PNG file to save the figure to.

    Returns:
        A `matplotlib.figure.Figure`: rows are the attending tokens
        (queries), columns the attended ones (keys), labelled by modality
        (each token when there are at most 24, else each modality's block).

    Raises:
        TypeError: `inputs` is not a dict.
        ValueError: the model has no or several `AttentionFusion` layers,
            or `sample` or `attention_head` is out of range.
    """
    if not isinstance(inputs, dict):
        raise ArgumentTypeError(
            f"`inputs` must be a dict of model inputs keyed by modality. Received: inputs={describe_value(inputs)}"
        )
    check_non_negative_int("sample", sample)
    check_non_negative_int("attention_head", attention_head, allow_none=True)
    _check_path(path)
    scores, token_names = attention_scores(model, inputs)
    batch, num_heads, num_tokens, _ = scores.shape
    if sample >= batch:
        raise ConfigurationError(f"`sample` must be below the batch size {batch}. Received: sample={sample}")
    if attention_head is not None and attention_head >= num_heads:
        raise ConfigurationError(
            f"`attention_head` must be below the number of heads {num_heads}. Received: attention_head={attention_head}"
        )
    values = scores[sample].mean(axis=0) if attention_head is None else scores[sample, attention_head]
    # Token names are incomplete when a modality's number of steps is unknown: label positions then.
    blocks = _modality_blocks(token_names) if len(token_names) == num_tokens else []
    positions, labels = _token_ticks(blocks, num_tokens)
    size = min(10.0, max(4.5, 0.35 * len(positions) + 2))
    figure, (ax,) = _figure(1, panel_width=size + 1, panel_height=size)
    image = ax.imshow(values, cmap="viridis")
    figure.colorbar(image, ax=ax, label="attention")
    ax.set_xticks(positions, labels=labels, rotation=45, ha="right")
    ax.set_yticks(positions, labels=labels)
    for _, last, _ in blocks[:-1]:
        ax.axhline(last + 0.5, color="white", linewidth=1)
        ax.axvline(last + 0.5, color="white", linewidth=1)
    ax.set_xlabel("attended token (key)")
    ax.set_ylabel("attending token (query)")
    heads = "mean over heads" if attention_head is None else f"head {attention_head}"
    ax.set_title(f"attention, sample {sample}, {heads}")
    return _finish(figure, path)


def robustness_curves(curves, title=None, path=None):
    """Plots accuracy against noise level, one line per model, modality or noise.

    Args:
        curves: Dict `{label: (levels, accuracies)}` of equal-length
            sequences of numbers, e.g. `{"image, gaussian": ([0, 0.5, 1], [0.9, 0.7, 0.4])}`.
        title: Title of the figure, or None for "robustness".
        path: Optional path of a PNG file to save the figure to.

    Returns:
        A `matplotlib.figure.Figure`.

    Raises:
        TypeError: `curves` is not a dict or `title` not a string.
        ValueError: a curve is not a pair of equal-length sequences of numbers.
    """
    if not isinstance(curves, dict):
        raise ArgumentTypeError(
            f"`curves` must be a dict {{label: (levels, accuracies)}}. Received: curves={describe_value(curves)}"
        )
    if not curves:
        raise ConfigurationError("`curves` must hold at least one curve. Received: curves={}")
    if title is not None and not isinstance(title, str):
        raise ArgumentTypeError(f"`title` must be a string or None. Received: title={describe_value(title)}")
    series = {}
    for label, curve in curves.items():
        if not isinstance(curve, (tuple, list)) or len(curve) != 2:
            raise ConfigurationError(
                f"Each curve must be a pair (levels, accuracies). Received: curves[{label!r}]={describe_value(curve)}"
            )
        levels = _numeric_series(f"curves[{label!r}] levels", curve[0])
        accuracies = _numeric_series(f"curves[{label!r}] accuracies", curve[1])
        if levels.shape != accuracies.shape:
            raise ConfigurationError(
                f"The levels and accuracies of a curve must have the same length. Received: "
                f"curves[{label!r}] with {levels.size} levels and {accuracies.size} accuracies"
            )
        series[str(label)] = (levels, accuracies)
    _check_path(path)
    figure, (ax,) = _figure(1, panel_width=6.0, panel_height=4.5)
    for label, (levels, accuracies) in series.items():
        ax.plot(levels, accuracies, marker="o", label=label)
    if all(np.all((accuracies >= 0) & (accuracies <= 1)) for _, accuracies in series.values()):
        ax.set_ylim(0, 1.02)
    ax.set_xlabel("noise level")
    ax.set_ylabel("accuracy")
    ax.set_title(title or "robustness")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return _finish(figure, path)
