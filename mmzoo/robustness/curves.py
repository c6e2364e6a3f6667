"""Accuracy under noise (`robustness`) and without each modality (`ablation`).

Relative and effective robustness follow MultiBench (Liang et al., 2021,
"MultiBench: Multiscale Benchmarks for Multimodal Representation Learning"):

- relative robustness: the area under the accuracy-vs-level curve,
  `integral of acc(level) d level / (last level - first level)`
  (trapezoids). With levels spanning [0, 1] it is MultiBench's area; it is
  the accuracy averaged over the noise range.
- effective robustness against a reference model: MultiBench removes from
  the accuracy the part a reference model with the same clean accuracy
  would keep, `beta(level) = ref(level) + acc(0) - ref(0)`, and sums
  `acc - beta` over its levels; here it is averaged over the noise range
  like the relative robustness,
  `integral of [(acc(level) - acc(0)) - (ref(level) - ref(0))] d level / range`.
  Positive: the model loses less accuracy than the reference as noise grows.
  MultiBench's reference is late fusion.
"""

import dataclasses

import keras
import numpy as np

from mmzoo._arrays import to_arrays
from mmzoo._checks import check_non_negative_int, check_positive_int, check_probability
from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value
from mmzoo.heads import predicted_classes
from mmzoo.heads import prediction_layers
from mmzoo.robustness.dropout import modality_dropout_layer, remove_modality
from mmzoo.robustness.noise import check_options, corrupt, noise_function

DEFAULT_LEVELS = tuple(np.round(np.linspace(0.0, 1.0, 11), 2).tolist())


@dataclasses.dataclass(frozen=True)
class RobustnessResult:
    """Accuracy of a model as noise on one modality grows.

    Attributes:
        modality: The noisy input.
        noise: The noise name.
        levels: The noise levels, increasing.
        accuracies: Accuracy at each level.
        relative_robustness: Area under the curve over the level range.
        effective_robustness: Against the reference (see the module), or
            None without a reference.
        reference_accuracies: The reference's accuracy at each level, or None.
        label: Name of the model in plots.
        reference_label: Name of the reference in plots, or None.
    """

    modality: str
    noise: str
    levels: tuple
    accuracies: tuple
    relative_robustness: float
    effective_robustness: float = None
    reference_accuracies: tuple = None
    label: str = "model"
    reference_label: str = None

    @property
    def clean_accuracy(self):
        """Accuracy at the first (usually zero) level."""
        return self.accuracies[0]

    def curves(self):
        """Returns `{label: (levels, accuracies)}`, the reference included."""
        curves = {self.label: (list(self.levels), list(self.accuracies))}
        if self.reference_accuracies is not None:
            curves[self.reference_label] = (list(self.levels), list(self.reference_accuracies))
        return curves

    def plot(self, path=None, title=None):
        """Plots accuracy against noise level (and the reference's) with `mmzoo.plots`.

        Args:
            path: PNG file to write, or None.
            title: Figure title; defaults to "<modality>: <noise>".

        Returns:
            The matplotlib figure.
        """
        from mmzoo import plots

        return plots.robustness_curves(self.curves(), title=title or f"{self.modality}: {self.noise}", path=path)


@dataclasses.dataclass(frozen=True)
class AblationResult:
    """Accuracy of a model with all modalities and with each one removed.

    Attributes:
        clean_accuracy: Accuracy with every modality.
        accuracies: `{modality: accuracy with that modality removed}`.
        reliance: `{modality: clean_accuracy - accuracy without it}`, how
            much the model relies on each modality.
    """

    clean_accuracy: float
    accuracies: dict
    reliance: dict


def relative_robustness(levels, accuracies):
    """Area under the accuracy curve divided by the level range (MultiBench).

    Args:
        levels: Increasing noise levels.
        accuracies: Accuracy at each level.

    Returns:
        A float; the mean accuracy over the noise range.
    """
    levels, accuracies = _as_curve("levels", levels), _as_curve("accuracies", accuracies)
    if len(accuracies) != len(levels) or len(levels) < 2 or not levels[-1] > levels[0]:
        raise ConfigurationError(
            "`levels` must be at least two increasing levels, and `accuracies` one value per level. "
            f"Received: levels={levels.tolist()}, accuracies={accuracies.tolist()}"
        )
    return float(np.trapezoid(accuracies, levels) / (levels[-1] - levels[0]))


