"""`ModalityDropout`: drops whole modalities while training, takes missing ones at inference."""

import keras
from keras import ops

from mmzoo._checks import check_modality_dict, check_non_negative_int, check_rate
from mmzoo.errors import ConfigurationError


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
        check_rate("rate", rate)
        check_non_negative_int("seed", seed, allow_none=True)
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
