"""`from_preset`: a pretrained keras-hub encoder (image, text or audio) as a branch; `joint_similarity` of two towers."""

import difflib
import inspect
import os

import keras
import numpy as np

from mmzoo._checks import check_bool, check_choice, check_input_shape, check_positive_int
from mmzoo.errors import ArgumentTypeError, ConfigurationError, MissingDependencyError, describe_value
from mmzoo.layers.preset_encoder import POOLINGS, PresetEncoder, is_text_encoder

MODALITIES = ("image", "text", "audio")
REMOTE_SCHEMES = ("kaggle://", "hf://", "gs://", "modelscope://")
TOWERS = {"image": "vision_encoder", "text": "text_encoder"}
"""Attributes holding one modality's tower in a two-tower backbone (CLIP, SigLIP)."""
PROJECTIONS = {"image": "vision_projection", "text": "text_projection"}
"""Attributes holding the projection of a tower into a two-tower backbone's joint space (CLIP; SigLIP's towers project themselves)."""
STANDARDIZATIONS = {"canonicalize_text": "lower_and_strip_punctuation", "to_lower": "lower"}
"""Settings of keras-hub task preprocessors that standardise texts (SigLIP's, CLIP's), and what each does."""
CONVERTERS = {"image": ("ImageConverter", "image_converter.json"), "audio": ("AudioConverter", "audio_converter.json")}
TOKENIZER_FILE = "tokenizer.json"
DEFAULT_IMAGE_SIZE = 224
DEFAULT_SEQUENCE_LENGTH = 64
TENSORFLOW_ONLY = {"text": "tokenizer", "audio": "audio converter"}
"""Modalities whose preset preprocessing is TensorFlow code; image branches run on every backend."""


def import_keras_hub():
    """Imports keras-hub, the optional dependency of pretrained presets.

    Returns:
        The `keras_hub` module.

    Raises:
        MissingDependencyError: keras-hub is not installed.
    """
    try:
        import keras_hub
    except ImportError as error:
        raise MissingDependencyError(
            'Pretrained presets need keras-hub: pip install "mmzoo[hub]". Received: keras_hub=not installed'
        ) from error
    return keras_hub


def _is_local(preset):
    return os.path.isdir(preset) or os.sep in preset or "/" in preset or preset.startswith((".", "~"))


def check_preset(preset, keras_hub):
    """Raises unless `preset` is a built-in preset name, a remote handle or a local preset folder.

    Args:
        preset: The received value.
        keras_hub: The `keras_hub` module.

    Returns:
        The preset as a string (a local folder with `~` expanded).

    Raises:
        ArgumentTypeError: `preset` is not a string or path.
        ConfigurationError: an unknown name, a missing folder, or a folder
            without `config.json`.
    """
    if not isinstance(preset, (str, os.PathLike)):
        raise ArgumentTypeError(
            "`preset` must be a keras-hub preset name, a kaggle:// or hf:// handle or a local preset folder. "
            f"Received: preset={describe_value(preset)}")
    preset = os.fspath(preset)
    if preset.startswith(REMOTE_SCHEMES):
        return preset
    if _is_local(preset):
        folder = os.path.expanduser(preset)
        if not os.path.isdir(folder):
            raise ConfigurationError(f"The preset folder does not exist. Received: preset={preset!r}")
        if not os.path.isfile(os.path.join(folder, "config.json")):
            raise ConfigurationError(
                "A preset folder must hold config.json (as written by `backbone.save_to_preset`). "
                f"Received: preset={preset!r}")
        return folder
    names = sorted(keras_hub.models.Backbone.presets)
    if preset not in names:
        close = difflib.get_close_matches(preset, names, n=3)
        hint = f" Close names: {close}." if close else ""
        raise ConfigurationError(
            f"Unknown keras-hub preset (keras_hub.models.Backbone.presets lists the names).{hint} "
            f"Received: preset={preset!r}")
    return preset


def _load(what, preset, loader):
    """Runs `loader()`; turns a failure (a download offline, a broken folder) into a ConfigurationError."""
    try:
        return loader()
    except Exception as error:  # keras-hub raises many types (OSError, ValueError, HTTP errors)
        raise ConfigurationError(
            f"Could not load the {what} of the preset ({type(error).__name__}: {error}). Offline, download the "
            f"preset once and pass its folder. Received: preset={preset!r}") from error


