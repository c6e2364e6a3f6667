"""TFLite export: float32, float16, dynamic-range and full-integer int8.

The model goes through a SavedModel written by `keras.export.ExportArchive`
(Keras 3's own route to TFLite) with one signature whose inputs are named
by modality and whose outputs are named like the model's outputs, so a
`.tflite` file is fed by name, never by position.

Recurrent layers with a fixed sequence length are unrolled for the
conversion (TFLite's builtin ops have no kernel for the `while` loop
Keras runs them in); the Keras model itself is left untouched.

Quantizations:

| quantization      | weights | activations | inputs / outputs                 |
|-------------------|---------|-------------|----------------------------------|
| `"float32"`       | float32 | float32     | as the model                     |
| `"float16"`       | float16 | float32     | as the model                     |
| `"dynamic_range"` | int8    | float32     | as the model                     |
| `"int8"`          | int8    | int8        | int8 for float inputs and outputs |

`"int8"` is a fully integer model (builtin int8 kernels only), for integer-only
accelerators and microcontrollers: its float inputs and outputs become int8
with a scale and zero point, and integer inputs (token ids) stay integers.
`TFLitePredictor` quantizes and dequantizes them, so it is fed and answers
like the Keras model. Calibration draws `calibration_samples` samples at
random from `representative_data`, which should be training inputs.
"""

import tempfile
import warnings

import keras
import numpy as np
import tensorflow as tf

from mmzoo._checks import check_positive_int
from mmzoo._files import atomic_destination
from mmzoo.assemble import all_layers
from mmzoo.errors import ConfigurationError
from mmzoo.export._conversion_errors import unconvertible_error
from mmzoo.export._data import check_backend, check_model, first_dimension, input_arrays, input_names
from mmzoo.export._files import check_destination
from mmzoo.export._saved_model import write_saved_model

QUANTIZATIONS = ("float32", "float16", "dynamic_range", "int8")


def export_tflite(model, path, quantization="float32", representative_data=None,
                  calibration_samples=200, seed=0, overwrite=False):
    """Converts a Keras model to a `.tflite` file.

    Example:
        >>> train_inputs, _ = mmzoo.datasets.load("av_mnist", split="train", as_dataset=False)
        >>> export_tflite(model, "model_int8.tflite", quantization="int8",
        ...               representative_data=train_inputs)

    Args:
        model: A functional `keras.Model` with named inputs, e.g. from
            `mmzoo.build_model`.
        path: Destination file, ending in ".tflite".
        quantization: One of `"float32"`, `"float16"`, `"dynamic_range"`,
            `"int8"` (see the module docstring).
        representative_data: Required for (and only used by) `"int8"`: a
            dict `{input name: array}` of training inputs to calibrate the
            activation ranges on.
        calibration_samples: How many samples of `representative_data` to
            calibrate on (all of them if fewer).
        seed: Seed of the random choice of calibration samples.
        overwrite: Whether an existing file at `path` may be replaced.

    Returns:
        The path written, as a string.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        ConfigurationError: an argument has a wrong value, TFLite cannot
            convert a layer of the model (the message names it), or the
            Keras backend in use cannot convert it (PyTorch, or JAX with
            random layers: the message says how to export through
            TensorFlow).
    """
    check_model(model)
    check_backend(model, "TFLite")
    if quantization not in QUANTIZATIONS:
        raise ConfigurationError(
            f"`quantization` must be one of {QUANTIZATIONS}. Received: quantization={quantization!r}"
        )
    if (quantization == "int8") != (representative_data is not None):
        raise ConfigurationError(
            "`representative_data` (training inputs to calibrate on) is required by "
            "quantization='int8' and used by no other quantization. Received: "
            f"quantization={quantization!r}, representative_data={type(representative_data).__name__}"
        )
    check_positive_int("calibration_samples", calibration_samples)
    if representative_data is not None:
        arrays = input_arrays(representative_data, input_names(model), "representative_data")
        representative_data = {tensor.name: arrays[tensor.name].astype(tensor.dtype) for tensor in model.inputs}
    path = check_destination(path, overwrite, extension=".tflite")

    flatbuffer = convert(model, quantization, representative_data, calibration_samples, seed)
    with atomic_destination(path) as temporary:
        with open(temporary, "wb") as handle:
            handle.write(flatbuffer)
    return path


def convert(model, quantization, representative_data, calibration_samples, seed):
    """Returns the TFLite flatbuffer of a model (arguments already checked)."""
    with tempfile.TemporaryDirectory(prefix="mmzoo-tflite-") as saved_model:
        write_saved_model(unrolled(model), saved_model, named_outputs=True)
        converter = tf.lite.TFLiteConverter.from_saved_model(saved_model)
        if quantization != "float32":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if quantization == "float16":
            converter.target_spec.supported_types = [tf.float16]
        if quantization == "int8":
            converter.representative_dataset = _calibration(representative_data, calibration_samples, seed)
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
        try:
            with warnings.catch_warnings():
                # Calibration runs tf.lite.Interpreter, which warns that it moves to ai_edge_litert.
                warnings.simplefilter("ignore", UserWarning)
                return converter.convert()
        except Exception as error:  # The converter raises ConverterError and others.
            raise unconvertible_error(error, model) from error


def unrolled(model):
    """Returns a copy of the model with its fixed-length recurrent layers unrolled.

    Args:
        model: A functional Keras model.

    Returns:
        `model` itself when no recurrent layer has a known number of steps;
        otherwise a rebuilt model with the same weights in which those
        layers (also inside `Bidirectional`) have `unroll=True`.
    """
    names = {
        layer.name for layer in all_layers(model)
        if isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional))
        and keras.tree.flatten(layer.input)[0].shape[1] is not None
    }
    if not names:
        return model
    config = model.get_config()
    _set_unroll(config, names, inside=False)
    copy = type(model).from_config(config)
    copy.set_weights(model.get_weights())
    return copy


def _set_unroll(config, names, inside):
    if isinstance(config, dict):
        layer_config = config.get("config")
        if isinstance(layer_config, dict) and layer_config.get("name") in names:
            inside = True
        if inside and "unroll" in config:
            config["unroll"] = True
        for value in config.values():
            _set_unroll(value, names, inside)
    elif isinstance(config, (list, tuple)):
        for value in config:
            _set_unroll(value, names, inside)


def _calibration(arrays, calibration_samples, seed):
    count = first_dimension(arrays)
    chosen = np.random.default_rng(seed).permutation(count)[:calibration_samples]

    def samples():
        for index in chosen:
            yield {name: array[index:index + 1] for name, array in arrays.items()}

    return samples
