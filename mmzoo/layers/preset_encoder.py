"""`PresetEncoder`: a pretrained encoder with its own preprocessing, from raw inputs to features."""

import math

import keras
from keras import ops

from mmzoo._checks import OUTPUT_MODES, check_choice, check_positive_int, check_type
from mmzoo.errors import ConfigurationError
from mmzoo.layers.masked_mean import masked_mean

POOLINGS = (*OUTPUT_MODES, "embedding")
"""Outputs of a preset encoder: the mean of the tokens, the tokens, or the two-tower model's own joint embedding."""
STANDARDIZE_OPTIONS = ("lower", "lower_and_strip_punctuation", None)
"""Text standardisations of keras-hub task preprocessors: CLIP's `to_lower`, SigLIP's `canonicalize_text`."""
PUNCTUATION = r"!|\"|#|\$|%|&|\\|'|\(|\)|\*|\+|,|-|\.|/|:|;|<|=|>|\?|@|\[|\\|\]|\^|_|`|{|\||}|~"
"""The characters SigLIP's preprocessor removes (big_vision's prompt canonicalisation)."""

SEQUENCE_KEYS = ("sequence_output", "encoder_sequence_output")
"""Keys of the token features in an encoder's dict output, in order of preference."""


def _sequence(outputs):
    """Returns the token features of an encoder's outputs as `(batch, steps, dim)`."""
    if isinstance(outputs, dict):
        outputs = next(outputs[key] for key in SEQUENCE_KEYS if key in outputs)
    if len(outputs.shape) == 4:
        batch = ops.shape(outputs)[0]
        outputs = ops.reshape(outputs, (batch, -1, outputs.shape[-1]))
    return outputs


def is_text_encoder(encoder):
    """Tells whether an encoder takes token ids (a `token_ids` input, or one integer input)."""
    if isinstance(encoder.input, dict):
        return "token_ids" in encoder.input
    return "int" in str(encoder.input.dtype)


