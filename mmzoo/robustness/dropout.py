"""Missing modalities as a supported input: in-band marking and `ModalityDropout`.

A model built with `mmzoo.build_model(..., modality_dropout=0.3)` takes the
same inputs as any other model, so `model.predict({"image": x, "audio": a})`
works unchanged. A modality is marked missing *in band*, per sample:

| input kind                      | a sample's modality is missing when |
|---------------------------------|-------------------------------------|
| float (images, spectrograms...) | every value of the sample is NaN    |
| integer (token ids)             | every id is 0 (padding)             |
| string (raw text)               | every string is empty               |

`MissingModalities` reads those marks into a per-sample mask (and replaces
the NaNs by zeros before the branches run); `ModalityDropout` replaces the
features of a missing modality by a learned "missing" embedding and, at
training time only, also drops whole modalities at random (ModDrop). A model
without `ModalityDropout` has no such convention: a missing modality is
given as zeros (`remove_modality` knows both).
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from mmzoo._checks import check_modality_dict
from mmzoo.errors import ArgumentTypeError, ConfigurationError

MISSING_LAYER_NAME = "missing_modalities"


@keras.saving.register_keras_serializable(package="mmzoo")
class MissingModalities(keras.layers.Layer):
    """Reads the in-band "missing" marks of raw inputs into a per-sample mask.

    Takes the model's raw inputs as a dict `{modality: tensor}` and returns a
    tuple `(inputs, present)`: the inputs with the rows of missing float
    samples set to zeros (so no NaN reaches a branch), and `{modality:
    (batch,) float32}` holding 1.0 where the modality is present and 0.0
    where it is missing (see the module docstring for the marks).

    Args:
        **kwargs: Standard layer arguments.
    """

    def call(self, inputs):
        check_modality_dict("inputs", inputs)
        cleaned, present = {}, {}
        for modality, values in inputs.items():
            axes = tuple(range(1, len(values.shape)))
            if values.dtype == tf.string:
                missing = tf.reduce_all(tf.equal(values, ""), axis=axes)
                cleaned[modality] = values
            elif "float" in str(values.dtype):
                missing = ops.all(ops.isnan(values), axis=axes)
                row = ops.reshape(missing, (-1,) + (1,) * len(axes))
                cleaned[modality] = ops.where(row, ops.zeros_like(values), values)
            else:
                missing = ops.all(ops.equal(values, 0), axis=axes)
                cleaned[modality] = values
            present[modality] = ops.cast(ops.logical_not(missing), "float32")
        return cleaned, present

    def compute_output_spec(self, inputs):
        present = {
            modality: keras.KerasTensor((values.shape[0],), dtype="float32") for modality, values in inputs.items()
        }
        cleaned = {
            modality: keras.KerasTensor(values.shape, dtype=values.dtype) for modality, values in inputs.items()
        }
        return cleaned, present


@keras.saving.register_keras_serializable(package="mmzoo")
class ModalityDropout(keras.layers.Layer):
    """Drops whole modalities at training time; takes a per-sample mask at inference.

    Takes the branch features as a dict `{modality: (batch, dim) or (batch,
    steps, dim)}` and returns the same dict in which the features of a
    dropped or missing modality are replaced by a learned "missing"
    embedding of that modality (ModDrop, Neverova et al. 2016; Ludwig's
    modality dropout). At training time each present modality of each sample
    is dropped with probability `rate`; a sample that would be left with no
    present modality keeps the ones it has. At inference nothing is dropped
    at random, and the optional `present` mask says which modalities each
    sample has.

    Keras masks of token features (padding) pass through; a sample whose
    mask keeps no step (e.g. an all-padding, missing text) gets every step
    unmasked, so the fusion sees its missing embedding.

    Example:
        >>> layer = ModalityDropout(rate=0.3)
        >>> fused_input = layer({"image": image_features, "audio": audio_features},
        ...                     present={"image": image_present, "audio": audio_present})

    Args:
        rate: Probability of dropping a modality of a sample at training
            time, a float in [0, 1).
        seed: Integer seed of the random drops, or None.
        **kwargs: Standard layer arguments.

    Raises:
        ConfigurationError: `rate` is not in [0, 1) or `seed` is negative.
        ArgumentTypeError: `rate` is not a number or `seed` not an integer.
    """

    def __init__(self, rate=0.3, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)):
            raise ArgumentTypeError(f"`rate` must be a float in [0, 1). Received: rate={rate!r}")
        if not 0.0 <= rate < 1.0:
            raise ConfigurationError(f"`rate` must be a float in [0, 1). Received: rate={rate!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ArgumentTypeError(f"`seed` must be a non-negative integer or None. Received: seed={seed!r}")
        if seed is not None and seed < 0:
            raise ConfigurationError(f"`seed` must be a non-negative integer or None. Received: seed={seed!r}")
        self.rate = float(rate)
        self.seed = seed
        self.supports_masking = True
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.modalities = None
        self.missing_embeddings = {}

    def build(self, input_shape):
        check_modality_dict("inputs", input_shape)
        self.modalities = sorted(input_shape)
        for modality in self.modalities:
            shape = tuple(input_shape[modality])
            if len(shape) not in (2, 3) or shape[-1] is None:
                raise ConfigurationError(
                    "ModalityDropout takes features of shape (batch, dim) or (batch, steps, dim); "
                    f"modality {modality!r} has another. Received: shape={shape!r}"
                )
            self.missing_embeddings[modality] = self.add_weight(
                name=f"{modality}_missing_embedding", shape=(shape[-1],), initializer="zeros"
            )
        self.built = True

    def _kept(self, present, batch_size, training):
        if present is None:
            present = {modality: ops.ones((batch_size,)) for modality in self.modalities}
        stacked = ops.stack([ops.cast(present[modality], "float32") for modality in self.modalities], axis=1)
        if training and self.rate > 0.0:
            draws = keras.random.uniform(ops.shape(stacked), seed=self.seed_generator)
            kept = stacked * ops.cast(draws >= self.rate, "float32")
            none_left = ops.sum(kept, axis=1, keepdims=True) == 0.0
            stacked = ops.where(none_left, stacked, kept)
        return {modality: stacked[:, index] for index, modality in enumerate(self.modalities)}

    def call(self, inputs, present=None, training=None):
        check_modality_dict("inputs", inputs)
        if present is not None:
            check_modality_dict("present", present)
            unknown = sorted(set(present) ^ set(self.modalities))
            if unknown:
                raise ConfigurationError(
                    f"`present` must hold one mask per modality {self.modalities}. "
                    f"Received: present keys={sorted(present)}"
                )
        batch_size = ops.shape(inputs[self.modalities[0]])[0]
        kept = self._kept(present, batch_size, training)
        outputs = {}
        for modality in self.modalities:
            features = inputs[modality]
            keep = ops.reshape(ops.cast(kept[modality], "bool"), (-1,) + (1,) * (len(features.shape) - 1))
            embedding = ops.cast(self.missing_embeddings[modality], features.dtype)
            outputs[modality] = ops.where(keep, features, ops.broadcast_to(embedding, ops.shape(features)))
        return outputs

    def compute_output_shape(self, input_shape):
        return dict(input_shape)

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None:
            return None
        masks = {}
        for modality in inputs:
            mask = previous_mask.get(modality)
            if mask is not None:
                empty = ops.logical_not(ops.any(mask, axis=1, keepdims=True))
                mask = ops.logical_or(mask, empty)
            masks[modality] = mask
        return masks

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


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
