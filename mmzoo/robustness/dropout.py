"""Missing modalities as a supported input: finding `ModalityDropout`, marking a modality missing.

A model built with `mmzoo.build_model(..., modality_dropout=0.3)` takes the
same inputs as any other model, so `model.predict({"image": x, "audio": a})`
works unchanged. A modality is marked missing *in band*, per sample (NaN
floats, all-padding token ids, empty strings: see
`mmzoo.layers.missing_modalities`). `mmzoo.layers.MissingModalities` reads
those marks into a per-sample mask; `mmzoo.layers.ModalityDropout` replaces
the features of a missing modality by a learned "missing" embedding. A model
without `ModalityDropout` has no such convention: a missing modality is
given as zeros (`remove_modality` knows both).
"""

import keras
import numpy as np

from mmzoo._checks import check_modality_dict
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.layers.modality_dropout import ModalityDropout


def modality_dropout_layer(model):
    """Returns the model's `ModalityDropout` layer, or None if it has none.

    Args:
        model: A Keras model.

    Returns:
        The `ModalityDropout` layer or None.
    """
    found = [layer for layer in model.layers if isinstance(layer, ModalityDropout)]
    return found[0] if found else None


def missing_value(values, in_band):
    """Returns the value marking a missing modality in an array of its samples.

    Args:
        values: Numpy array of one modality's samples.
        in_band: Whether the model reads in-band marks (has `ModalityDropout`).

    Returns:
        "" for strings, NaN for floats when `in_band`, otherwise 0.
    """
    if values.dtype.kind in "OSU":
        return ""
    if values.dtype.kind == "f" and in_band:
        return np.nan
    return 0


def remove_modality(inputs, modality, model=None, rows=None):
    """Returns a copy of the inputs with one modality missing, as a model expects it.

    A model with `ModalityDropout` reads a missing modality in band (NaN
    floats, all-padding token ids, empty strings); any other model gets
    zeros (empty strings for raw text), the usual stand-in for a missing
    sensor.

    Example:
        >>> without_audio = remove_modality({"image": x, "audio": a}, "audio", model=model)
        >>> model.predict(without_audio)

    Args:
        inputs: Dict `{modality: numpy array}`.
        modality: The modality to remove, a key of `inputs`.
        model: The model the inputs are for, or None for zeros.
        rows: Boolean array of shape `(n,)` choosing the samples that lose
            the modality, or None for every sample.

    Returns:
        A new dict; the arrays of the other modalities are shared, not copied.

    Raises:
        ArgumentTypeError: `inputs` is not a dict or `model` not a Keras model.
        ConfigurationError: `modality` is not a key of `inputs`, or `rows`
            has the wrong shape.
    """
    check_modality_dict("inputs", inputs)
    if modality not in inputs:
        raise ConfigurationError(
            f"`modality` must be one of the inputs {sorted(inputs)}. Received: modality={modality!r}"
        )
    if model is not None and not isinstance(model, keras.Model):
        raise ArgumentTypeError(f"`model` must be a keras.Model or None. Received: model={model!r}")
    values = np.asarray(inputs[modality])
    in_band = model is not None and modality_dropout_layer(model) is not None
    fill = missing_value(values, in_band)
    removed = values.copy()
    if rows is None:
        removed[...] = fill
    else:
        rows = np.asarray(rows, dtype=bool)
        if rows.shape != (len(values),):
            raise ConfigurationError(
                f"`rows` must be a boolean array of shape ({len(values)},). Received: rows of shape {rows.shape}"
            )
        removed[rows] = fill
    return {**inputs, modality: removed}
