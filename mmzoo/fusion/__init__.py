"""The fusion catalogue: branch features keyed by modality -> one representation.

Every fusion is a registered, serializable Keras layer, usable by name in
`mmzoo.build_model(..., fusion="gated")` or as an object with arguments
(`fusion=mmzoo.fusion.TensorFusion(units=16)`).

| name        | layer                 | what it does |
|-------------|-----------------------|--------------|
| `concat`    | `ConcatFusion`        | concatenation (early, feature-level fusion) |
| `weighted`  | `WeightedFusion`      | X = sum_m w_m X_m, learned weights |
| `nonlinear` | `NonlinearFusion`     | ReLU(sum_m w_m X_m) |
| `gated`     | `DotGatedFusion`      | sigmoid(<x_a, x_b>) gates between modality pairs |
| `gmu`       | `GatedMultimodalUnit` | gated multimodal unit |
| `attention` | `AttentionFusion`     | multi-head self-attention across modality tokens |
| `tensor`    | `TensorFusion`        | outer product of [x_m, 1] (Tensor Fusion Network) |
| `late`      | `LateFusion`          | decision level: softmax(sum_m w_m y_m) |
"""

from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.fusion.attention import AttentionFusion, attention_scores
from mmzoo.fusion.base import Fusion
from mmzoo.fusion.concat import ConcatFusion
from mmzoo.fusion.gated import DotGatedFusion, GatedMultimodalUnit
from mmzoo.fusion.late import LateFusion
from mmzoo.fusion.tensor import TensorFusion
from mmzoo.fusion.weighted import NonlinearFusion, WeightedFusion

FUSIONS = {
    "concat": ConcatFusion,
    "weighted": WeightedFusion,
    "nonlinear": NonlinearFusion,
    "gated": DotGatedFusion,
    "gmu": GatedMultimodalUnit,
    "attention": AttentionFusion,
    "tensor": TensorFusion,
    "late": LateFusion,
}


def available():
    """Returns the names accepted by `get` (and by `build_model`'s `fusion`).

    Returns:
        A sorted list of fusion names.
    """
    return sorted(FUSIONS)


def get(identifier):
    """Returns a fusion layer from a name or a fusion layer.

    Args:
        identifier: A name from `available()` (a new layer with default
            arguments is created) or a `Fusion` instance (returned as is).

    Returns:
        A `Fusion` layer.

    Raises:
        ValueError: the name is unknown.
        TypeError: `identifier` is neither a string nor a `Fusion`.
    """
    if isinstance(identifier, Fusion):
        return identifier
    if isinstance(identifier, str):
        if identifier not in FUSIONS:
            raise ConfigurationError(
                f"Unknown fusion {identifier!r}; available: {', '.join(available())}. "
                f"Received: fusion={identifier!r}"
            )
        return FUSIONS[identifier](name=f"{identifier}_fusion")
    raise ArgumentTypeError(
        "`fusion` must be a fusion name or a mmzoo.fusion.Fusion layer. "
        f"Received: fusion={identifier!r} (of type {type(identifier).__name__})"
    )


__all__ = [
    "Fusion", "ConcatFusion", "WeightedFusion", "NonlinearFusion", "DotGatedFusion",
    "GatedMultimodalUnit", "AttentionFusion", "TensorFusion", "LateFusion",
    "FUSIONS", "available", "get", "attention_scores",
]
