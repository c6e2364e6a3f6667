"""`TrainingOnly`: a layer applied in training only, and the identity for every other caller."""

import keras

from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value


@keras.saving.register_keras_serializable(package="mmzoo")
class TrainingOnly(keras.layers.Wrapper):
    """Applies the wrapped layer when called with `training=True`; otherwise returns the input.

    Keras' random augmentation layers (`RandomTranslation`, `RandomFlip`,
    ...) take `training=True` as their default, for use in `tf.data`
    pipelines. Inside a model, they then also augment whenever the model is
    called without `training`: `model(x)`, and Keras' own `model.export`,
    which traces the model that way (a SavedModel would serve randomly
    augmented predictions). Wrapped in `TrainingOnly` they augment only
    under `fit` (and any explicit `training=True`); `model(x)`, `predict`,
    `evaluate` and every export give them their input unchanged.

    Example:
        >>> shift = TrainingOnly(keras.layers.RandomTranslation(0.0, 0.0625, fill_mode="nearest"))
        >>> shift(spectrograms)                  # unchanged
        >>> shift(spectrograms, training=True)   # shifted along the width

    Args:
        layer: The Keras layer to apply in training. It must give outputs of
            its inputs' shape, as the identity does.
        **kwargs: Standard layer arguments (`name`, ...).

    Raises:
        ArgumentTypeError: `layer` is not a Keras layer.
        ConfigurationError: (when built) `layer` changes the shape of its inputs.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, keras.layers.Layer):
            raise ArgumentTypeError(f"`layer` must be a Keras layer. Received: layer={describe_value(layer)}")
        super().__init__(layer, **kwargs)

    def build(self, input_shape):
        output_shape = self.layer.compute_output_shape(input_shape)
        if tuple(output_shape) != tuple(input_shape):
            raise ConfigurationError(
                f"`layer` must keep the shape of its inputs, as `TrainingOnly` gives them unchanged outside "
                f"training; {self.layer.name!r} maps {tuple(input_shape)} to {tuple(output_shape)}. "
                f"Received: layer={self.layer.__class__.__name__}")
        super().build(input_shape)

    def call(self, inputs, training=False):
        return self.layer(inputs, training=True) if training else inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # A copy: `keras.layers.Wrapper.from_config` pops "layer" from the dict it is given.
        return super().from_config(dict(config), custom_objects=custom_objects)
