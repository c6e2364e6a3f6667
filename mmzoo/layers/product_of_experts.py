"""`ProductOfExperts`: class probabilities of several models -> the logits of their normalised product."""

import keras
from keras import ops

EPSILON = 1e-7
"""Smallest probability taken, so that one model's certain "no" does not give minus infinity."""


@keras.saving.register_keras_serializable(package="mmzoo")
class ProductOfExperts(keras.layers.Layer):
    """Sums the log-probabilities of several classifiers: the logits of their product.

    Followed by a softmax (a `multiclass` `Prediction`), it gives the
    normalised product of the experts' class distributions (Hinton, "Training
    Products of Experts by Minimizing Contrastive Divergence", Neural
    Computation 2002): each classifier votes with its whole distribution, and
    a class that one expert rules out is ruled out. For experts that see
    independent evidence (two modalities) and are calibrated, it is the
    Bayes posterior under a uniform prior.

    Example:
        >>> logits = ProductOfExperts()([image_probabilities, audio_probabilities])

    Args:
        **kwargs: Standard layer arguments.
    """

    def call(self, inputs):
        return sum(ops.log(ops.clip(ops.cast(probabilities, "float32"), EPSILON, 1.0)) for probabilities in inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])