def effective_robustness(levels, accuracies, reference_accuracies):
    """Accuracy kept beyond what a reference with the same clean accuracy keeps (MultiBench).

    Args:
        levels: Increasing noise levels.
        accuracies: The model's accuracy at each level.
        reference_accuracies: The reference's accuracy at each level.

    Returns:
        `relative(acc - acc[0]) - relative(ref - ref[0])`, a float.
    """
    accuracies, reference = _as_curve("accuracies", accuracies), _as_curve("reference_accuracies", reference_accuracies)
    if len(reference) != len(accuracies):
        raise ConfigurationError(
            "`reference_accuracies` must have one value per level, as `accuracies`. "
            f"Received: accuracies={accuracies.tolist()}, reference_accuracies={reference.tolist()}"
        )
    return relative_robustness(levels, (accuracies - accuracies[0]) - (reference - reference[0]))


def _as_curve(name, values):
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"`{name}` must be a sequence of numbers. Received: {name}={describe_value(values)}") \
            from None
    if array.ndim != 1 or not np.all(np.isfinite(array)):
        raise ConfigurationError(f"`{name}` must be a 1-D sequence of finite numbers. Received: {name}={values!r}")
    return array


def _check_model(model, name="model"):
    if not isinstance(model, keras.Model):
        raise ArgumentTypeError(f"`{name}` must be a keras.Model. Received: {name}={describe_value(model)}")
    layers = prediction_layers(model)
    if len(model.outputs) != 1 or (layers and next(iter(layers.values())).task not in ("multiclass", "binary")):
        raise ConfigurationError(
            f"`{name}` must have one multiclass or binary classification output. "
            f"Received: {name} with outputs {model.output_names}"
        )


def accuracy(model, inputs, labels, batch_size=256):
    """Accuracy of a single-output classifier (argmax, or 0.5 threshold for one unit).

    Args:
        model: A Keras model with one classification output.
        inputs: Dict of numpy arrays.
        labels: Class ids `(n,)` (or `(n, 1)` binary targets).
        batch_size: Prediction batch size.

    Returns:
        A float in [0, 1].
    """
    scores = np.asarray(model.predict(inputs, batch_size=batch_size, verbose=0))
    predicted = predicted_classes(scores, "binary" if scores.shape[-1] == 1 else "multiclass")
    return float(np.mean(predicted == np.asarray(labels).reshape(-1)))


def _check_levels(levels):
    if not isinstance(levels, (list, tuple, np.ndarray)) or len(levels) < 2:
        raise ConfigurationError(
            f"`levels` must be a list of at least two noise levels in [0, 1]. Received: levels={describe_value(levels)}"
        )
    for level in levels:
        check_probability("levels", level)
    if np.any(np.diff(np.asarray(levels, float)) <= 0):
        raise ConfigurationError(f"`levels` must be strictly increasing. Received: levels={list(levels)!r}")
    return tuple(float(level) for level in levels)


def _curve(model, inputs, labels, modality, noise, levels, seed, options, batch_size):
    if noise == "missing" and modality_dropout_layer(model) is not None:
        options = {"in_band": True, **options}
    accuracies = []
    for level in levels:
        noisy = {**inputs, modality: corrupt(inputs[modality], modality, noise, level, seed=seed, **options)}
        accuracies.append(accuracy(model, noisy, labels, batch_size))
    return tuple(accuracies)


