"""Tensor fusion: the outer product of the modality vectors."""

import math

import keras
from keras import ops

from mmzoo._checks import check_positive_int
from mmzoo.errors import ConfigurationError
from mmzoo.fusion.base import Fusion


@keras.saving.register_keras_serializable(package="mmzoo")
class TensorFusion(Fusion):
    """Flattened outer product of the modality vectors, each extended with a 1.

    With `z_m = [x_m, 1]`, the output is `vec(z_1 (x) z_2 (x) ... (x) z_M)`:
    it holds every single modality (the products with the 1s) and every
    bimodal and trimodal interaction, at a size of `prod_m (d_m + 1)`.

    Reference:
        Zadeh et al., "Tensor Fusion Network for Multimodal Sentiment
        Analysis", EMNLP 2017.

    Args:
        units: Each modality is first projected to this size (a ReLU Dense
            layer), which keeps the product small: 16 gives 17^3 = 4913
            outputs for three modalities. None multiplies the raw features.
        max_output_dim: The largest product size allowed; building a fusion
            that would exceed it is an error, not an out-of-memory crash.
        **kwargs: Standard layer arguments.
    """

    def __init__(self, units=16, max_output_dim=65536, **kwargs):
        super().__init__(**kwargs)
        if units is not None:
            check_positive_int("units", units)
        check_positive_int("max_output_dim", max_output_dim)
        self.units = units
        self.max_output_dim = max_output_dim

    def output_dim(self, shapes):
        """Returns the size of the fused vector for the given input shapes.

        Args:
            shapes: Dict `{modality: shape}`.

        Returns:
            `prod_m (d_m + 1)`, with `d_m = units` when `units` is set.
        """
        sizes = [self.units or shape[-1] for shape in self._as_dict(shapes).values()]
        return math.prod(size + 1 for size in sizes)

    def check_input_shapes(self, shapes):
        super().check_input_shapes(shapes)
        size = self.output_dim(shapes)
        if size > self.max_output_dim:
            sizes = {name: shape[-1] for name, shape in self._as_dict(shapes).items()}
            raise ConfigurationError(
                f"Tensor fusion of feature sizes {sizes} has {size} outputs, more than "
                f"max_output_dim={self.max_output_dim}; set `units` to project each "
                f"modality first (e.g. units=16) or raise the limit. Received: units={self.units!r}"
            )

    def build_fusion(self, shapes):
        self.projections = [] if self.units is None else self.build_projections(shapes, self.units, "relu")

    def fuse(self, features, masks, training=None):
        vectors = self.project(self.projections, self.vectors(features, masks).values())
        product = None
        for vector in vectors:
            extended = ops.concatenate([vector, ops.ones_like(vector[:, :1])], axis=-1)
            if product is None:
                product = extended
                continue
            outer = ops.expand_dims(product, -1) * ops.expand_dims(extended, 1)
            product = ops.reshape(outer, (-1, product.shape[-1] * extended.shape[-1]))
        return product

    def get_config(self):
        return {**super().get_config(), "units": self.units, "max_output_dim": self.max_output_dim}
