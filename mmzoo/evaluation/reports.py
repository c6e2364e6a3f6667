"""Report objects holding the metrics of each output of a model."""

import dataclasses

import numpy as np
import pandas as pd

from mmzoo.errors import ConfigurationError

SUMMARY_METRICS = {
    "classification": ("accuracy", "macro_precision", "macro_recall", "macro_f1", "roc_auc"),
    "regression": ("mae", "mse", "rmse", "r2"),
}


def markdown_table(frame, digits=4):
    """Formats a DataFrame as a GitHub-flavoured Markdown table.

    Args:
        frame: A `pandas.DataFrame`; its index becomes the first column.
        digits: Decimal places of floating-point cells.

    Returns:
        The table as a string, one line per row.
    """
    frame = frame.reset_index()
    def cell(value):
        if isinstance(value, (float, np.floating)):
            return "nan" if np.isnan(value) else f"{value:.{digits}f}"
        return str(value)
    rows = [[str(column) for column in frame.columns]]
    rows += [[cell(value) for value in row] for row in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in frame.columns) + "|")
    return "\n".join(lines)


def _plain(value):
    """Turns numpy values into Python floats, ints and lists (for JSON)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


class _Tabular:
    """Markdown rendering of `to_frame()`, shared by the reports."""

    def to_markdown(self, digits=4):
        """Returns `to_frame()` as a Markdown table.

        Args:
            digits: Decimal places of the numbers.

        Returns:
            A string.
        """
        return markdown_table(self.to_frame(), digits)


class _OutputReport(_Tabular):
    """What the reports of one output share; subclasses set `kind` and `raw_fields`."""

    def summary(self):
        """Returns `{metric: value}` of the output-level metrics."""
        return {metric: getattr(self, metric) for metric in SUMMARY_METRICS[self.kind]}

    def to_dict(self):
        """Returns the task and every metric as plain Python values (JSON-friendly).

        The raw labels and predictions are left out.
        """
        fields = [field.name for field in dataclasses.fields(self) if field.name not in self.raw_fields]
        return {"task": self.task, **{name: _plain(getattr(self, name)) for name in fields}}

    def _heading(self):
        summary = "  ".join(f"{metric} {value:.4f}" for metric, value in self.summary().items())
        return [f"Output {self.name!r} ({self.task}, {self.num_samples} samples)", f"  {summary}"]


@dataclasses.dataclass
class ClassificationReport(_OutputReport):
    """Metrics of one classification output ("multiclass", "binary" or "multilabel").

    Per-class values are arrays in the order of `class_names` (the labels of
    a multilabel output). `roc_auc` is the ROC-AUC of a binary output, the
    one-vs-rest macro average over classes of a multiclass output and the
    macro average over labels of a multilabel one; classes whose ROC-AUC is
    undefined (no positive or no negative sample) are NaN and left out of
    the average, as `notes` says.

    Attributes:
        name: The output's name.
        task: "multiclass", "binary" or "multilabel".
        class_names: One string per class (or label).
        num_samples: Number of samples judged.
        accuracy: Share of samples predicted right (for multilabel: with
            every label right, i.e. exact match).
        macro_precision: Unweighted mean of the per-class precision.
        macro_recall: Unweighted mean of the per-class recall.
        macro_f1: Unweighted mean of the per-class F1.
        roc_auc: See above.
        precision: Per-class precision.
        recall: Per-class recall.
        f1: Per-class F1.
        support: Per-class number of true samples (positives for multilabel).
        roc_auc_per_class: Per-class one-vs-rest ROC-AUC.
        confusion_matrix: `(classes, classes)` counts, rows true and columns
            predicted; for multilabel `(labels, 2, 2)`, one
            `[[tn, fp], [fn, tp]]` per label.
        threshold: Probability at or above which a binary or multilabel
            output counts as positive (None for multiclass).
        notes: Explanations of undefined or conventional values.
        labels: The true labels (integer ids, or 0/1 indicators for multilabel).
        probabilities: The predicted probabilities, `(samples, classes)` for
            multiclass and multilabel, `(samples,)` for binary.
    """

    name: str
    task: str
    class_names: list
    num_samples: int
    accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    roc_auc: float
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray
    roc_auc_per_class: np.ndarray
    confusion_matrix: np.ndarray
    threshold: float = None
    notes: list = dataclasses.field(default_factory=list)
    labels: np.ndarray = dataclasses.field(default=None, repr=False)
    probabilities: np.ndarray = dataclasses.field(default=None, repr=False)

    kind = "classification"
    raw_fields = ("labels", "probabilities")

    def to_frame(self):
        """Returns the per-class metrics as a DataFrame indexed by class name."""
        return pd.DataFrame(
            {"precision": self.precision, "recall": self.recall, "f1": self.f1,
             "support": self.support, "roc_auc": self.roc_auc_per_class},
            index=pd.Index(self.class_names, name="class"),
        )

    def __str__(self):
        lines = self._heading()
        lines += ["  " + line for line in self.to_frame().to_string(float_format="{:.4f}".format).splitlines()]
        if self.task == "multilabel":
            lines.append("  confusion matrices per label, [[tn, fp], [fn, tp]]:")
            lines += [f"    {label}: {matrix.tolist()}"
                      for label, matrix in zip(self.class_names, self.confusion_matrix)]
        else:
            lines.append("  confusion matrix (rows: true class, columns: predicted class):")
            matrix = pd.DataFrame(self.confusion_matrix, index=self.class_names, columns=self.class_names)
            lines += ["    " + line for line in matrix.to_string().splitlines()]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


@dataclasses.dataclass
class RegressionReport(_OutputReport):
    """Metrics of one regression output, averaged over its units.

    Attributes:
        name: The output's name.
        num_samples: Number of samples judged.
        mae: Mean absolute error.
        mse: Mean squared error.
        rmse: Root mean squared error.
        r2: Coefficient of determination R^2 (NaN when undefined: fewer than
            two samples, or constant labels; see `notes`).
        notes: Explanations of undefined values.
        labels: The true values, `(samples, units)`.
        predictions: The predicted values, `(samples, units)`.
    """

    name: str
    num_samples: int
    mae: float
    mse: float
    rmse: float
    r2: float
    notes: list = dataclasses.field(default_factory=list)
    labels: np.ndarray = dataclasses.field(default=None, repr=False)
    predictions: np.ndarray = dataclasses.field(default=None, repr=False)

    task = "regression"
    kind = "regression"
    raw_fields = ("labels", "predictions")

    def to_frame(self):
        """Returns the metrics as a one-row DataFrame indexed by output name."""
        return pd.DataFrame(self.summary(), index=pd.Index([self.name], name="output"))

    def __str__(self):
        lines = self._heading()
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


@dataclasses.dataclass
class EvaluationReport(_Tabular):
    """The metrics of every output of a model on one dataset.

    Index it by output name: `report["label"].accuracy`.

    Attributes:
        outputs: Dict `{output name: ClassificationReport or RegressionReport}`
            in the model's output order.
    """

    outputs: dict

    def __getitem__(self, name):
        if name not in self.outputs:
            raise ConfigurationError(
                f"The report has no output {name!r}; its outputs are {list(self.outputs)}. "
                f"Received: name={name!r}"
            )
        return self.outputs[name]

    def to_dict(self):
        """Returns `{output name: output report as a dict}` (JSON-friendly)."""
        return {name: output.to_dict() for name, output in self.outputs.items()}

    def to_frame(self):
        """Returns one row per output with its task, size and summary metrics.

        Columns are the summary metrics of the kinds of outputs present;
        metrics that do not apply to an output's task are NaN.
        """
        rows = {name: {"task": output.task, "samples": output.num_samples, **output.summary()}
                for name, output in self.outputs.items()}
        kinds = [kind for kind in SUMMARY_METRICS if any(o.kind == kind for o in self.outputs.values())]
        columns = ["task", "samples"] + [metric for kind in kinds for metric in SUMMARY_METRICS[kind]]
        frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)
        frame.index.name = "output"
        return frame

    def __str__(self):
        return "\n\n".join(str(output) for output in self.outputs.values())
