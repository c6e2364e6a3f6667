"""Training data: checks against a model's inputs and heads, and batched `tf.data` pipelines.

Data is either a `tf.data.Dataset` of `(inputs, labels)` elements, batched
or not, or a tuple `(inputs, labels)` of numpy arrays; `inputs` is a dict
keyed by modality (the model's input names) and `labels` an array, or for a
multitask model a dict keyed by output name. A model without heads
(`mmzoo.heads.takes_labels` is False, e.g. a contrastive dual encoder)
trains on `inputs` alone: a dict of numpy arrays, or a dataset of such
dicts.
"""

import numpy as np
import tensorflow as tf

from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.heads import heads_of, takes_labels
from mmzoo.retrieval.encoders import LABEL_INPUT
from mmzoo.training.values import FIRST_BATCHES, check_input_values, expects_unit_images, reads_missing_marks


def model_inputs(model):
    """Returns `{input name: symbolic input}` of a model."""
    if isinstance(model.input, dict):
        return dict(model.input)
    return {tensor.name: tensor for tensor in model.inputs}


def _split(data, argument, labelled=True):
    """Returns `(inputs, labels)` as specs (dataset) or numpy arrays; labels are None for unlabelled data."""
    if isinstance(data, tf.data.Dataset):
        spec = data.element_spec
        if not labelled:
            if not isinstance(spec, dict):
                raise ConfigurationError(
                    f"`{argument}` must yield inputs alone, dicts keyed by modality, for a model without heads "
                    f"(its loss is in model.losses). Received: {argument} with elements {spec}"
                )
            return spec, None
        if not isinstance(spec, tuple) or len(spec) != 2:
            raise ConfigurationError(
                f"`{argument}` must yield (inputs, labels) pairs. Received: {argument} "
                f"with elements {spec}"
            )
        return spec
    if not labelled:
        if not isinstance(data, dict):
            raise ArgumentTypeError(
                f"`{argument}` must be a dict of numpy arrays keyed by modality, or a tf.data.Dataset of such "
                "dicts, for a model without heads (it trains on inputs alone). "
                f"Received: {argument} of type {type(data).__name__}"
            )
        return {name: np.asarray(value) for name, value in data.items()}, None
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise ArgumentTypeError(
            f"`{argument}` must be a tf.data.Dataset of (inputs, labels) or a tuple "
            "(inputs, labels) of numpy arrays, with inputs a dict keyed by modality. "
            f"Received: {argument} of type {type(data).__name__}"
        )
    inputs, labels = data
    if not isinstance(inputs, dict):
        raise ArgumentTypeError(
            f"The inputs of `{argument}` must be a dict keyed by modality, e.g. "
            f"{{'image': images, 'audio': features}}. Received: {argument} inputs of type "
            f"{type(inputs).__name__}"
        )
    inputs = {name: np.asarray(value) for name, value in inputs.items()}
    if isinstance(labels, dict):
        labels = {name: np.asarray(value) for name, value in labels.items()}
    else:
        labels = np.asarray(labels)
    return inputs, labels


def _check_names(argument, what, received, expected):
    missing = sorted(set(expected) - set(received))
    extra = sorted(set(received) - set(expected))
    if missing or extra:
        raise ConfigurationError(
            f"The {what} of `{argument}` must match the model's: missing {missing}, "
            f"unexpected {extra} (the model expects {sorted(expected)}). "
            f"Received: {argument} {what}={sorted(received)}"
        )


def _is_text(dtype):
    if isinstance(dtype, tf.DType):
        return dtype == tf.string
    return np.dtype(dtype).kind in "OSU"


def _check_input(argument, name, shape, dtype, expected):
    wanted = tuple(expected.shape[1:])
    compatible = len(shape) == len(wanted) and all(
        got is None or want is None or got == want for got, want in zip(shape, wanted)
    )
    if not compatible:
        raise ConfigurationError(
            f"Input {name!r} of `{argument}` must have per-sample shape {wanted} for this "
            f"model. Received: {argument}[{name!r}] per-sample shape={tuple(shape)}"
        )
    if _is_text(dtype) != (expected.dtype == "string"):
        raise ConfigurationError(
            f"Input {name!r} of `{argument}` must have dtype {expected.dtype} (strings and "
            "numbers do not mix; vectorize text with mmzoo.preprocessing first). "
            f"Received: {argument}[{name!r}] dtype={dtype.name}"
        )


def _label_shapes(task, units):
    if task in ("multiclass", "binary"):
        return ((), (1,))
    if task == "regression" and units == 1:
        return ((), (1,))
    return ((units,),)


