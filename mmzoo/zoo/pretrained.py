"""Zoo entries on pretrained keras-hub encoders: classifiers (a CLIP pair of towers; image + text + speech) and a dual encoder."""

import numpy as np

import mmzoo.branches as branches
import mmzoo.heads as heads
from mmzoo._checks import check_choice
from mmzoo._docstrings import shared_arguments
from mmzoo.assemble import build_model
from mmzoo.layers.contrastive_loss import LOSSES
from mmzoo.retrieval.encoders import CONTRASTIVE_TRAINING, LABEL_INPUT, dual_encoder
from mmzoo.zoo.registry import ZooEntry, register

CLASS_WORDS = ("cat", "dog", "car", "tree", "house", "bird", "boat", "flower", "horse", "train")
FILLER_WORDS = ("a", "the", "photo", "of", "small", "big", "red", "blue", "on", "near")
DEFAULT_TEMPERATURE = 0.07
"""Initial temperature of new projections: CLIP's."""
MAX_SCALE = 100.0
"""Cap of the learned scale `1 / temperature` (CLIP's), raised to a preset's own scale when that is larger."""
SAMPLE_RATE = 16000
"""Sample rate of the example waveforms: Whisper's."""

LOCAL_PRESETS = (
    "Offline, download a preset once (or save one with `backbone.save_to_preset(folder)` and its tokenizer's "
    "or converter's `save_to_preset(folder)`) and pass its folder, e.g. image_preset='/data/presets/clip', "
    "or `mmzoo train --image-preset /data/presets/clip`."
)


_IMAGE_TEXT_PRESET_ARGS = """image_preset: keras-hub preset of the image encoder: a name, a
            `kaggle://` or `hf://` handle or a local folder.
        text_preset: keras-hub preset of the text encoder (with its tokenizer).
        image_shape: Size of the input images (pixels in [0, 255]); the
            preset's converter resizes them.
        sequence_length: Tokens per text."""
_documented = shared_arguments(image_text_preset_args=_IMAGE_TEXT_PRESET_ARGS)


def _branches(presets, image_shape, audio_shape, sequence_length, pooling, trainable):
    shapes = {"image": image_shape, "text": None, "audio": audio_shape}
    return {modality: branches.from_preset(preset, modality, input_shape=shapes[modality],
                                           sequence_length=sequence_length, pooling=pooling, trainable=trainable)
            for modality, preset in presets.items()}


@_documented
def pretrained_image_text_classifier(image_preset="clip_vit_base_patch16", text_preset="clip_vit_base_patch16",
                                     image_shape=(224, 224, 3), sequence_length=77, fusion="concat",
                                     hidden_units=(256,), trainable=False, num_classes=10):
    """A CLIP pair of towers (image and text encoders of one preset), frozen, fused, with a classifier head.

    Args:
        {{image_text_preset_args}}
        fusion: A fusion name or layer (`mmzoo.fusion.available()`).
        hidden_units: Widths of the head's Dense layers.
        trainable: Whether the encoders are fine-tuned too.
        num_classes: Number of classes.

    Returns:
        A `keras.Model` with inputs `image` (pixels) and `text` (strings), output `label`.
    """
    pooling = "tokens" if fusion == "attention" else "vector"
    return build_model(
        _branches({"image": image_preset, "text": text_preset}, image_shape, None, sequence_length, pooling,
                  trainable),
        fusion=fusion, head=heads.multiclass(num_classes, hidden_units=hidden_units),
        name="pretrained_image_text_classifier")


