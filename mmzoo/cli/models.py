"""The models `mmzoo train` builds: a fusion of the catalogue on branches that fit the data, or a zoo entry."""

import dataclasses

from mmzoo import branches, fusion, heads, zoo
from mmzoo.assemble import build_model
from mmzoo.cli.arguments import UsageError
from mmzoo.cli.settings import Preprocessing


def check_name(name):
    """Checks that a model name is a fusion of the catalogue or a zoo entry.

    Args:
        name: The NAME given to `mmzoo train`.

    Raises:
        UsageError: the name is neither; the message lists both.
    """
    if name not in fusion.available() and name not in zoo.list():
        raise UsageError(f"unknown model {name!r}; fusions: {', '.join(fusion.available())}; "
                         f"zoo models: {', '.join(zoo.list())}")


def preprocessing_for(name, columns):
    """Returns how manifest files are decoded for a model: a zoo entry's own sizes, else the defaults.

    Args:
        name: A fusion or zoo entry name.
        columns: The manifest `Columns`.

    Returns:
        A `Preprocessing`.
    """
    preprocessing = Preprocessing(columns={key: value for key, value in dataclasses.asdict(columns).items() if value})
    if name in fusion.available():
        return preprocessing
    defaults = zoo.get_entry(name).defaults()
    image_shape = defaults.get("image_shape", defaults.get("input_shape"))
    if image_shape is not None:
        preprocessing.image_size, preprocessing.image_channels = tuple(image_shape[:2]), image_shape[2]
    if "audio_dim" in defaults:
        preprocessing.audio_features, preprocessing.audio_options = "summary", {"n_mfcc": defaults["audio_dim"] // 2}
    if "sequence_length" in defaults:
        preprocessing.sequence_length = defaults["sequence_length"]
    return preprocessing


def fusion_builder(name, inputs, num_classes, vocab_size):
    """Returns a function building a fusion model on the data's modalities.

    Args:
        name: A fusion of the catalogue.
        inputs: Dict of arrays keyed by modality (training inputs).
        num_classes: Number of classes.
        vocab_size: Number of token ids of the texts, or None.

    Returns:
        A function without arguments returning an uncompiled `keras.Model`.
    """
    def build():
        return build_model(
            branches={modality: branches.for_input(modality, tuple(values.shape[1:]), vocab_size)
                      for modality, values in inputs.items()},
            fusion=name, head=heads.multiclass(num_classes), name=f"{name}_fusion_model")

    return build


def zoo_builder(name, inputs, num_classes, vocab_size):
    """Returns a function building a zoo entry sized for the data, after checking that it fits.

    Args:
        name: A zoo entry name.
        inputs: Dict of arrays keyed by modality (training inputs).
        num_classes: Number of classes.
        vocab_size: Number of token ids of the texts, or None.

    Returns:
        A function without arguments returning an uncompiled `keras.Model`.

    Raises:
        UsageError: the entry is not a classifier, or its inputs are not
            the data's modalities and shapes; the message names both.
    """
    entry = zoo.get_entry(name)
    defaults = entry.defaults()
    missing = [modality for modality in entry.modalities if modality not in inputs]
    if missing:
        raise UsageError(f"zoo model {name!r} expects the modalities {list(entry.modalities)}; "
                         f"the data gives {sorted(inputs)}")
    if "num_classes" not in defaults:
        raise UsageError(f"zoo model {name!r} is not a single classifier, so `mmzoo train` cannot fit it; "
                         "see `mmzoo describe` and the Python API")
    overrides = {"num_classes": num_classes, **_sizes(defaults, inputs, vocab_size)}

    def build():
        return zoo.build(name, **overrides)

    _check_shapes(name, build(), inputs)
    return build


def _sizes(defaults, inputs, vocab_size):
    """Returns the zoo builder arguments that the data's shapes set."""
    shapes = {modality: tuple(values.shape[1:]) for modality, values in inputs.items()}
    sizes = {}
    for argument in ("image_shape", "input_shape"):
        if argument in defaults and len(shapes.get("image", ())) == 3:
            sizes[argument] = shapes["image"]
    if "audio_dim" in defaults and len(shapes.get("audio", ())) == 1:
        sizes["audio_dim"] = shapes["audio"][0]
    if "spectrogram_shape" in defaults and len(shapes.get("audio", ())) == 2:
        sizes["spectrogram_shape"] = shapes["audio"]
    if "sequence_length" in defaults and "text" in shapes:
        sizes["sequence_length"], sizes["vocab_size"] = shapes["text"][0], vocab_size
    return sizes


def _check_shapes(name, model, inputs):
    for tensor in model.inputs:
        modality = tensor.name
        expected, received = tuple(tensor.shape[1:]), tuple(inputs[modality].shape[1:])
        if expected != received:
            raise UsageError(f"zoo model {name!r} expects {modality} inputs of shape {expected}; "
                             f"the data gives {received}")
