"""Modality balance: how well each branch of a fused model does on its own.

A fused model can lean on its easiest modality and leave the others
under-trained (modality imbalance; Peng et al., "Balanced Multimodal Learning
via On-the-fly Gradient Modulation", CVPR 2022). `modality_balance` measures
it the usual way: a linear probe (logistic regression) on each branch's
frozen features, next to the accuracy of a model trained on that modality
alone. A probe far below its single-modality model shows a branch the
fusion did not train; `mmzoo.training.with_auxiliary_heads` is a remedy.
"""

import dataclasses

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import keras

from mmzoo.assemble import branch_outputs
from mmzoo._checks import check_modality_dict, check_positive_int, check_probability
from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value
from mmzoo.training.data import check_data


@dataclasses.dataclass
class ModalityBalance:
    """Per modality: linear-probe accuracy of the fused model's branch and of a single-modality model.

    Attributes:
        probe_accuracy: `{modality: test accuracy of a linear probe on the branch's features}`.
        reference_accuracy: `{modality: test accuracy of a model trained on that modality alone}`
            for the modalities given a reference.
    """

    probe_accuracy: dict
    reference_accuracy: dict

    def gap(self, modality):
        """Returns probe minus reference accuracy of `modality` (None without a reference)."""
        reference = self.reference_accuracy.get(modality)
        return None if reference is None else self.probe_accuracy[modality] - reference

    def to_markdown(self):
        """Returns the report as a Markdown table, one row per modality."""
        lines = ["| modality | branch in the fused model (linear probe) | single-modality model | gap (points) |",
                 "|---|---:|---:|---:|"]
        for modality, accuracy in self.probe_accuracy.items():
            reference, gap = self.reference_accuracy.get(modality), self.gap(modality)
            lines.append(f"| {modality} | {accuracy:.1%} | {'-' if reference is None else f'{reference:.1%}'} "
                         f"| {'-' if gap is None else f'{100 * gap:+.1f}'} |")
        return "\n".join(lines) + "\n"

    def __str__(self):
        return self.to_markdown()


def branch_features(model, inputs, batch_size=256):
    """Returns the features each branch of a fused model gives for `inputs`.

    Args:
        model: A model made by `mmzoo.build_model`.
        inputs: Dict of numpy arrays keyed by modality.
        batch_size: Samples per prediction step.

    Returns:
        `{modality: float32 array (samples, features)}`, token outputs
        averaged over their steps.
    """
    check_modality_dict("inputs", inputs)
    check_positive_int("batch_size", batch_size)
    model_inputs, _, features = branch_outputs(model)
    extractor = keras.Model(model_inputs, features)
    values = extractor.predict({name: inputs[name] for name in model_inputs}, batch_size=batch_size, verbose=0)
    return {modality: _as_vectors(array) for modality, array in values.items()}


def _as_vectors(array):
    array = np.asarray(array, dtype=np.float32)
    return array.mean(axis=1) if array.ndim == 3 else array.reshape(len(array), -1)


def _check_references(references, modalities):
    if references is None:
        return {}
    if not isinstance(references, dict):
        raise ArgumentTypeError(
            "`references` must be a dict {modality: test accuracy of a single-modality model}. "
            f"Received: references={describe_value(references)}"
        )
    for modality, accuracy in references.items():
        if modality not in modalities:
            raise ConfigurationError(
                f"`references` names a modality the model does not take; it takes {sorted(modalities)}. "
                f"Received: references key {modality!r}"
            )
        check_probability(f"references[{modality!r}]", accuracy)
    return {modality: float(accuracy) for modality, accuracy in references.items()}


def modality_balance(model, train, test, references=None, probe_size=5000, seed=0):
    """Measures how well each modality's branch does inside a trained fused model.

    A logistic regression (on standardised features) is fitted on the
    frozen features of each branch for up to `probe_size` training pairs,
    and judged on the test pairs.

    Example:
        >>> balance = modality_balance(model, train, test, references={"image": 0.61, "audio": 0.67})
        >>> print(balance)            # probe vs single-modality accuracy, per modality

    Args:
        model: A trained single-output classifier made by `mmzoo.build_model`.
        train: `(inputs, labels)` numpy pairs the probes are fitted on.
        test: `(inputs, labels)` numpy pairs the probes are judged on.
        references: Optional `{modality: test accuracy}` of models trained
            on one modality alone, shown next to the probes.
        probe_size: Training pairs for each probe (a random subset when
            there are more), a positive integer.
        seed: Seed of that subset and of the probes.

    Returns:
        A `ModalityBalance`.

    Raises:
        ArgumentTypeError: `model`, `train`, `test` or `references` has the
            wrong type.
        ConfigurationError: the data does not fit the model, labels are not
            class ids, or a reference is not an accuracy of a modality of
            the model.
    """
    for name, data in (("train", train), ("test", test)):
        if not (isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], dict)):
            raise ArgumentTypeError(
                f"`{name}` must be a tuple (inputs, labels) with inputs a dict of numpy arrays keyed by "
                f"modality. Received: {name}={describe_value(data)}"
            )
        check_data(data, name, model)
    check_positive_int("probe_size", probe_size)
    references = _check_references(references, set(model.input))
    inputs, labels = train
    if len(labels) > probe_size:
        keep = np.sort(np.random.default_rng(seed).choice(len(labels), size=probe_size, replace=False))
        inputs, labels = {name: values[keep] for name, values in inputs.items()}, np.asarray(labels)[keep]
    train_features = branch_features(model, inputs)
    test_features = branch_features(model, test[0])
    probes = {}
    for modality, features in train_features.items():
        probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=seed))
        probe.fit(features, np.asarray(labels).ravel())
        probes[modality] = float(probe.score(test_features[modality], np.asarray(test[1]).ravel()))
    return ModalityBalance(probe_accuracy=probes, reference_accuracy=references)