@keras.saving.register_keras_serializable(package="mmzoo")
class PresetEncoder(keras.layers.Layer):
    """Runs an encoder (a keras-hub backbone or one of its towers) on raw inputs, with its preprocessing.

    The preprocessing is the preset's own: a keras-hub tokenizer (strings in,
    packed to `sequence_length` tokens between the start and end tokens, with
    a padding mask), an image converter (resizing and rescaling pixels) or an
    audio converter (waveform to the encoder's spectrogram). The output is
    the encoder's token features, pooled into one vector (the mean over the
    real tokens) or kept as tokens; or, for a tower of a two-tower model
    (CLIP, SigLIP), pooled as that model pools it (an image's class token, a
    text's end token) and passed through its `projection`: the joint
    embedding in which the model's images and texts are compared. A tower
    that pools its tokens itself (SigLIP's) returns its vector for
    `"vector"` and `"embedding"`. A frozen encoder (`trainable=False`)
    runs in inference mode, its dropout off, as in the transfer-learning
    recipe: its features are then the same at every epoch, which is what
    frozen-feature caching relies on.

    The tokenizer's vocabulary is saved with the layer (as keras-hub assets):
    a model holding this layer reloads from `.keras` without the preset
    folder, but needs `keras_hub` importable.

    Args:
        encoder: A `keras.Model` whose inputs are `token_ids` (and
            optionally `padding_mask`, `segment_ids`) for text, or one
            tensor otherwise; its output is a tensor of tokens or of a
            feature map, or a dict holding `sequence_output` or
            `encoder_sequence_output`.
        preprocessor: A keras-hub tokenizer, image converter or audio
            converter, or None for inputs the encoder takes as they are.
        sequence_length: Tokens per text (text encoders only; None otherwise).
        pooling: `"vector"` (mean over the real tokens, `(batch, dim)`),
            `"tokens"` (`(batch, steps, dim)`, for attention fusion) or
            `"embedding"` (the first token of an image, the end token of a
            text, then `projection`).
        projection: The two-tower model's projection of this tower (a
            `keras.layers.Dense`), applied with `pooling="embedding"`; None
            when the tower projects itself (SigLIP).
        standardize: What is done to texts before tokenizing, as the
            preset's own preprocessing does it: `"lower"` (CLIP),
            `"lower_and_strip_punctuation"` (SigLIP: lower-cased,
            punctuation removed, spaces collapsed and stripped) or None.
        **kwargs: Base layer arguments (`name`, `trainable`, `dtype`).

    Raises:
        ArgumentTypeError: `encoder` is not a `keras.Model` or `projection`
            not a layer.
        ConfigurationError: `pooling` or `standardize` is unknown, `sequence_length` is
            not positive, `"tokens"` of a tower that pools itself, or a
            `projection` without `pooling="embedding"`.
    """

    def __init__(self, encoder, preprocessor=None, sequence_length=64, pooling="vector", projection=None,
                 standardize=None, trainable=True, **kwargs):
        super().__init__(**kwargs)
        check_type("encoder", encoder, keras.Model, "a keras.Model (a keras-hub backbone or one of its towers)")
        check_choice("pooling", pooling, POOLINGS)
        check_positive_int("sequence_length", sequence_length, allow_none=not is_text_encoder(encoder))
        check_type("projection", projection, (keras.layers.Layer, type(None)), "a keras layer or None")
        check_choice("standardize", standardize, STANDARDIZE_OPTIONS)
        if projection is not None and pooling != "embedding":
            raise ConfigurationError(
                f"A projection applies to the joint embedding only: use pooling='embedding'. "
                f"Received: pooling={pooling!r}, projection={projection.name!r}")
        self.encoder = encoder
        self.preprocessor = preprocessor
        self.sequence_length = sequence_length
        self.pooling = pooling
        self.projection = projection
        self.standardize = standardize
        self.is_text = is_text_encoder(encoder)
        self.trainable = trainable
        if pooling == "tokens" and self._pools_itself():
            raise ConfigurationError(
                f"The encoder {encoder.name!r} pools its tokens itself (it returns one vector per sample): use "
                f"pooling='vector' or 'embedding'. Received: pooling={pooling!r}")

    @keras.layers.Layer.trainable.setter
    def trainable(self, value):
        keras.layers.Layer.trainable.fset(self, value)
        # A keras-hub backbone rebuilt from its config does not pass the flag
        # on to its own layers: set it on every variable of the encoder.
        for part in (getattr(self, "encoder", None), getattr(self, "projection", None)):
            for variable in part.weights if part is not None else ():
                variable.trainable = bool(value)

    def _pools_itself(self):
        """Tells whether the encoder returns one vector per sample (a SigLIP tower), not tokens."""
        return len(self._encoder_output_spec().shape) == 2

    def build(self, input_shape):
        if self.projection is not None and not self.projection.built:  # reloaded from its config
            self.projection.build((None, self._encoder_output_spec().shape[-1]))
        self.built = True

    def _pack(self, inputs):
        """Tokenizes strings and packs them: `(token_ids, padding_mask)`, both `(batch, sequence_length)`.

        The packer is made at call time, not in `build`: a model loaded from
        `.keras` is built before the tokenizer's vocabulary (an asset) is
        restored, and the start, end and padding ids come from it.
        """
        from keras_hub.layers import StartEndPacker

        tokenizer = self.preprocessor
        packer = StartEndPacker(
            start_value=getattr(tokenizer, "start_token_id", None), end_value=tokenizer.end_token_id,
            pad_value=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0,
            sequence_length=self.sequence_length, return_padding_mask=True, dtype="int32")
        return packer(tokenizer(self._standardized(inputs)))

    def _standardized(self, texts):
        """Texts as the preset's own preprocessing standardises them (TensorFlow string ops, as the tokenizers)."""
        if self.standardize is None:
            return texts
        import tensorflow as tf  # text branches run on TensorFlow (keras-hub tokenizers)

        texts = tf.strings.lower(texts)
        if self.standardize == "lower_and_strip_punctuation":
            texts = tf.strings.regex_replace(texts, PUNCTUATION, "")
            texts = tf.strings.strip(tf.strings.regex_replace(texts, r"\s+", " "))
        return texts

    def _encoder_inputs(self, inputs):
        """Returns `(encoder inputs, padding mask or None)` for raw inputs."""
        if not self.is_text:
            prepared = inputs if self.preprocessor is None else self.preprocessor(inputs)
            if isinstance(self.encoder.input, dict):  # one named input, e.g. {"images": ...}
                prepared = {key: prepared for key in self.encoder.input}
            return prepared, None
        token_ids, padding_mask = self._pack(inputs)
        return self._text_feed(token_ids, padding_mask), padding_mask

    def _text_feed(self, token_ids, padding_mask):
        if not isinstance(self.encoder.input, dict):
            return token_ids
        available = {"token_ids": token_ids, "padding_mask": padding_mask,
                     "segment_ids": ops.zeros_like(token_ids)}
        return {key: available[key] for key in self.encoder.input}

    def _pool(self, outputs, padding_mask):
        tokens = _sequence(outputs)
        if self.pooling == "tokens" or len(tokens.shape) == 2:
            pooled = tokens
        elif self.pooling == "vector":
            pooled = masked_mean(tokens, padding_mask)
        elif padding_mask is None:  # an image's class token, as CLIP pools it
            pooled = tokens[:, 0, :]
        else:  # a text's end token: the last real one
            last = ops.sum(ops.cast(padding_mask, "int32"), axis=1) - 1
            pooled = ops.take_along_axis(tokens, ops.reshape(last, (-1, 1, 1)), axis=1)[:, 0, :]
        return pooled if self.projection is None else self.projection(pooled)

    def call(self, inputs, training=None):
        feed, padding_mask = self._encoder_inputs(inputs)
        return self._pool(self.encoder(feed, training=training if self.trainable else False), padding_mask)

    def _encoder_output_spec(self, batch=None):
        """The encoder's token features (or pooled vector) for a batch, as a symbolic tensor."""
        if self.is_text:
            token_ids = keras.KerasTensor((batch, self.sequence_length), dtype="int32")
            padding_mask = keras.KerasTensor((batch, self.sequence_length), dtype="bool")
            feed = self._text_feed(token_ids, padding_mask)
        else:
            feed = keras.tree.map_structure(
                lambda tensor: keras.KerasTensor((batch, *tensor.shape[1:]), dtype=tensor.dtype), self.encoder.input)
        outputs = self.encoder.compute_output_spec(feed)
        if isinstance(outputs, dict):
            outputs = next(outputs[key] for key in SEQUENCE_KEYS if key in outputs)
        return outputs

    def compute_output_spec(self, inputs):
        shape = tuple(self._encoder_output_spec(inputs.shape[0]).shape)
        if len(shape) == 2:
            output_shape = shape
        elif self.pooling == "tokens":
            output_shape = (shape[0], None if None in shape[1:-1] else math.prod(shape[1:-1]), shape[-1])
        else:
            output_shape = (shape[0], shape[-1])
        if self.projection is not None:
            output_shape = tuple(self.projection.compute_output_shape(output_shape))
        return keras.KerasTensor(output_shape, dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "preprocessor": keras.saving.serialize_keras_object(self.preprocessor),
            "sequence_length": self.sequence_length,
            "pooling": self.pooling,
            "projection": keras.saving.serialize_keras_object(self.projection),
            "standardize": self.standardize,
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["preprocessor"] = keras.saving.deserialize_keras_object(config["preprocessor"])
        config["projection"] = keras.saving.deserialize_keras_object(config.get("projection"))
        return cls(**config)
