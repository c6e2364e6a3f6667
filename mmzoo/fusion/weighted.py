"""Linear and nonlinear weighted fusion: X = sum_m w_m X_m."""

import keras
from keras import ops

from mmzoo._checks import check_bool, check_positive_int
from mmzoo.fusion.base import Fusion


@keras.saving.register_keras_serializable(package="mmzoo")
class WeightedFusion(Fusion):
    """Projects each modality to a common size and sums them with learned weights.

    `X = activation(sum_m w_m * Dense_m(X_m))`. With `normalize=True` the
    weights are a softmax over one learned score per modality, so they are
    positive, sum to 1 and read as each modality's share; with
    `normalize=False` they are free scalars initialised to 1 / M.

    Args:
        units: The common size each modality is projected to.
        activation: Applied to the weighted sum; None for the linear fusion,
            "relu" for the nonlinear one (`NonlinearFusion`).
        normalize: Whether the weights are a softmax (see above).
        **kwargs: Standard layer arguments (`name`, `dtype`, ...).

    Example:
        >>> fusion = WeightedFusion(units=64)
        >>> # after training a model that uses it:
        >>> fusion.modality_weights()
        {'audio': 0.31, 'image': 0.69}
    """

    def __init__(self, units=64, activation=None, normalize=True, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("units", units)
        check_bool("normalize", normalize)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.normalize = normalize

    def build_fusion(self, shapes):
        self.projections = self.build_projections(shapes, self.units)
        initial = 0.0 if self.normalize else 1.0 / len(shapes)
        self.weight_scores = self.add_weight(
            name="modality_weights",
            shape=(len(shapes),),
            initializer=keras.initializers.Constant(initial),
        )

    def _weights(self):
        if self.normalize:
            return ops.softmax(self.weight_scores)
        return self.weight_scores

    def fuse(self, features, masks, training=None):
        weights = ops.cast(self._weights(), self.compute_dtype)
        projected = self.project(self.projections, self.vectors(features, masks).values())
        total = sum(weights[index] * value for index, value in enumerate(projected))
        return self.activation(total)

    def modality_weights(self):
        """Returns the current weight of each modality.

        Returns:
            Dict `{modality: float}` in sorted modality order.

        Raises:
            ValueError: the layer has not been built yet.
        """
        return self.per_modality(self._weights())

    def get_config(self):
        config = {
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "normalize": self.normalize,
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="mmzoo")
class NonlinearFusion(WeightedFusion):
    """Weighted fusion followed by a ReLU: `X = ReLU(sum_m w_m X_m)`.

    Args:
        units: The common size each modality is projected to.
        activation: Applied to the weighted sum; "relu" by default.
        normalize: Whether the weights are a softmax over modalities.
        **kwargs: Standard layer arguments.
    """

    def __init__(self, units=64, activation="relu", normalize=True, **kwargs):
        super().__init__(units=units, activation=activation, normalize=normalize, **kwargs)
