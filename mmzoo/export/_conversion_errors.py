"""Turns a TFLite converter error into an error naming the Keras layer at fault.

The converter reports each op it cannot lower with its location: a chain of
calls whose names are TensorFlow name scopes such as
`mmzoo_model/text_lstm/text_lstm_lstm/TensorArrayV2`. Keras opens one scope
per layer, so the deepest scope that is a layer's name (TensorFlow may add a
`_1` suffix) names the layer that produced the op.
"""

import re

from mmzoo.assemble import all_layers
from mmzoo.errors import ConfigurationError


def layer_in_scope(scope, layers):
    """Returns the layer of the deepest scope component naming one, or None.

    Args:
        scope: A TensorFlow op name such as `model/branch/lstm_1/while`.
        layers: Dict `{layer name: layer}`.
    """
    for component in reversed(scope.split("/")):
        for candidate in (component, re.sub(r"_\d+$", "", component)):
            if candidate in layers:
                return layers[candidate]
    return None


def offending_layers(error, model):
    """Maps the ops a converter error complains about to the model's layers.

    Args:
        error: The exception raised by `TFLiteConverter.convert`; its
            `errors` attribute (when present) lists the failing ops with
            their locations.
        model: The converted Keras model.

    Returns:
        Dict `{layer: sorted op names}`, empty when no layer is identified.
    """
    layers = {layer.name: layer for layer in all_layers(model)}
    found = {}
    for item in getattr(error, "errors", None) or ():
        for call in item.location.call:
            layer = layer_in_scope(call.name.split("@")[0], layers)
            if layer is not None:
                found.setdefault(layer, set()).add(item.operator.name)
                break
    return {layer: sorted(ops) for layer, ops in found.items()}


def unconvertible_error(error, model):
    """Builds the `ConfigurationError` raised when TFLite cannot convert a model.

    Args:
        error: The converter's exception.
        model: The Keras model being converted.

    Returns:
        A `ConfigurationError` naming the offending layer(s), their class and
        the TensorFlow ops TFLite has no kernel for, ending in
        `Received: model=...`.
    """
    layers = offending_layers(error, model)
    if layers:
        culprits = "; ".join(
            f"layer {layer.name!r} ({type(layer).__name__}), which uses {', '.join(ops)}"
            for layer, ops in layers.items()
        )
        summary = f"TFLite's builtin ops cannot convert {culprits}."
    else:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        summary = f"TFLite cannot convert the model, and no layer could be identified: {first_line}."
    return ConfigurationError(
        f"{summary} Replace the layer with one TFLite supports (a recurrent layer converts "
        "when its sequence length is fixed, so that it can be unrolled). "
        f"Received: model={model.name!r}"
    )