def _kind(backbone):
    """Names what a backbone encodes, for error messages."""
    if is_text_encoder(backbone):
        return "text"
    if isinstance(backbone.input, dict) and "encoder_features" in backbone.input:
        return "audio"
    return "image" if len(keras.tree.flatten(backbone.input)[0].shape) == 4 else "other"


def _encoder(backbone, modality, preset):
    """Returns the part of `backbone` that encodes `modality`, or raises."""
    tower = TOWERS.get(modality)
    if tower and isinstance(getattr(backbone, tower, None), keras.Model):
        return getattr(backbone, tower)
    if modality == "audio" and _kind(backbone) == "audio":
        return keras.Model(backbone.input["encoder_features"], backbone.output["encoder_sequence_output"],
                           name=f"{backbone.name}_encoder")
    if _kind(backbone) != modality:
        raise ConfigurationError(
            f"The preset holds a {type(backbone).__name__}, which encodes {_kind(backbone)}, not {modality}. "
            f"Received: preset={preset!r}, modality={modality!r}")
    return backbone


def _projection(backbone, modality, pooling, preset):
    """Returns the tower's projection into the joint space for `pooling="embedding"`, else None; raises off two towers."""
    if pooling != "embedding":
        return None
    if not isinstance(getattr(backbone, TOWERS.get(modality, ""), None), keras.Model):
        raise ConfigurationError(
            f"pooling='embedding' is the joint image-text space of a two-tower preset (CLIP, SigLIP); this preset "
            f"holds a {type(backbone).__name__}. Received: preset={preset!r}, modality={modality!r}")
    return getattr(backbone, PROJECTIONS[modality], None)


def _standardize(keras_hub, backbone, preset):
    """Returns how the preset's own text preprocessing standardises texts (`PresetEncoder(standardize=...)`).

    The setting lives on the model's task preprocessor (CLIP's `to_lower`,
    SigLIP's `canonicalize_text`), not on its tokenizer; the preprocessor is
    found by the backbone class it serves, and loaded only when it has such
    a setting.
    """
    for candidate in vars(keras_hub.models).values():
        if (isinstance(candidate, type) and issubclass(candidate, keras_hub.models.Preprocessor)
                and getattr(candidate, "backbone_cls", None) is type(backbone)
                and set(STANDARDIZATIONS) & set(inspect.signature(candidate.__init__).parameters)):
            preprocessor = _load("preprocessor", preset, lambda cls=candidate: cls.from_preset(preset))
            return next((standardize for setting, standardize in STANDARDIZATIONS.items()
                         if getattr(preprocessor, setting, False)), None)
    return None


def _preprocessor(keras_hub, preset, modality):
    """Loads the preset's tokenizer (text) or converter (image, audio); None when an image preset has none."""
    if modality == "text":
        if os.path.isdir(preset) and not os.path.isfile(os.path.join(preset, TOKENIZER_FILE)):
            raise ConfigurationError(
                f"A text preset needs a tokenizer ({TOKENIZER_FILE}, as written by "
                f"`tokenizer.save_to_preset`). Received: preset={preset!r}")
        return _load("tokenizer", preset, lambda: keras_hub.tokenizers.Tokenizer.from_preset(preset))
    class_name, file_name = CONVERTERS[modality]
    if os.path.isdir(preset) and not os.path.isfile(os.path.join(preset, file_name)):
        if modality == "audio":
            raise ConfigurationError(
                f"An audio preset needs an audio converter ({file_name}, as written by "
                f"`converter.save_to_preset`). Received: preset={preset!r}")
        return None
    return _load(class_name, preset, lambda: getattr(keras_hub.layers, class_name).from_preset(preset))


def _input(modality, encoder, preprocessor, input_shape, name):
    """Returns the branch's raw input: strings, images or waveforms."""
    if modality == "text":
        return keras.Input(shape=(), dtype="string", name=f"{name}_input")
    if input_shape is None and modality == "audio":
        input_shape = (int(round(preprocessor.sampling_rate * preprocessor.max_audio_length)),)
    if input_shape is None:
        height, width = tuple(keras.tree.flatten(encoder.input)[0].shape[1:3])
        if height is None and preprocessor is not None and preprocessor.image_size is not None:
            height, width = preprocessor.image_size
        input_shape = (height or DEFAULT_IMAGE_SIZE, width or DEFAULT_IMAGE_SIZE, 3)
    input_shape = check_input_shape("input_shape", input_shape, {"image": 3, "audio": 1}[modality])
    return keras.Input(shape=input_shape, name=f"{name}_input")


