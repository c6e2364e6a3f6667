"""Evaluation: the metrics of every output of a model, as a report.

    >>> report = mmzoo.evaluation.evaluate(model, (test_inputs, test_labels))
    >>> print(report)                    # per output: summary, per-class table, confusion matrix
    >>> report["label"].macro_f1         # one metric
    >>> report.to_frame()                # one row per output (pandas)
    >>> report["label"].to_markdown()    # per-class table as Markdown

- `evaluate(model, data)`: predictions of a model on labelled data -> an
  `EvaluationReport` of `ClassificationReport`s and `RegressionReport`s.
- `classification_metrics` and `regression_metrics`: the same reports from
  arrays of labels and predictions.
- `predict_with_labels`: the labels and predictions of every output, paired.
- `modality_balance`: how well each branch of a fused model does on its own
  (linear probes on its features), next to single-modality models.
- `retrieval_metrics`, `retrieval_ranks`, `cross_modal_metrics`: recall@1/5/10,
  median rank and mean reciprocal rank of a search, for instance pairs or
  class matches (same label), both directions between every two modalities.

The metrics are computed by scikit-learn.
"""

from mmzoo.evaluation.balance import ModalityBalance, branch_features, modality_balance
from mmzoo.evaluation.evaluator import evaluate, predict_with_labels
from mmzoo.evaluation.metrics import classification_metrics, regression_metrics
from mmzoo.evaluation.retrieval import cross_modal_metrics, retrieval_metrics, retrieval_ranks
from mmzoo.evaluation.reports import ClassificationReport, EvaluationReport, RegressionReport

__all__ = [
    "evaluate", "predict_with_labels", "classification_metrics", "regression_metrics",
    "EvaluationReport", "ClassificationReport", "RegressionReport",
    "modality_balance", "ModalityBalance", "branch_features",
    "retrieval_metrics", "retrieval_ranks", "cross_modal_metrics",
]