def pretrained_trimodal_classifier(image_preset="clip_vit_base_patch16", text_preset="bert_tiny_en_uncased",
                                   audio_preset="whisper_tiny_en", image_shape=(224, 224, 3), audio_shape=(16000,),
                                   sequence_length=64, fusion="attention", hidden_units=(256,), trainable=False,
                                   num_classes=10):
    """Image, text and speech encoders from keras-hub presets, frozen, fused, with a classifier head.

    Args:
        image_preset: keras-hub preset of the image encoder.
        text_preset: keras-hub preset of the text encoder (with its tokenizer).
        audio_preset: keras-hub preset of the speech encoder (with its audio converter).
        image_shape: Size of the input images (pixels in [0, 255]).
        audio_shape: `(samples,)` of the input waveforms, at the audio
            converter's sample rate (16 kHz for Whisper; padded to its
            clip length inside the branch).
        sequence_length: Tokens per text.
        fusion: A fusion name or layer.
        hidden_units: Widths of the head's Dense layers.
        trainable: Whether the encoders are fine-tuned too.
        num_classes: Number of classes.

    Returns:
        A `keras.Model` with inputs `image`, `text` and `audio` (waveforms), output `label`.
    """
    pooling = "tokens" if fusion == "attention" else "vector"
    return build_model(
        _branches({"image": image_preset, "text": text_preset, "audio": audio_preset}, image_shape, audio_shape,
                  sequence_length, pooling, trainable),
        fusion=fusion, head=heads.multiclass(num_classes, hidden_units=hidden_units),
        name="pretrained_trimodal_classifier")


@_documented
def pretrained_dual_encoder(image_preset="clip_vit_base_patch16", text_preset="clip_vit_base_patch16",
                            image_shape=(224, 224, 3), sequence_length=77, embedding_dim=128, temperature=None,
                            trainable=False, num_classes=None, loss=None, bias=None):
    """A CLIP pair of towers, frozen, in one embedding space: image-text search, zero-shot or trained on your pairs.

    With `embedding_dim=None` the embeddings are the preset's own (CLIP's
    class and end tokens through its projections, `branches.from_preset(...,
    pooling="embedding")`), L2 normalised: images and texts are searchable
    at once, without training (zero-shot search and classification, as CLIP
    is used), and fine-tuning starts from the preset's own scoring of pairs:
    its loss (CLIP's softmax, SigLIP's sigmoid), its learned temperature and
    bias (`mmzoo.branches.joint_similarity`). With a size, the towers'
    features (the mean of their tokens) are projected by new layers, L2
    normalised and trained with the
    contrastive loss of `mmzoo.retrieval.dual_encoder` on your pairs; with
    frozen towers only the projections (and the temperature) train, on
    features `mmzoo.training.fit(..., cache_frozen=True)` computes once.

    Example:
        >>> model = pretrained_dual_encoder(embedding_dim=None)  # CLIP's own space
        >>> photos = retrieval.build_index(model, {"image": pixels}, "image")
        >>> ids, scores = retrieval.search(model, photos, np.array(["a photo of a dog"]), "text", k=5)

    Args:
        {{image_text_preset_args}}
        embedding_dim: Size of the shared embedding (new projections), or
            None for the preset's own joint embedding.
        temperature: Initial temperature of the contrastive loss (learned);
            None for the image preset's own with `embedding_dim=None`, else 0.07.
        trainable: Whether the towers are fine-tuned too.
        num_classes: None to train on pairs alone, or the number of classes
            of the class-aware variant (a "label" input).
        loss: "softmax" or "sigmoid"; None for the image preset's own with
            `embedding_dim=None` ("sigmoid" for SigLIP), else "softmax".
        bias: Initial bias of the sigmoid loss; None for the preset's own
            with `embedding_dim=None`, else SigLIP's -10.

    Returns:
        A `keras.Model` with inputs `image` (pixels) and `text` (strings),
        outputs their unit-length embeddings `{"image": ..., "text": ...}`.
    """
    if loss is not None:  # before the presets load
        check_choice("loss", loss, LOSSES)
    pooling = "vector" if embedding_dim is not None else "embedding"
    encoders = _branches({"image": image_preset, "text": text_preset}, image_shape, None, sequence_length, pooling,
                         trainable)
    if embedding_dim is None:
        settings = joint_space_loss(image_preset, loss=loss, temperature=temperature, bias=bias)
    else:
        settings = {"loss": "softmax" if loss is None else loss, "bias": bias,
                    "temperature": DEFAULT_TEMPERATURE if temperature is None else temperature}
    return dual_encoder(encoders, embedding_dim=embedding_dim, num_classes=num_classes, **settings,
                        name="pretrained_dual_encoder")


