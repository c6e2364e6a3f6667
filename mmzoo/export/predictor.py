"""`TFLitePredictor`: runs a `.tflite` file on dict inputs, like `model.predict`."""

import os
import warnings

import numpy as np
import tensorflow as tf

from mmzoo._checks import check_positive_int
from mmzoo._files import reading
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.export._data import first_dimension, input_arrays


class TFLitePredictor:
    """Runs a `.tflite` file on inputs keyed by modality.

    Inputs and outputs are matched by the names of the file's signature
    (written by `export_tflite`: the model's input and output names), never
    by position. Quantized (int8) inputs are quantized with the file's scale
    and zero point, and quantized outputs dequantized, so the predictor is
    fed and answers in the Keras model's units whatever the quantization.

    Example:
        >>> predictor = TFLitePredictor("model_int8.tflite")
        >>> probabilities = predictor.predict({"image": images, "audio": spectrograms})

    Args:
        path: A `.tflite` file with one signature, e.g. from `export_tflite`.
        num_threads: Number of CPU threads of the interpreter (None: its
            default).

    Raises:
        ArgumentTypeError: `path` is not a path.
        ConfigurationError: the file does not exist, or has no single
            signature.
    """

    def __init__(self, path, num_threads=None):
        if not isinstance(path, (str, os.PathLike)):
            raise ArgumentTypeError(f"`path` must be a str or os.PathLike. Received: path={path!r}")
        if not os.path.isfile(path):
            raise ConfigurationError(f"`path` is not a file. Received: path={os.fspath(path)!r}")
        check_positive_int("num_threads", num_threads, allow_none=True)
        with warnings.catch_warnings():
            # tf.lite.Interpreter warns that it moves to the ai_edge_litert package.
            warnings.simplefilter("ignore", UserWarning)
            with reading(path, "TFLite", "Export the model again with mmzoo.export.export_tflite."):
                self._interpreter = tf.lite.Interpreter(model_path=os.fspath(path), num_threads=num_threads)
        signatures = self._interpreter.get_signature_list()
        if len(signatures) != 1:
            raise ConfigurationError(
                "The file must have exactly one signature naming its inputs and outputs "
                f"(export it with mmzoo.export.export_tflite). Received: path={os.fspath(path)!r} "
                f"with signatures {sorted(signatures)}"
            )
        self._runner = self._interpreter.get_signature_runner(next(iter(signatures)))
        self._inputs = self._runner.get_input_details()
        self._outputs = self._runner.get_output_details()
        self.path = os.fspath(path)

    @property
    def input_names(self):
        """The names of the inputs (the modalities), sorted."""
        return sorted(self._inputs)

    @property
    def output_names(self):
        """The names of the outputs, sorted."""
        return sorted(self._outputs)

    @property
    def input_details(self):
        """Dict `{input name: {"dtype", "shape", "quantization"}}`.

        The quantization is `(scale, zero point)`, `(0.0, 0)` for a
        tensor that is not quantized; the shape has -1 for the batch.
        """
        return _public(self._inputs)

    @property
    def output_details(self):
        """Dict `{output name: {"dtype", "shape", "quantization"}}`, as `input_details`."""
        return _public(self._outputs)

    def predict(self, inputs, batch_size=32):
        """Runs the model on a dict of arrays.

        Args:
            inputs: Dict `{input name: array}` with exactly the file's input
                names and equally long arrays, in the Keras model's units
                (floats for images and audio, ids for text).
            batch_size: Number of samples per interpreter call.

        Returns:
            Like `model.predict`: one numpy array for a single-output model,
            else a dict `{output name: array}`; float32 for quantized outputs.

        Raises:
            ArgumentTypeError: `inputs` is not a dict or `batch_size` not an int.
            ConfigurationError: the keys are not the input names, or the
                arrays are empty or of different lengths.
        """
        arrays = input_arrays(inputs, self.input_names, "inputs")
        check_positive_int("batch_size", batch_size)
        fed = {name: _to_input(array, self._inputs[name]) for name, array in arrays.items()}
        batches = []
        for start in range(0, first_dimension(fed), batch_size):
            batch = {name: array[start:start + batch_size] for name, array in fed.items()}
            batches.append(self._runner(**batch))
        outputs = {
            name: _from_output(np.concatenate([batch[name] for batch in batches]), self._outputs[name])
            for name in self.output_names
        }
        return next(iter(outputs.values())) if len(outputs) == 1 else outputs


def _public(details):
    return {
        name: {"dtype": np.dtype(item["dtype"]), "shape": tuple(item["shape_signature"]),
               "quantization": tuple(item["quantization"])}
        for name, item in sorted(details.items())
    }


def _to_input(array, details):
    scale, zero_point = details["quantization"]
    dtype = np.dtype(details["dtype"])
    if scale and np.issubdtype(dtype, np.integer) and not np.issubdtype(array.dtype, np.integer):
        limits = np.iinfo(dtype)
        array = np.clip(np.round(array / scale + zero_point), limits.min, limits.max)
    return array.astype(dtype)


def _from_output(array, details):
    scale, zero_point = details["quantization"]
    if scale and np.issubdtype(array.dtype, np.integer):
        return ((array.astype("float32") - zero_point) * scale).astype("float32")
    return array
