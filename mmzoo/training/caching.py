"""Frozen-backbone caching: compute frozen branches once, train the rest on their outputs.

A frozen branch (weights, none of them trainable, such as the default
`mmzoo.branches.vgg16`) gives the same features for an input at every
epoch, so recomputing them is wasted work. `split_frozen` finds the frozen
layers fed directly by a model input and returns a *feature model*: the
same layers (shared, not copied) minus those branches, taking their
outputs as inputs of the same names. Training the feature model trains the
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
    """Returns `{input name: [(layer, its output), ...]}` for layers called on each model input."""
    inputs = {name: keras.Input(batch_shape=tensor.shape, dtype=tensor.dtype, name=name)
              for name, tensor in model.input.items()}
    names = {id(tensor): name for name, tensor in inputs.items()}
    found = {name: [] for name in inputs}

    def record(layer, *args, **kwargs):
        outputs = layer(*args, **kwargs)
        for argument in tf.nest.flatten((args, kwargs)):
            if id(argument) in names:
                found[names[id(argument)]].append((layer, outputs))
        return outputs

    keras.models.clone_model(model, input_tensors=inputs, clone_function=lambda layer: layer,
                             call_function=record)
    return found


def frozen_branches(model):
    """Returns the frozen layers fed directly by one model input each.

    Args:
        model: A functional model with dict inputs (`mmzoo.build_model`).

    Returns:
        Dict `{input name: layer}` for each input whose only consumer is a
        layer with weights, none of them trainable, and one output.

    Raises:
        ArgumentTypeError: `model` is not a `keras.Model`.
    """
    check_type("model", model, keras.Model, "a keras.Model")
    if not isinstance(model.input, dict):
        return {}
    frozen = {}
    for name, calls in _consumers(model).items():
        if len(calls) != 1:
            continue
        layer, outputs = calls[0]
        if layer.weights and not layer.trainable_weights and len(tf.nest.flatten(outputs)) == 1:
            frozen[name] = layer
    return frozen


def feature_model(model, frozen):
    """Returns the model without its frozen branches, taking their outputs instead.

    Args:
        model: The full functional model.
        frozen: `{input name: layer}` from `frozen_branches`.

    Returns:
        A `keras.Model` sharing the model's layers; the inputs named after
        frozen branches take those branches' outputs.

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
    skipped = set(map(id, frozen.values()))

    def call(layer, *args, **kwargs):
        if id(layer) in skipped:
            return args[0]
        return layer(*args, **kwargs)

    return keras.models.clone_model(model, input_tensors=inputs, clone_function=lambda layer: layer,
                                    call_function=call)


def cache_features(frozen, dataset):
    """Runs the frozen branches once over a batched dataset.

    Args:
        frozen: `{input name: layer}` from `frozen_branches`.
        dataset: A batched `tf.data.Dataset` of `(inputs, labels)`, read
            once, in order.

    Returns:
        A tuple `(inputs, labels)` of numpy arrays: frozen inputs replaced by
        their branch's features (float32), the others as they were.
    """
    specs = dataset.element_spec[0]
    inputs = {name: keras.Input(batch_shape=specs[name].shape, dtype=specs[name].dtype.name, name=name)
              for name in frozen}
    extractor = keras.Model(inputs, {name: layer(inputs[name], training=False) for name, layer in frozen.items()})
    batches = []
    for inputs, labels in dataset.as_numpy_iterator():  # numpy batches: every Keras backend takes them
        features = extractor.predict_on_batch({name: inputs[name] for name in frozen})
        batches.append(({**inputs, **{name: np.asarray(value, "float32") for name, value in features.items()}},
                        labels))
    return join_batches(batches)