def joint_space_loss(preset, loss=None, temperature=None, bias=None):
    """Returns the loss arguments of a dual encoder fine-tuning a two-tower preset's own joint space.

    Each setting left None is the preset's own (`branches.joint_similarity`):
    CLIP's softmax loss and learned temperature, SigLIP's sigmoid loss, its
    temperature and its bias; the cap of the learned scale is raised to the
    preset's own scale when that is above CLIP's 100.

    Args:
        preset: The two-tower keras-hub preset (CLIP, SigLIP).
        loss: "softmax", "sigmoid", or None for the preset's own.
        temperature: Initial temperature, or None for the preset's own.
        bias: Initial bias of the sigmoid loss, or None for the preset's own
            (SigLIP's -10 when the sigmoid loss is not the preset's).

    Returns:
        A dict of the `mmzoo.retrieval.dual_encoder` arguments "loss",
        "temperature", "bias" and "max_scale".

    Raises:
        ConfigurationError: the preset is not a two-tower model, or cannot be loaded.
    """
    own = branches.joint_similarity(preset)
    loss = own["loss"] if loss is None else loss
    return {"loss": loss, "temperature": own["temperature"] if temperature is None else temperature,
            "bias": own["bias"] if bias is None and loss == own["loss"] else bias,
            "max_scale": max(MAX_SCALE, 1.0 / own["temperature"])}


def raw_example_data(num_samples, seed, config):
    """Raw inputs whose class every modality tells: a class word in the text, a brightness, a tone.

    Args:
        num_samples: Number of samples.
        seed: Seed of the generator.
        config: The builder arguments (`image_shape`, `audio_shape` when
            the model has audio, `num_classes`).

    Returns:
        `(inputs, labels)`: strings, pixels in [0, 255] and 16 kHz
        waveforms keyed by modality, and int class ids.
    """
    rng = np.random.default_rng(seed)
    num_classes = config["num_classes"]
    labels = rng.integers(0, num_classes, num_samples)
    texts = np.array([" ".join([*rng.choice(FILLER_WORDS, 3), CLASS_WORDS[label % len(CLASS_WORDS)],
                                *rng.choice(FILLER_WORDS, 2)]) for label in labels], dtype=object)
    level = 30.0 + 200.0 * labels / max(1, num_classes - 1)
    images = level[:, None, None, None] + rng.normal(0, 20, (num_samples, *config["image_shape"]))
    inputs = {"image": np.clip(images, 0, 255).astype("float32"), "text": texts}
    if "audio_shape" in config:
        time = np.arange(config["audio_shape"][0]) / SAMPLE_RATE
        pitch = 200.0 * 2 ** (labels / 2)
        inputs["audio"] = (0.5 * np.sin(2 * np.pi * pitch[:, None] * time)
                           + rng.normal(0, 0.02, (num_samples, len(time)))).astype("float32")
    return inputs, labels.astype("int32")


def _raw_pairs(num_samples, seed, config):
    """Image-text pairs of `raw_example_data` (4 classes without `num_classes`), with a "label" input when class-aware."""
    num_classes = config["num_classes"]
    inputs, labels = raw_example_data(num_samples, seed, {**config, "num_classes": num_classes or 4})
    if num_classes is not None:
        inputs[LABEL_INPUT] = labels
    return inputs, labels


_CORRECTIONS = (
    "Presets download on first use; " + LOCAL_PRESETS,
    "The preset's own preprocessing (tokenizer, image converter, audio converter) runs inside each branch, so "
    "the model takes raw strings, pixels in [0, 255] and waveforms, and its .keras file reloads without the "
    "preset folder (keras-hub must be installed: pip install \"mmzoo[hub]\").",
    "The encoders are frozen (trainable=False): train with mmzoo.training.fit(..., cache_frozen=True) to run "
    "them once instead of at every epoch.",
)

