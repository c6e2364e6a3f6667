"""`.keras` (with text vocabularies), SavedModel, and one entry point for every format."""

import json
import os
import warnings
import zipfile

import keras

from mmzoo._files import atomic_destination, reading
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.export._data import check_backend, check_model, input_names
from mmzoo.export._files import check_destination
from mmzoo.export._saved_model import write_saved_model
from mmzoo.export.tflite import QUANTIZATIONS, export_tflite
from mmzoo.preprocessing.text import load_vectorizer, save_vectorizer

FORMATS = ("keras", "saved_model") + tuple(f"tflite_{quantization}" for quantization in QUANTIZATIONS)
"""Export formats: "keras", "saved_model", "tflite_float32", "tflite_float16",
"tflite_dynamic_range", "tflite_int8"."""


def vocabulary_path(path, input_name):
    """Returns where `save_keras` puts the vocabulary of one text input.

    Args:
        path: The `.keras` file, e.g. "model.keras".
        input_name: The model input the vectorizer feeds, e.g. "text".

    Returns:
        The JSON file next to it, e.g. "model.text.vocab.json".
    """
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path).endswith(".keras"):
        raise ConfigurationError(f"`path` must be a '.keras' file path. Received: path={path!r}")
    return f"{os.fspath(path)[:-len('.keras')]}.{input_name}.vocab.json"


def save_keras(model, path, vectorizers=None, overwrite=False):
    """Saves a model as `.keras`, with the vocabularies of its text inputs next to it.

    The vocabularies are written first and the model last, each under a
    temporary name then renamed, so a `.keras` file on disk always has its
    vocabularies and never is half-written.

    Args:
        model: A `keras.Model`.
        path: Destination file, ending in ".keras".
        vectorizers: Optional dict `{input name: TextVectorization layer}`
            producing the token ids of those inputs; each is saved with
            `mmzoo.preprocessing.text.save_vectorizer` to
            `vocabulary_path(path, input_name)`.
        overwrite: Whether existing files may be replaced.

    Returns:
        The path of the `.keras` file, as a string.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        ConfigurationError: a vectorizer key is not an input of the model,
            or a destination exists without `overwrite=True`.
    """
    check_model(model)
    path = check_destination(path, overwrite, extension=".keras")
    vectorizers = {} if vectorizers is None else vectorizers
    if not isinstance(vectorizers, dict):
        raise ArgumentTypeError(
            "`vectorizers` must be a dict {input name: TextVectorization}. "
            f"Received: vectorizers of type {type(vectorizers).__name__}"
        )
    unknown = sorted(set(vectorizers) - set(input_names(model)))
    if unknown:
        raise ConfigurationError(
            f"`vectorizers` keys must be inputs of the model {input_names(model)}. "
            f"Received: vectorizers with keys {sorted(vectorizers)}"
        )
    vocabularies = {name: check_destination(vocabulary_path(path, name), overwrite) for name in vectorizers}
    for name, vectorizer in vectorizers.items():
        save_vectorizer(vectorizer, vocabularies[name])
    with atomic_destination(path) as temporary:
        model.save(temporary)
    return path