def _sequence_length(sequence_length, encoder, preset):
    """Returns the tokens per text: the given number, at most the encoder's longest, or min(64, longest)."""
    longest = getattr(encoder, "max_sequence_length", None)
    if sequence_length is None:
        return DEFAULT_SEQUENCE_LENGTH if longest is None else min(DEFAULT_SEQUENCE_LENGTH, longest)
    if longest is not None and sequence_length > longest:
        raise ConfigurationError(
            f"The preset's encoder reads at most {longest} tokens per text. "
            f"Received: sequence_length={sequence_length}, preset={preset!r}")
    return sequence_length


def joint_similarity(preset):
    """Returns how a two-tower preset scores its image-text pairs: its loss, and the learned scale and bias of its head.

    CLIP's head multiplies the cosine similarities by a learned
    `exp(logit_scale)` (100 in the released CLIPs) and was trained with the
    softmax loss; SigLIP's also adds a learned `logit_bias` and was trained
    with the sigmoid loss. These are the settings a `ContrastiveLoss`
    (`mmzoo.retrieval.dual_encoder`) starts from to fine-tune the preset's
    own joint space (`branches.from_preset(..., pooling="embedding")`) with
    the loss and the temperature it was trained with. The backbone is loaded
    to read them.

    Args:
        preset: A two-tower keras-hub preset (CLIP, SigLIP): a name, a
            `kaggle://` or `hf://` handle or a local folder.

    Returns:
        A dict with "loss" ("softmax" or "sigmoid"), "temperature"
        (`1 / exp(logit_scale)`) and "bias" (the sigmoid's, else None).

    Raises:
        ConfigurationError: the preset cannot be loaded, or its backbone
            has no head scoring image-text pairs (not a two-tower model).
        MissingDependencyError: keras-hub is not installed.
    """
    keras_hub = import_keras_hub()
    preset = check_preset(preset, keras_hub)
    backbone = _load("backbone", preset, lambda: keras_hub.models.Backbone.from_preset(preset))
    head = next((layer for layer in backbone.layers if hasattr(layer, "logit_scale")), None)
    if head is None:
        raise ConfigurationError(
            f"The preset holds a {type(backbone).__name__}, without the learned logit scale of a two-tower "
            f"image-text model (CLIP, SigLIP). Received: preset={preset!r}")
    bias = getattr(head, "logit_bias", None)
    return {"loss": "softmax" if bias is None else "sigmoid",
            "temperature": float(np.exp(-keras.ops.convert_to_numpy(head.logit_scale))),
            "bias": None if bias is None else float(keras.ops.convert_to_numpy(bias))}