def _check_label_values(argument, name, task, units, values, where=""):
    if values.dtype.kind not in "biuf":
        raise ConfigurationError(
            f"Labels of output {name!r} in `{argument}`{where} must be numbers. "
            f"Received: {argument} labels dtype={values.dtype}"
        )
    if not np.all(np.isfinite(values)):
        raise ConfigurationError(
            f"Labels of output {name!r} in `{argument}`{where} must be finite. "
            f"Received: {argument} labels with {int(np.sum(~np.isfinite(values)))} NaN or inf"
        )
    if values.size == 0 or task == "regression":
        return
    low, high = values.min(), values.max()
    if task == "multiclass":
        if low < 0 or high >= units or not np.all(np.mod(values, 1) == 0):
            raise ConfigurationError(
                f"Labels of output {name!r} in `{argument}`{where} must be class ids 0..{units - 1} "
                f"(the head has {units} classes). Received: {argument} labels from {low} to {high}"
            )
    elif low < 0 or high > 1:
        raise ConfigurationError(
            f"Labels of output {name!r} in `{argument}`{where} must lie in [0, 1] for a {task} head. "
            f"Received: {argument} labels from {low} to {high}"
        )


def _check_label(argument, name, task, units, shape, values):
    allowed = _label_shapes(task, units)
    ok = any(len(shape) == len(want) and all(g is None or g == w for g, w in zip(shape, want))
             for want in allowed)
    if not ok:
        advice = " (one-hot labels: pass labels.argmax(-1))" if task == "multiclass" else ""
        raise ConfigurationError(
            f"Labels of output {name!r} in `{argument}` must have per-sample shape "
            f"{' or '.join(str(want) for want in allowed)} for a {task} head with {units} "
            f"unit(s){advice}. Received: {argument} labels per-sample shape={tuple(shape)}"
        )
    if values is not None:
        _check_label_values(argument, name, task, units, values)


def _check_sizes(argument, inputs, labels):
    arrays = dict(inputs)
    if labels is not None:
        arrays.update(labels if isinstance(labels, dict) else {"labels": labels})
    sizes = {name: value.shape[0] if value.ndim else 0 for name, value in arrays.items()}
    if len(set(sizes.values())) != 1 or 0 in sizes.values():
        raise ConfigurationError(
            f"The inputs{'' if labels is None else ' and labels'} of `{argument}` must hold the same, non-zero "
            f"number of samples. Received: {argument} sizes={sizes}"
        )


def _batched(argument, inputs_spec, expected):
    """Tells whether a dataset's elements are batches, from the input ranks."""
    ranks = {name: len(inputs_spec[name].shape) - len(expected[name].shape) for name in expected}
    if set(ranks.values()) == {0}:
        return True
    if set(ranks.values()) == {-1}:
        return False
    shapes = {name: tuple(inputs_spec[name].shape) for name in expected}
    raise ConfigurationError(
        f"The inputs of `{argument}` must all be batches or all be single samples matching "
        f"the model's inputs {({n: tuple(t.shape) for n, t in expected.items()})}. "
        f"Received: {argument} input shapes={shapes}"
    )


def check_data(data, argument, model):
    """Raises unless `data` fits the model's inputs and heads.

    Checks the input names (missing and unexpected ones), per-sample shapes
    and kinds (numbers vs strings), the label names of a multitask model,
    the label shapes each head needs, and the values
    (`mmzoo.training.values`: finite inputs and labels, class ids below the
    number of classes, binary targets in [0, 1]; warnings for blank samples
    and images outside [0, 1]). For a `tf.data.Dataset`, the element spec
    and the values of its first `FIRST_BATCHES` batches are checked.

    Args:
        data: A `tf.data.Dataset` or a tuple `(inputs, labels)`; for a
            model without heads, inputs alone (a dict or a dataset of dicts).
        argument: The argument's name, used in messages ("train", ...).
        model: The model to train, built by `mmzoo.build_model` (or a
            model without heads, such as `mmzoo.retrieval.dual_encoder`).

    Raises:
        TypeError: `data` or its inputs have the wrong type.
        ValueError: names, shapes, sizes or label values do not fit.
    """
    labelled = takes_labels(model)
    heads = heads_of(model) if labelled else {}
    expected = model_inputs(model)
    inputs, labels = _split(data, argument, labelled)
    if not isinstance(inputs, dict):
        raise ArgumentTypeError(
            f"The inputs of `{argument}` must be a dict keyed by modality. "
            f"Received: {argument} inputs={inputs}"
        )
    _check_names(argument, "inputs", inputs, expected)
    is_dataset = isinstance(data, tf.data.Dataset)
    if is_dataset:
        skip = 1 if _batched(argument, inputs, expected) else 0
    else:
        _check_sizes(argument, inputs, labels)
        skip = 1
    for name, value in inputs.items():
        _check_input(argument, name, tuple(value.shape[skip:]), value.dtype, expected[name])

    if not labelled:
        labels = {}
    elif len(heads) > 1 or isinstance(labels, dict):
        if not isinstance(labels, dict):
            raise ConfigurationError(
                f"The labels of `{argument}` must be a dict keyed by output name {list(heads)} "
                f"for this multitask model. Received: {argument} labels of type {type(labels).__name__}"
            )
        _check_names(argument, "label names", labels, heads)
    else:
        labels = {next(iter(heads)): labels}
    units = {name: output.shape[-1] for name, output in zip(model.output_names, model.outputs)}
    for name, head in heads.items():
        label = labels[name]
        _check_label(argument, name, head.task, units[name], tuple(label.shape[skip:]),
                     None if is_dataset else label)
    batches = _first_batches(data, skip, labelled) if is_dataset else [(inputs, labels)]
    reads_missing, unit_images = reads_missing_marks(model), expects_unit_images(model)
    classes = None if labelled else _input_classes(model)
    for number, (batch_inputs, batch_labels) in enumerate(batches):
        where = f" (batch {number} of the first {FIRST_BATCHES})" if is_dataset else ""
        for name, value in batch_inputs.items():
            if name in expected:
                check_input_values(argument, name, value, reads_missing, unit_images, where)
        if classes is not None:
            _check_class_input(argument, batch_inputs[LABEL_INPUT], classes, where)
        if is_dataset:
            batch_labels = batch_labels if isinstance(batch_labels, dict) else {next(iter(heads)): batch_labels}
            for name, head in heads.items():
                _check_label_values(argument, name, head.task, units[name], batch_labels[name], where)