def load_keras(path):
    """Loads a model saved by `save_keras`, with its vocabularies.

    A model trained on one Keras backend loads on the others. Keras saves
    the optimizer of a model trained on PyTorch as PyTorch's own class,
    which runs on torch tensors only (and imports torch); on another
    backend the model is compiled instead with that backend's class of the
    same optimizer, its settings, losses and metrics, with a warning: only
    the optimizer's state (e.g. Adam's moments) is not restored, which
    predictions, evaluation and export do not use.

    Args:
        path: A `.keras` file.

    Returns:
        A tuple `(model, vectorizers)`: the model (loaded with
        `safe_mode=True`) and a dict `{input name: TextVectorization}` of
        the vocabularies found next to it (empty if none).

    Raises:
        ArgumentTypeError: `path` is not a path.
        ConfigurationError: `path` is not a file.
        DamagedFileError: the file or a vocabulary next to it cannot be read
            (e.g. truncated by an interrupted copy).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ArgumentTypeError(f"`path` must be a str or os.PathLike. Received: path={path!r}")
    if not os.path.isfile(path):
        raise ConfigurationError(f"`path` is not a file. Received: path={os.fspath(path)!r}")
    with reading(path, "`.keras` model", "Save or copy the model again (e.g. with mmzoo.export.save_keras)."):
        if not zipfile.is_zipfile(path):
            raise ValueError("not a zip archive, as every `.keras` file is; it may be truncated")
        compile_config = _compile_config(path)
        optimizer = (compile_config or {}).get("optimizer")
        saved_on = _other_backend(optimizer)
        model = keras.saving.load_model(path, safe_mode=True, compile=saved_on is None)
        if saved_on is not None:
            warnings.warn(f"{os.fspath(path)!r}: its {optimizer['class_name']} optimizer is the {saved_on} backend's "
                          f"own class; compiled with the {keras.backend.backend()} backend's "
                          f"{optimizer['class_name']} and the same settings, without the optimizer's state.",
                          stacklevel=2)
            model.compile_from_config({**compile_config, "optimizer": {**optimizer, "module": "keras.optimizers"}})
    vectorizers = {
        name: load_vectorizer(vocabulary_path(path, name))
        for name in input_names(model)
        if os.path.isfile(vocabulary_path(path, name))
    }
    return model, vectorizers


def _compile_config(path):
    """The `compile_config` of a `.keras` file's `config.json`, or None when it was saved uncompiled."""
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json")).get("compile_config")


def _other_backend(optimizer):
    """The backend whose own class the serialized `optimizer` is, when not the backend in use; else None."""
    module = (optimizer.get("module") or "") if isinstance(optimizer, dict) else ""
    prefix = "keras.src.backend."
    backend = module[len(prefix):].split(".")[0] if module.startswith(prefix) else None
    return backend if backend not in (None, keras.backend.backend()) else None


def export_saved_model(model, path, overwrite=False):
    """Exports a TensorFlow SavedModel for serving.

    The SavedModel has one endpoint, `serve` (also the `serving_default`
    signature), taking a dict of tensors keyed by input name and returning
    what the model returns:
    `tf.saved_model.load(path).serve({"image": ..., "audio": ...})`. It
    calls the model in inference mode (`training=False`), as `predict`
    does: augmentation layers stay inactive and batch normalisation uses
    its moving statistics.

    Args:
        model: A `keras.Model` with defined inputs.
        path: Destination folder.
        overwrite: Whether an existing folder may be replaced.

    Returns:
        The path written, as a string.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        ConfigurationError: `path` exists without `overwrite=True`, or the
            Keras backend in use cannot write a SavedModel (PyTorch: the
            message says how to export through TensorFlow).
    """
    check_model(model)
    check_backend(model, "SavedModel")
    path = check_destination(path, overwrite)
    with atomic_destination(path) as temporary:
        write_saved_model(model, temporary)
    return path


def export_model(model, path, format, representative_data=None, vectorizers=None, overwrite=False):
    """Exports a model in one of `FORMATS`.

    Args:
        model: A functional `keras.Model`, e.g. from `mmzoo.build_model`.
        path: Destination: a ".keras" file, a SavedModel folder, or a
            ".tflite" file.
        format: One of `FORMATS`.
        representative_data: Training inputs `{input name: array}`,
            required by "tflite_int8" and used by no other format.
        vectorizers: Text vectorizers `{input name: TextVectorization}`,
            used by "keras" only (see `save_keras`).
        overwrite: Whether an existing destination may be replaced.

    Returns:
        The path written, as a string.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        ConfigurationError: an unknown format, an argument the format does
            not use or lacks, an existing destination, or a model TFLite
            cannot convert.
    """
    if format not in FORMATS:
        raise ConfigurationError(f"`format` must be one of {FORMATS}. Received: format={format!r}")
    if vectorizers is not None and format != "keras":
        raise ConfigurationError(
            "`vectorizers` are saved with format='keras' only; other formats take token ids. "
            f"Received: format={format!r}"
        )
    if representative_data is not None and format != "tflite_int8":
        raise ConfigurationError(
            f"`representative_data` is used by format='tflite_int8' only. Received: format={format!r}"
        )
    if format == "keras":
        return save_keras(model, path, vectorizers=vectorizers, overwrite=overwrite)
    if format == "saved_model":
        return export_saved_model(model, path, overwrite=overwrite)
    return export_tflite(model, path, quantization=format[len("tflite_"):],
                         representative_data=representative_data, overwrite=overwrite)
