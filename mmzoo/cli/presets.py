"""`mmzoo train --image-preset/--text-preset/--audio-preset`: pretrained keras-hub encoders as the branches of a fusion or a dual encoder.

A preset replaces the recommended branch of its modality (`branches.for_input`)
by `branches.from_preset`, frozen; the manifest is then decoded for it: texts
stay strings (the preset's tokenizer runs in the model), audio is the
waveform at the preset's sample rate, and images, decoded to [0, 1], are
brought back to [0, 255] pixels in front of the preset's image converter.
"""

from mmzoo.cli import common

OPTIONS = {"image": "--image-preset", "text": "--text-preset", "audio": "--audio-preset"}


def add_arguments(parser):
    """Adds the preset options of `mmzoo train`.

    Args:
        parser: The subcommand's parser.
    """
    group = parser.add_argument_group(
        "pretrained encoders (manifests, fusion NAME or dual_encoder; needs keras-hub: pip install \"mmzoo[hub]\")")
    for modality, option in OPTIONS.items():
        group.add_argument(option, metavar="PRESET",
                           help=f"keras-hub preset of the {modality} encoder: a name, a kaggle:// or hf:// handle "
                                "or a local preset folder")


def chosen(arguments):
    """Returns `{modality: preset}` of the preset options given."""
    return {modality: getattr(arguments, f"{modality}_preset", None) for modality in OPTIONS
            if getattr(arguments, f"{modality}_preset", None)}


def _options(presets):
    return ", ".join(OPTIONS[modality] for modality in presets)


def check(arguments, columns):
    """Checks the preset options against the data (no TensorFlow needed).

    Args:
        arguments: The parsed `train` arguments.
        columns: The manifest columns, or None for bundled data.

    Raises:
        UsageError: a preset with bundled data, or for a modality the
            manifest has no column of.
    """
    presets = chosen(arguments)
    if not presets:
        return
    if columns is None:
        raise common.UsageError(f"{_options(presets)} need a manifest CSV as --data "
                                f"(received --data {arguments.data})")
    missing = [OPTIONS[modality] for modality in presets if modality not in columns]
    if missing:
        raise common.UsageError(f"{', '.join(missing)} given, but the manifest has no such column "
                                f"(--image-col, --text-col, --audio-col)")


def check_name(arguments, contrastive_models):
    """Checks that NAME is a fusion or a dual encoder when presets are given (they build its branches).

    Args:
        arguments: The parsed `train` arguments.
        contrastive_models: The names of the dual encoders, which take presets too.

    Raises:
        UsageError: presets with a zoo classifier NAME.
    """
    from mmzoo import fusion

    presets = chosen(arguments)
    names = (*fusion.available(), *contrastive_models)
    if presets and arguments.name not in names:
        raise common.UsageError(f"{_options(presets)} build the branches of a fusion or dual encoder NAME "
                                f"({', '.join(names)}); for the pretrained_* zoo models use "
                                f"mmzoo.zoo.build (received NAME {arguments.name})")


def adjust_decoding(decoding, presets):
    """Sets how a manifest is decoded for preset branches: raw waveforms at the audio preset's sample rate.

    Args:
        decoding: The `mmzoo.datasets.Decoding` to change.
        presets: `{modality: preset}`.
    """
    if "audio" in presets:
        from mmzoo.branches.presets import check_preset, import_keras_hub

        keras_hub = import_keras_hub()
        preset = check_preset(presets["audio"], keras_hub)
        decoding.audio_sample_rate = int(keras_hub.layers.AudioConverter.from_preset(preset).sampling_rate)
        decoding.audio_features, decoding.audio_options = "waveform", {}


def branches_for(shapes, vocab_size, presets=None, pooling="vector"):
    """Returns the branch of each modality: its preset's encoder, or the recommended branch.

    Args:
        shapes: `{modality: per-sample shape}` of the decoded inputs.
        vocab_size: Number of token ids of the texts (for a text branch without preset).
        presets: `{modality: keras-hub preset}`, or None.
        pooling: What the preset branches return: "vector" (the mean of
            their tokens) or "embedding" (a two-tower preset's joint space).

    Returns:
        `{modality: keras.Model}`: `branch` for the modalities of `presets`,
        `mmzoo.branches.for_input` for the others.
    """
    from mmzoo import branches

    presets = presets or {}
    return {modality: branch(modality, presets[modality], shape, pooling) if modality in presets
            else branches.for_input(modality, shape, vocab_size) for modality, shape in shapes.items()}


def branch(modality, preset, shape, pooling="vector"):
    """Returns the frozen preset branch of one modality for decoded manifest inputs of `shape`.

    Args:
        modality: "image", "text" or "audio".
        preset: The keras-hub preset.
        shape: Per-sample shape of the decoded inputs.
        pooling: The `branches.from_preset` pooling: "vector" or "embedding".

    Returns:
        A `keras.Model`.
    """
    import keras

    from mmzoo import branches

    if modality == "text":
        return branches.from_preset(preset, "text", pooling=pooling)
    encoder = branches.from_preset(preset, modality, input_shape=shape, pooling=pooling)
    if modality == "audio":
        return encoder
    inputs = keras.Input(shape=shape, name="image_pixels")
    pixels = keras.layers.Rescaling(255.0, name="image_to_pixels")(inputs)  # manifests decode images to [0, 1]
    return keras.Model(inputs, encoder(pixels), name="image_preset_branch")
