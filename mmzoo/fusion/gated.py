"""Gated fusions: dot-product gating and the gated multimodal unit."""

import itertools

import keras
from keras import ops

from mmzoo._checks import check_bool, check_positive_int
from mmzoo.errors import ConfigurationError
from mmzoo.fusion.base import Fusion


@keras.saving.register_keras_serializable(package="mmzoo")
class DotGatedFusion(Fusion):
    """Dot-product gating between every pair of modalities.

    For each pair (a, b): `gate_ab = sigmoid(<x_a, x_b> * scale)`. The output
    is the concatenation of every modality vector and every gate, as in the
    classic two-modality tutorial (`score = <text, image>`, `gate =
    sigmoid(score)`, `concat([image, text, gate])`), generalised to N
    modalities.

    Args:
        units: Each modality is first projected to this size by a ReLU Dense
            layer; with None (the tutorial's setting) there is no projection
            and all modalities must already share one size.
        scaled: Whether the dot product is divided by sqrt(size), which keeps
            the sigmoid out of saturation for wide features. The tutorial's
            unscaled gate is `scaled=False`.
        **kwargs: Standard layer arguments.
    """

    min_modalities = 2

    def __init__(self, units=64, scaled=True, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("units", units, allow_none=True)
        check_bool("scaled", scaled)
        self.units = units
        self.scaled = scaled

    def check_input_shapes(self, shapes):
        super().check_input_shapes(shapes)
        sizes = {name: shape[-1] for name, shape in self._as_dict(shapes).items()}
        if self.units is None and len(set(sizes.values())) > 1:
            raise ConfigurationError(
                "Dot-product gating needs features of one size; pass `units` to "
                f"project them first. Received: feature sizes={sizes}"
            )

    def build_fusion(self, shapes):
        self.projections = [] if self.units is None else self.build_projections(shapes, self.units, "relu")

    def fuse(self, features, masks, training=None):
        vectors = self.project(self.projections, self.vectors(features, masks).values())
        size = vectors[0].shape[-1]
        scale = 1.0 / float(size) ** 0.5 if self.scaled else 1.0
        gates = [
            ops.sigmoid(ops.sum(first * second, axis=-1, keepdims=True) * scale)
            for first, second in itertools.combinations(vectors, 2)
        ]
        return ops.concatenate(vectors + gates, axis=-1)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scaled": self.scaled}


@keras.saving.register_keras_serializable(package="mmzoo")
class GatedMultimodalUnit(Fusion):
    """The gated multimodal unit (GMU) for N modalities.

    `h_m = tanh(W_m x_m)`, `z = softmax_m(V_m [x_1, ..., x_M])` per unit, and
    the output is `sum_m z_m * h_m`: the gate decides, unit by unit and
    sample by sample, which modality to listen to.

    Reference:
        Arevalo et al., "Gated Multimodal Units for Information Fusion",
        ICLR workshop 2017.

    Args:
        units: Size of the fused representation.
        **kwargs: Standard layer arguments.
    """

    min_modalities = 2

    def __init__(self, units=64, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("units", units)
        self.units = units

    def build_fusion(self, shapes):
        total = sum(shape[-1] for shape in shapes.values())
        batch = next(iter(shapes.values()))[0]
        self.hidden = self.build_projections(shapes, self.units, "tanh", prefix="hidden")
        self.gate = keras.layers.Dense(self.units * len(shapes), name="gate")
        self.gate.build((batch, total))

    def fuse(self, features, masks, training=None):
        vectors = list(self.vectors(features, masks).values())
        hidden = ops.stack(self.project(self.hidden, vectors), axis=1)
        scores = self.gate(ops.concatenate(vectors, axis=-1))
        scores = ops.reshape(scores, (-1, len(vectors), self.units))
        gates = ops.softmax(scores, axis=1)
        return ops.sum(gates * hidden, axis=1)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
