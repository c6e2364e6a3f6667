"""Frozen-backbone caching: compute frozen branches once, train the rest on their outputs.

A frozen branch (weights, none of them trainable, such as the default
`mmzoo.branches.vgg16`) gives the same features for an input at every
epoch, so recomputing them is wasted work. `frozen_branches` finds the frozen
layers fed directly by a model input (also inside a functional model of one
input, such as a dual encoder's `<modality>_encoder`) and `feature_model`
returns the same layers (shared, not copied) minus those branches, taking
their outputs as inputs of the same names. Training the feature model trains the
original model, which still takes raw inputs.

Frozen branches run in inference mode when caching; a frozen branch with
dropout therefore trains the rest of the network without that noise.
"""

import keras
import numpy as np
import tensorflow as tf

from mmzoo._arrays import join_batches
from mmzoo._checks import check_type


def _consumers(model):
    """Returns `{input name: [(layer, its output), ...]}` for layers called on each model input.

    A model with one tensor input (a nested branch or encoder) has its input under the name None.
    """
    if isinstance(model.input, dict):
        inputs = {name: keras.Input(batch_shape=tensor.shape, dtype=tensor.dtype, name=name)
                  for name, tensor in model.input.items()}
    else:
        inputs = {None: keras.Input(batch_shape=model.input.shape, dtype=model.input.dtype)}
    names = {id(tensor): name for name, tensor in inputs.items()}
    found = {name: [] for name in inputs}

    def record(layer, *args, **kwargs):
        outputs = layer(*args, **kwargs)
        for argument in tf.nest.flatten((args, kwargs)):
            if id(argument) in names:
                found[names[id(argument)]].append((layer, outputs))
        return outputs

    keras.models.clone_model(model, input_tensors=inputs if None not in inputs else inputs[None],
                             clone_function=lambda layer: layer, call_function=record)
    return found


def _frozen_layer(layer, outputs):
    """The frozen layer that `layer`, fed one model input, starts with: itself, or found inside it; or None.

    A frozen layer has weights, none of them trainable, and one output. A
    functional model with one tensor input (a branch, or a dual encoder's
    `<modality>_encoder`: branch, projection, normalisation) is looked into:
    its frozen first layer is what the input feeds.
    """
    if len(tf.nest.flatten(outputs)) != 1:
        return None
    if layer.weights and not layer.trainable_weights:
        return layer
    if not _is_functional(layer) or isinstance(layer.input, (dict, list, tuple)):
        return None
    calls = _consumers(layer)[None]
    return _frozen_layer(*calls[0]) if len(calls) == 1 else None


def _is_functional(layer):
    """Whether a layer is a functional model, a graph of layers that `clone_model` rebuilds with a `call_function`."""
    return isinstance(layer, keras.Model) and hasattr(layer, "operations")


def frozen_branches(model):
    """Returns the frozen layers fed directly by one model input each.

    Args:
        model: A functional model with dict inputs (`mmzoo.build_model`).

    Returns:
        Dict `{input name: layer}` for each input whose only consumer is a
        layer with weights, none of them trainable, and one output; or,
        when that consumer is a functional model of one input (a dual
        encoder's `<modality>_encoder`, a branch whose backbone is frozen
        and whose top trains), the frozen layer that model's input feeds.

    Raises:
        ArgumentTypeError: `model` is not a `keras.Model`.
    """
    check_type("model", model, keras.Model, "a keras.Model")
    if not isinstance(model.input, dict):
        return {}
    frozen = {}
    for name, calls in _consumers(model).items():
        layer = _frozen_layer(*calls[0]) if len(calls) == 1 else None
        if layer is not None:
            frozen[name] = layer
    return frozen


def feature_model(model, frozen):
    """Returns the model without its frozen branches, taking their outputs instead.

    Args:
        model: The full functional model.
        frozen: `{input name: layer}` from `frozen_branches`.

    Returns:
        A `keras.Model` sharing the model's layers; the inputs named after
        frozen branches take those branches' outputs. A functional model
        holding a frozen branch (a dual encoder's `<modality>_encoder`) is
        rebuilt the same way, on the same layers.

    Raises:
        ArgumentTypeError: `model` is not a `keras.Model` or `frozen` not a dict.
    """
    check_type("model", model, keras.Model, "a keras.Model")
    check_type("frozen", frozen, dict, "a dict {input name: layer} from frozen_branches")
    inputs = {}
    for name, tensor in model.input.items():
        if name in frozen:
            shape = frozen[name].compute_output_shape(tensor.shape)
            inputs[name] = keras.Input(batch_shape=shape, name=name)
        else:
            inputs[name] = keras.Input(batch_shape=tensor.shape, dtype=tensor.dtype, name=name)
    return _without(model, set(map(id, frozen.values())), inputs)


def _without(model, skipped, inputs):
    """`model` rebuilt on `inputs` from its own layers, minus the layers whose ids are in `skipped`."""

    def call(layer, *args, **kwargs):
        if id(layer) in skipped:
            return args[0]
        if _is_functional(layer) and _holds(layer, skipped):
            tensor = args[0]
            return _without(layer, skipped, keras.Input(batch_shape=tensor.shape, dtype=tensor.dtype))(
                *args, **kwargs)
        return layer(*args, **kwargs)

    return keras.models.clone_model(model, input_tensors=inputs, clone_function=lambda layer: layer,
                                    call_function=call)


def _holds(model, skipped):
    """Whether a model holds, at any depth, a layer whose id is in `skipped`."""
    return any(id(layer) in skipped or (isinstance(layer, keras.Model) and _holds(layer, skipped))
               for layer in model.layers)


def cache_features(frozen, dataset):
    """Runs the frozen branches once over a batched dataset.

    Args:
        frozen: `{input name: layer}` from `frozen_branches`.
        dataset: A batched `tf.data.Dataset` of `(inputs, labels)`, or of
            inputs alone (the pairs of a dual encoder), read once, in order.

    Returns:
        Numpy arrays in the dataset's layout, `(inputs, labels)` or inputs:
        frozen inputs replaced by their branch's features (float32), the
        others as they were.
    """
    labelled = isinstance(dataset.element_spec, tuple)
    specs = dataset.element_spec[0] if labelled else dataset.element_spec
    inputs = {name: keras.Input(batch_shape=specs[name].shape, dtype=specs[name].dtype.name, name=name)
              for name in frozen}
    extractor = keras.Model(inputs, {name: layer(inputs[name], training=False) for name, layer in frozen.items()})
    batches = []
    for batch in dataset.as_numpy_iterator():  # numpy batches: every Keras backend takes them
        inputs, labels = batch if labelled else (batch, None)
        features = extractor.predict_on_batch({name: inputs[name] for name in frozen})
        inputs = {**inputs, **{name: np.asarray(value, "float32") for name, value in features.items()}}
        batches.append((inputs, labels) if labelled else inputs)
    return join_batches(batches)