def robustness(model, data, modality, noise, levels=DEFAULT_LEVELS, reference=None, seed=0, batch_size=256,
               label="model", reference_label="reference", **options):
    """Measures accuracy as noise on one modality grows from level 0 to 1 (MultiBench).

    Every level uses the same seed, so a higher level corrupts a superset of
    what a lower one did. A "missing" modality is given as the model expects
    it (in-band marks for a model with `ModalityDropout`, zeros otherwise).

    Example:
        >>> result = mmzoo.robustness.robustness(model, (inputs, labels), modality="audio",
        ...                                      noise="white_noise", reference=late_fusion_model)
        >>> result.relative_robustness, result.effective_robustness
        >>> result.plot("audio_noise.png")

    Args:
        model: A Keras model with one multiclass or binary output.
        data: A tuple `(inputs, labels)` of numpy arrays or a finite
            `tf.data.Dataset` of such pairs.
        modality: The input to corrupt: "image", "audio" or "text" (any
            input name for noise="missing").
        noise: A name from `mmzoo.robustness.available_noises(modality)`.
        levels: Increasing levels in [0, 1]; default 0, 0.1, ..., 1.
        reference: None, a model judged on the same noise, or the
            `RobustnessResult` of one (same levels), for the effective
            robustness.
        seed: Non-negative integer seed of the noise.
        batch_size: Prediction batch size.
        label: Name of the model in plots.
        reference_label: Name of the reference in plots.
        **options: Options of the noise (see `mmzoo.robustness.corrupt`).

    Returns:
        A `RobustnessResult`.

    Raises:
        TypeError: `model`, `data`, `reference` or `seed` has the wrong type.
        ValueError: a model without one classification output, a modality
            the data does not hold, an unknown noise or option, or bad levels.
    """
    _check_model(model)
    inputs, labels = to_arrays(data)
    if modality not in inputs:
        raise ConfigurationError(
            f"`modality` must be one of the inputs {sorted(inputs)}. Received: modality={describe_value(modality)}"
        )
    kind = "image" if noise == "missing" else modality
    check_options(noise_function(kind, noise), noise, options)
    levels = _check_levels(levels)
    check_non_negative_int("seed", seed)
    if isinstance(reference, RobustnessResult):
        if reference.levels != levels or (reference.modality, reference.noise) != (modality, noise):
            raise ConfigurationError(
                "A reference result must share the modality, noise and levels. Received: reference with "
                f"modality={reference.modality!r}, noise={reference.noise!r}, levels={reference.levels}"
            )
        reference_accuracies = reference.accuracies
    elif reference is None:
        reference_accuracies = None
    else:
        _check_model(reference, "reference")
        reference_accuracies = _curve(reference, inputs, labels, modality, noise, levels, seed, options, batch_size)
    accuracies = _curve(model, inputs, labels, modality, noise, levels, seed, options, batch_size)
    return RobustnessResult(
        modality=modality,
        noise=noise,
        levels=levels,
        accuracies=accuracies,
        relative_robustness=relative_robustness(levels, accuracies),
        effective_robustness=(
            None if reference_accuracies is None else effective_robustness(levels, accuracies, reference_accuracies)
        ),
        reference_accuracies=reference_accuracies,
        label=label,
        reference_label=None if reference_accuracies is None else reference_label,
    )


def ablation(model, data, batch_size=256):
    """Measures accuracy with each modality in turn removed: how much the model relies on each.

    A removed modality is given as the model expects a missing one (see
    `mmzoo.robustness.remove_modality`): in-band marks for a model with
    `ModalityDropout`, zeros otherwise.

    Args:
        model: A Keras model with one multiclass or binary output.
        data: A tuple `(inputs, labels)` of numpy arrays or a finite
            `tf.data.Dataset` of such pairs.
        batch_size: Prediction batch size.

    Returns:
        An `AblationResult`.

    Raises:
        TypeError: `model` or `data` has the wrong type.
        ValueError: a model without one classification output.
    """
    _check_model(model)
    check_positive_int("batch_size", batch_size)
    inputs, labels = to_arrays(data)
    clean = accuracy(model, inputs, labels, batch_size)
    accuracies = {
        modality: accuracy(model, remove_modality(inputs, modality, model), labels, batch_size) for modality in inputs
    }
    return AblationResult(
        clean_accuracy=clean,
        accuracies=accuracies,
        reliance={modality: clean - value for modality, value in accuracies.items()},
    )
