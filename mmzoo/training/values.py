"""Values of training data, not only shapes: finite numbers, labels a head can take, no silent blanks.

`mmzoo.training.data.check_data` checks names and shapes and calls these
checks on the values: all of numpy data, and the first `FIRST_BATCHES`
batches of a `tf.data.Dataset` (reading more would cost a pass over the
data). `LossGuard` stops training on the first non-finite loss, naming the
batch, for what the first batches did not show.

| value | numpy data or the first batches |
|---|---|
| NaN or inf in a number input | error (an all-NaN sample is allowed when the model reads missing-modality marks, see `mmzoo.layers.missing_modalities`) |
| NaN or inf in labels, class ids outside the head | error |
| an all-padding token sequence, an empty text | warning, unless the model reads missing-modality marks |
| images outside `[0, 1]` (no VGG16 branch, which takes its own scale) | warning, once per input |
"""

import warnings

import keras
import numpy as np

from mmzoo.errors import ConfigurationError
from mmzoo.layers.missing_modalities import MissingModalities
from mmzoo.layers.preset_encoder import PresetEncoder

FIRST_BATCHES = 2
"""Batches of a `tf.data.Dataset` whose values are checked before training."""

_warned_ranges = set()


def reads_missing_marks(model):
    """Tells whether a model reads in-band missing-modality marks (built with `modality_dropout`)."""
    return any(isinstance(layer, MissingModalities) for layer in model.layers)


def expects_unit_images(model):
    """Tells whether a model's image inputs are expected in `[0, 1]`.

    They are not when the model has a VGG16 branch or a keras-hub image
    encoder (`mmzoo.branches.from_preset`): both take 0-255 pixels and scale
    them their own way.
    """
    return not any("vgg16" in layer.name.lower() or _is_image_preset(layer) for layer in _all_layers(model))


def _is_image_preset(layer):
    return isinstance(layer, PresetEncoder) and len(layer.input.shape) == 4


def _all_layers(model):
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from _all_layers(layer)


def _samples(indices, limit=5):
    shown = [int(index) for index in indices[:limit]]
    return f"{shown}{' ...' if len(indices) > limit else ''}"


def check_input_values(argument, name, values, reads_missing, unit_images, where=""):
    """Raises on non-finite numbers in one input; warns on blank samples and images out of range.

    Args:
        argument: The data argument's name ("train", ...).
        name: The input's name.
        values: Its numpy array, samples first.
        reads_missing: Whether the model reads missing-modality marks.
        unit_images: Whether images (rank-4 float inputs) are expected in `[0, 1]`.
        where: Which part of the data was read, for the message (e.g. " (first 2 batches)").

    Raises:
        ConfigurationError: a sample holds NaN or inf (other than an all-NaN
            missing mark the model reads).
    """
    if len(values) == 0:
        return
    rows = values.reshape(len(values), -1)
    kind = values.dtype.kind
    if kind == "f":
        bad = ~np.isfinite(rows)
        if reads_missing:
            bad &= ~np.all(np.isnan(rows), axis=1, keepdims=True)
        samples = np.flatnonzero(bad.any(axis=1))
        if samples.size:
            advice = ("an all-NaN sample marks a missing modality" if reads_missing else
                      "only a model built with `modality_dropout` reads an all-NaN sample as a missing modality")
            raise ConfigurationError(
                f"Input {name!r} of `{argument}`{where} holds NaN or inf, which would make the weights NaN: "
                f"clean or drop those samples ({advice}). Received: {argument}[{name!r}] with "
                f"{int(bad.sum())} non-finite value(s) in samples {_samples(samples)}"
            )
        if unit_images and values.ndim == 4 and (rows.min() < 0 or rows.max() > 1) and \
                (argument, name) not in _warned_ranges:
            _warned_ranges.add((argument, name))
            warnings.warn(
                f"Input {name!r} of `{argument}`{where} has values from {rows.min():g} to {rows.max():g}, and "
                "image branches expect [0, 1]: divide 0-255 pixels by 255 (or decode with scale='unit').",
                stacklevel=4,
            )
    elif not reads_missing and values.ndim == 2 and kind in "iu":
        _warn_blank(argument, name, np.flatnonzero(~rows.any(axis=1)), "are all padding (token id 0)", where)
    elif not reads_missing and kind in "OSU":
        blank = [index for index, text in enumerate(rows[:, 0]) if not _text(text).strip()]
        _warn_blank(argument, name, np.asarray(blank), "are empty texts", where)


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _warn_blank(argument, name, samples, what, where):
    if samples.size:
        warnings.warn(
            f"{samples.size} sample(s) of input {name!r} of `{argument}`{where} {what}, e.g. samples "
            f"{_samples(samples)}, and the model does not read missing-modality marks: it learns from them as "
            "if they were real. Drop them, or build the model with `modality_dropout` to mark them missing.",
            stacklevel=4,
        )


class LossGuard(keras.callbacks.Callback):
    """Stops training with a clear error on the first non-finite loss, naming the epoch and batch.

    Args:
        argument: The training data's argument name, for the message.
    """

    def __init__(self, argument="train"):
        super().__init__()
        self.argument = argument
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(float(loss)):
            raise ConfigurationError(
                f"The training loss became {float(loss)} at epoch {self._epoch + 1}, batch {batch} of "
                f"`{self.argument}` (counting from 0): that batch holds a NaN, inf or out-of-range value the "
                "first batches did not show, or the learning rate is too high. Training stopped. "
                f"Received: {self.argument} batch {batch} of epoch {self._epoch + 1} with loss={float(loss)}"
            )