def _input_classes(model):
    """The number of classes of a class-aware dual encoder's "label" input, or None for another model."""
    from mmzoo.layers.contrastive_loss import contrastive_loss_of

    loss = contrastive_loss_of(model)
    return loss.num_classes if loss is not None and LABEL_INPUT in model_inputs(model) else None


def _check_class_input(argument, values, classes, where):
    """Raises unless the "label" input holds class ids 0..classes - 1."""
    values = np.asarray(values)
    if values.size and (values.dtype.kind not in "biuf" or not np.all(np.isfinite(values))
                        or values.min() < 0 or values.max() >= classes or not np.all(np.mod(values, 1) == 0)):
        shown = (f"dtype={values.dtype}" if values.dtype.kind not in "biuf"
                 else f"values from {values.min()} to {values.max()}")
        raise ConfigurationError(
            f"Input {LABEL_INPUT!r} of `{argument}`{where} must hold class ids 0..{classes - 1} (the model's "
            f"prototypes are {classes} classes). Received: {argument}[{LABEL_INPUT!r}] {shown}"
        )


def _first_batches(dataset, batched, labelled):
    """The first `FIRST_BATCHES` batches of a dataset as numpy `(inputs, labels)` (labels `{}` when unlabelled)."""
    if not batched:
        dataset = dataset.batch(64)
    batches = [tf.nest.map_structure(np.asarray, element) for element in dataset.take(FIRST_BATCHES)]
    return batches if labelled else [(inputs, {}) for inputs in batches]


def _data_options():
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return options


def to_dataset(data, model, global_batch_size, shuffle=False, seed=None, drop_remainder=False):
    """Returns a batched `tf.data.Dataset` of `(inputs, labels)`, or of inputs for a model without heads.

    Numpy data is (optionally) shuffled each epoch and batched by
    `global_batch_size`; a dataset of single samples is batched; a dataset
    of batches is returned as it is.

    Args:
        data: Data already accepted by `check_data`.
        model: The model it feeds.
        global_batch_size: Samples per step over all replicas.
        shuffle: Whether to shuffle numpy data every epoch.
        seed: Seed of the shuffling, or None.
        drop_remainder: Whether the last batch, when smaller than
            `global_batch_size`, is left out (for numpy data and datasets of
            single samples); processes that split every batch between them
            need whole batches.

    Returns:
        A `tf.data.Dataset` (of inputs alone for a model without heads).
    """
    labelled = takes_labels(model)
    if isinstance(data, tf.data.Dataset):
        inputs_spec = data.element_spec[0] if labelled else data.element_spec
        if not _batched("data", inputs_spec, model_inputs(model)):
            data = data.batch(global_batch_size, drop_remainder=drop_remainder)
        return data.prefetch(tf.data.AUTOTUNE)
    inputs, labels = _split(data, "data", labelled)
    tensors = tf.nest.map_structure(tf.convert_to_tensor, (inputs, labels) if labelled else inputs)
    count = len(next(iter(inputs.values())))
    indices = tf.data.Dataset.range(count)
    if shuffle:
        indices = indices.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    dataset = indices.batch(global_batch_size, drop_remainder=drop_remainder).map(
        lambda batch: tf.nest.map_structure(lambda tensor: tf.gather(tensor, batch), tensors),
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=True,
    )
    return dataset.with_options(_data_options()).prefetch(tf.data.AUTOTUNE)
