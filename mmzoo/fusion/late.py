"""Decision-level (late) fusion: one classifier per modality, combined."""

import keras
from keras import ops

from mmzoo._checks import check_positive_int
from mmzoo.errors import ConfigurationError
from mmzoo.fusion.base import Fusion


@keras.saving.register_keras_serializable(package="mmzoo")
class LateFusion(Fusion):
    """One linear classifier per modality, combined with learned weights.

    Each modality m gets its own decision scores `y_m = Dense_m(x_m)`; the
    layer returns `sum_m w_m y_m`, and the head applies the final softmax (or
    sigmoid): `p = softmax(sum_m w_m y_m)`. The weights start at 1 / M.

    Args:
        num_outputs: Number of decision scores (classes); `mmzoo.build_model`
            fills it in from the head when None.
        **kwargs: Standard layer arguments.
    """

    produces_logits = True

    def __init__(self, num_outputs=None, **kwargs):
        super().__init__(**kwargs)
        if num_outputs is not None:
            check_positive_int("num_outputs", num_outputs)
        self.num_outputs = num_outputs

    def build_fusion(self, shapes):
        if self.num_outputs is None:
            raise ConfigurationError(
                "LateFusion needs `num_outputs` before it is built. "
                f"Received: num_outputs={self.num_outputs!r}"
            )
        self.classifiers = self.build_projections(shapes, self.num_outputs, prefix="classifier")
        self.decision_weights = self.add_weight(
            name="modality_weights",
            shape=(len(shapes),),
            initializer=keras.initializers.Constant(1.0 / len(shapes)),
        )

    def fuse(self, features, masks, training=None):
        weights = ops.cast(self.decision_weights, self.compute_dtype)
        scores = self.project(self.classifiers, self.vectors(features, masks).values())
        return sum(weights[index] * score for index, score in enumerate(scores))

    def modality_weights(self):
        """Returns the learned weight of each modality's decision.

        Returns:
            Dict `{modality: float}` in sorted modality order.

        Raises:
            ConfigurationError: the layer has not been built yet.
        """
        return self.per_modality(self.decision_weights)

    def get_config(self):
        return {**super().get_config(), "num_outputs": self.num_outputs}