register(ZooEntry(
    name="pretrained_image_text_classifier",
    summary="CLIP image and text towers (keras-hub presets, frozen), fused, with a classifier head.",
    modalities=("image", "text"),
    reproduces="Classification on a pretrained CLIP pair of towers (linear probe / fusion on frozen features).",
    architecture="""
        image {image_shape[0]}x{image_shape[1]}x{image_shape[2]} pixels -> preset image converter
            -> encoder of image_preset={image_preset!r} -> mean of tokens
        text strings -> preset tokenizer ({sequence_length} tokens)
            -> encoder of text_preset={text_preset!r} -> mean of tokens
        fusion {fusion!r} -> Dense{hidden_units} -> Dense(num_classes, softmax)
        Presets: a keras-hub name, kaggle:// or hf:// handle, or a local preset folder.
    """,
    corrections=_CORRECTIONS,
    builder=pretrained_image_text_classifier,
    example_data=raw_example_data,
))

register(ZooEntry(
    name="pretrained_trimodal_classifier",
    summary="Image, text and speech encoders from keras-hub presets (frozen), fused, with a classifier head.",
    modalities=("image", "text", "audio"),
    reproduces="Fusion of pretrained unimodal encoders (CLIP vision, BERT, Whisper) for classification.",
    architecture="""
        image {image_shape[0]}x{image_shape[1]}x{image_shape[2]} pixels -> image converter
            -> encoder of image_preset={image_preset!r}
        text strings -> tokenizer ({sequence_length} tokens) -> encoder of text_preset={text_preset!r}
        audio waveform ({audio_shape[0]} samples) -> audio converter -> encoder of audio_preset={audio_preset!r}
        fusion {fusion!r} (tokens for attention, else the mean of tokens)
            -> Dense{hidden_units} -> Dense(num_classes, softmax)
        Presets: a keras-hub name, kaggle:// or hf:// handle, or a local preset folder.
    """,
    corrections=_CORRECTIONS,
    builder=pretrained_trimodal_classifier,
    example_data=raw_example_data,
))

register(ZooEntry(
    name="pretrained_dual_encoder",
    summary="CLIP image and text towers (keras-hub presets, frozen) projected into one space, for image-text search.",
    modalities=("image", "text"),
    reproduces="Cross-media search (an image-and-text search engine) on pretrained towers: the CLIP recipe "
               "(symmetric InfoNCE, in-batch negatives, learned temperature) trains projections on your pairs.",
    architecture="""
        image {image_shape[0]}x{image_shape[1]}x{image_shape[2]} pixels -> preset image converter
            -> encoder of image_preset={image_preset!r} -> mean of tokens -> Dense({embedding_dim}) -> L2 normalisation
        text strings -> preset tokenizer ({sequence_length} tokens)
            -> encoder of text_preset={text_preset!r} -> mean of tokens -> Dense({embedding_dim}) -> L2 normalisation
        (embedding_dim=None: the preset's own pooling and projections instead, CLIP's joint space, searchable untrained)
        ContrastiveLoss: logits = s * image_embeddings . text_embeddings^T, s = 1 / temperature learned
        (starts at 1 / temperature: 1 / 0.07 for new projections, the preset's own with embedding_dim=None);
        softmax loss, or the preset's own (SigLIP: sigmoid, with its learned bias); outputs: the embeddings by
        modality, no labels
        (num_classes=N: the class-aware variant of dual_encoder)
        Presets: a keras-hub name, kaggle:// or hf:// handle, or a local preset folder.
    """,
    corrections=(
        *_CORRECTIONS,
        "By default new projections of the towers' mean tokens are trained on the user's pairs, so search needs "
        "training first (mmzoo.training.fit or mmzoo train dual_encoder --image-preset ... --text-preset ...); "
        "embedding_dim=None keeps CLIP's own pooling and projections instead: zero-shot search, no training.",
    ),
    builder=pretrained_dual_encoder,
    example_data=_raw_pairs,
    loss=CONTRASTIVE_TRAINING,
))