def from_preset(preset, modality, input_shape=None, sequence_length=None, pooling="vector", trainable=False,
                name=None):
    """Builds a branch on a pretrained keras-hub encoder: raw strings, images or waveforms in, features out.

    `preset` is what `keras_hub.models.Backbone.from_preset` takes: a
    built-in name (`"bert_tiny_en_uncased"`, `"clip_vit_base_patch16"`,
    `"whisper_tiny_en"`, ...; downloaded on first use), a `kaggle://` or
    `hf://` handle, or a local preset folder (written by
    `backbone.save_to_preset(folder)`, and the tokenizer's or converter's
    `save_to_preset(folder)`). A two-tower preset (CLIP, SigLIP) gives its
    vision tower for `"image"` and its text tower for `"text"`; a Whisper
    preset gives its encoder for `"audio"`. With `pooling="embedding"`, a
    two-tower preset's branches return its own joint embedding (pooled and
    projected as the model does it), where its images and texts compare
    without any training: zero-shot search and classification
    (`mmzoo.zoo.pretrained_dual_encoder(embedding_dim=None)`).

    The preset's own preprocessing runs inside the branch (a
    `mmzoo.layers.PresetEncoder`), not in `tf.data`: the branch keeps the
    one-input shape every mmzoo branch has (`build_model` feeds it one
    tensor per modality), the `.keras` file carries the tokenizer's
    vocabulary and the converter's settings so the saved model serves raw
    inputs without the preset folder, and frozen-feature caching
    (`mmzoo.training.fit(..., cache_frozen=True)`) runs tokenisation or
    spectrograms together with the encoder only once. The price: keras-hub
    tokenizers and the Whisper audio converter are TensorFlow code, so text
    and audio branches run on the TensorFlow backend only (image branches
    run on JAX too: checked training and reloading a ViT preset branch).

    Inputs: text is a string per sample (packed to `sequence_length`
    tokens); images are `(height, width, 3)` pixels in [0, 255], resized and
    scaled by the preset's image converter (none: taken as they are);
    texts are standardised first as the preset's own preprocessing does it
    (lower-cased for CLIP; also without punctuation for SigLIP);
    audio is a waveform of `input_shape[0]` samples at the converter's
    sample rate (by default its whole clip length).

    Example:
        >>> text = branches.from_preset("bert_tiny_en_uncased", "text", sequence_length=32)
        >>> image = branches.from_preset("/data/presets/clip_vit_base_patch16", "image", pooling="tokens")

    Args:
        preset: A keras-hub preset name, handle or local folder.
        modality: `"image"`, `"text"` or `"audio"`.
        input_shape: `(height, width, 3)` for images or `(samples,)` for
            audio; None takes the preset's own size. Text takes strings.
        sequence_length: Tokens per text, start and end tokens included; at
            most the encoder's longest. None: 64, or the encoder's longest
            when shorter.
        pooling: `"vector"` (mean over the real tokens), `"tokens"`
            (`(batch, steps, dim)`, for attention fusion) or `"embedding"`
            (two-tower presets: the model's joint embedding, e.g. CLIP's
            class or end token through its projection). A tower that pools
            itself (SigLIP's) gives its vector for `"vector"` too.
        trainable: Whether the encoder is trained (fine-tuning). Frozen by
            default, so that `cache_frozen=True` can cache its features.
        name: Name of the returned model, `"<modality>_preset"` by default.

    Returns:
        A `keras.Model` from the raw input to its features.

    Raises:
        MissingDependencyError: keras-hub is not installed (`pip install "mmzoo[hub]"`).
        ConfigurationError: an unknown modality, pooling or preset name, a
            missing preset folder or one without `config.json`, a preset of
            another modality, a text preset without a tokenizer, an audio
            preset without an audio converter, a text or audio branch on
            another backend than TensorFlow, a `sequence_length` beyond
            the encoder's longest, `"embedding"` of a preset without two
            towers, `"tokens"` of a tower that pools itself, or a preset
            that cannot be loaded (a download offline).
        ArgumentTypeError: `preset`, `trainable` or `input_shape` has the
            wrong type.
    """
    check_choice("modality", modality, MODALITIES)
    check_choice("pooling", pooling, POOLINGS)
    check_bool("trainable", trainable)
    check_positive_int("sequence_length", sequence_length, allow_none=True)
    if modality in TENSORFLOW_ONLY and keras.backend.backend() != "tensorflow":
        raise ConfigurationError(
            f"A {modality} preset branch runs the preset's {TENSORFLOW_ONLY[modality]} (TensorFlow code) inside the "
            f"model: use KERAS_BACKEND=tensorflow. Received: modality={modality!r} on the "
            f"{keras.backend.backend()} backend")
    name = f"{modality}_preset" if name is None else name
    keras_hub = import_keras_hub()
    preset = check_preset(preset, keras_hub)
    backbone = _load("backbone", preset, lambda: keras_hub.models.Backbone.from_preset(preset))
    encoder = _encoder(backbone, modality, preset)
    projection = _projection(backbone, modality, pooling, preset)
    preprocessor = _preprocessor(keras_hub, preset, modality)
    inputs = _input(modality, encoder, preprocessor, input_shape, name)
    sequence_length = _sequence_length(sequence_length, encoder, preset) if modality == "text" else None
    standardize = _standardize(keras_hub, backbone, preset) if modality == "text" else None
    layer = PresetEncoder(encoder, preprocessor, sequence_length=sequence_length, pooling=pooling,
                          projection=projection, standardize=standardize, name=f"{name}_encoder")
    layer.trainable = trainable
    return keras.Model(inputs, layer(inputs), name=name)
