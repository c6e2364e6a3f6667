"""Contrastive dual (or multi-) encoders: one encoder per modality into one shared, normalised embedding space."""

import keras
import numpy as np

from mmzoo._arrays import as_text
from mmzoo._checks import check_modality_dict, check_positive_int
from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value
from mmzoo.layers.contrastive_loss import ContrastiveLoss

ENCODER_SUFFIX = "_encoder"
"""An encoder of a dual encoder is its layer named `<modality>_encoder`."""


CONTRASTIVE_TRAINING = ("the contrastive loss the model carries (no heads): fit it on the paired inputs alone, "
                        "with the \"label\" input when class-aware")
"""How a dual encoder trains, as `mmzoo.zoo.describe` says it."""


LABEL_INPUT = "label"
"""The extra input of a class-aware dual encoder: the class of each pair, used by the loss only."""


def dual_encoder(branches, embedding_dim=64, temperature=0.07, num_classes=None, loss="softmax", bias=None,
                 max_scale=100.0, name="dual_encoder"):
    """Builds a contrastive encoder of two or more modalities (CLIP-style).

    Each modality's branch is followed by a linear projection to
    `embedding_dim` and an L2 normalisation, as one sub-model named
    `<modality>_encoder`; with `embedding_dim=None` the branches already
    embed into one space (the towers of a CLIP preset with
    `pooling="embedding"`) and are only normalised. The embeddings go through a `ContrastiveLoss`
    layer, which adds the symmetric InfoNCE loss of every pair of
    modalities with a learned temperature (or, with `loss="sigmoid"`,
    SigLIP's pairwise sigmoid loss with a learned bias); so the model trains with
    `model.compile(optimizer)` and `model.fit(inputs)` on paired samples,
    without labels (labels given to `fit` as targets are ignored).

    With `num_classes` the model is class-aware: it has one more input,
    "label" (the class of each pair), and the loss is the supervised
    contrastive one (every pair of the same class in the batch is a
    positive) plus a cosine classifier on learned class prototypes shared by
    the modalities (see `mmzoo.layers.ContrastiveLoss`). It needs labels, so
    it is no longer label-free training; the encoders and the search are the
    same.

    Reference:
        Radford et al., "Learning Transferable Visual Models From Natural
        Language Supervision" (CLIP), ICML 2021.

    Example:
        >>> model = dual_encoder({"image": branches.for_input("image", (28, 28, 1)),
        ...                       "audio": branches.for_input("audio", (32, 32))})
        >>> model.compile(optimizer="adam")
        >>> model.fit({"image": images, "audio": spectrograms}, epochs=5, batch_size=256)

    Args:
        branches: Dict `{modality: branch keras.Model}`, two or more; each
            branch maps one input to a feature vector.
        embedding_dim: Size of the shared embedding, or None for no
            projection (the branches' outputs must then have one size).
        temperature: Initial temperature of the scaled similarities (learned).
        num_classes: None to train on pairs alone, or the number of classes
            of the class-aware variant (needs the "label" input when training).
        loss: "softmax" (CLIP's loss) or "sigmoid" (SigLIP's).
        bias: Initial bias of the sigmoid loss, None for SigLIP's -10.
        max_scale: Largest learned scale `1 / temperature` (CLIP caps it at 100).
        name: Name of the model.

    Returns:
        A `keras.Model` with one input per modality and the dict
        `{modality: (batch, embedding_dim)}` of unit-length embeddings as output.

    Raises:
        ConfigurationError: fewer than two branches, a branch without a
            vector output, a bad `embedding_dim`, `temperature`, `loss`,
            `bias` or `max_scale` (see `mmzoo.layers.ContrastiveLoss`), or
            branches of different output sizes without `embedding_dim`.
        ArgumentTypeError: `branches` is not a dict of Keras models.
    """
    check_modality_dict("branches", branches)
    if len(branches) < 2:
        raise ConfigurationError(
            f"A dual encoder needs at least two modalities. Received: branches={describe_value(sorted(branches))}")
    check_positive_int("embedding_dim", embedding_dim, allow_none=True)
    check_positive_int("num_classes", num_classes, allow_none=True)
    contrastive_loss = ContrastiveLoss(temperature=temperature, max_scale=max_scale, num_classes=num_classes,
                                       loss=loss, bias=bias, name="contrastive_loss")
    inputs, embeddings = {}, {}
    for modality in sorted(branches):
        branch = branches[modality]
        if not isinstance(branch, keras.Model):
            raise ArgumentTypeError(
                f"Each branch must be a keras.Model. Received: branches[{modality!r}]={describe_value(branch)}")
        if len(branch.output.shape) != 2:
            raise ConfigurationError(
                f"A dual encoder needs branches returning vectors `(batch, dim)`. "
                f"Received: branches[{modality!r}].output.shape={branch.output.shape}")
        inputs[modality] = keras.Input(shape=branch.input.shape[1:], dtype=branch.input.dtype, name=modality)
        embeddings[modality] = _encoder(branch, modality, embedding_dim)(inputs[modality])
    sizes = {modality: embedding.shape[-1] for modality, embedding in embeddings.items()}
    if len(set(sizes.values())) > 1:
        raise ConfigurationError(
            f"Without a projection (embedding_dim=None) the branches must return vectors of one size. "
            f"Received: output sizes {sizes}")
    if num_classes is None:
        return keras.Model(inputs=inputs, outputs=contrastive_loss(embeddings), name=name)
    inputs[LABEL_INPUT] = keras.Input(shape=(), dtype="int32", name=LABEL_INPUT)
    return keras.Model(inputs=inputs, outputs=contrastive_loss(embeddings, labels=inputs[LABEL_INPUT]), name=name)


def _encoder(branch, modality, embedding_dim):
    """Branch -> Dense(embedding_dim) (none when None) -> unit length, as one model."""
    features = keras.Input(shape=branch.input.shape[1:], dtype=branch.input.dtype, name=f"{modality}_input")
    projected = branch(features)
    if embedding_dim is not None:
        projected = keras.layers.Dense(embedding_dim, name=f"{modality}_projection")(projected)
    normalised = keras.layers.UnitNormalization(name=f"{modality}_normalization")(projected)
    return keras.Model(features, normalised, name=f"{modality}{ENCODER_SUFFIX}")


def modalities_of(model):
    """Returns the modalities a dual encoder embeds, sorted.

    Args:
        model: A model built by `dual_encoder`.

    Returns:
        A list of modality names.

    Raises:
        ArgumentTypeError: `model` is not a Keras model with `<modality>_encoder` layers.
    """
    if not isinstance(model, keras.Model):
        raise ArgumentTypeError(f"`model` must be a dual encoder keras.Model. Received: model={describe_value(model)}")
    names = sorted(layer.name[: -len(ENCODER_SUFFIX)] for layer in model.layers
                   if layer.name.endswith(ENCODER_SUFFIX) and isinstance(layer, keras.Model))
    if not names:
        raise ArgumentTypeError(
            f"`model` has no `<modality>_encoder` layers: build it with `mmzoo.retrieval.dual_encoder`. "
            f"Received: model={model.name!r}")
    return names


def encoder(model, modality):
    """Returns the encoder of one modality of a dual encoder: input -> unit-length embedding.

    Args:
        model: A model built by `dual_encoder` (or loaded from its file).
        modality: One of the model's modalities.

    Returns:
        A `keras.Model`.

    Raises:
        ConfigurationError: the model has no encoder of that modality; the
            message lists those it has.
    """
    known = modalities_of(model)
    if modality not in known:
        raise ConfigurationError(
            f"`modality` must be one the model embeds, {known}. Received: modality={describe_value(modality)}")
    return model.get_layer(f"{modality}{ENCODER_SUFFIX}")


def embed(model, data, modality, batch_size=256):
    """Embeds samples of one modality with a dual encoder.

    Args:
        model: A model built by `dual_encoder`.
        data: The samples: an array `(num_samples, *input_shape)`, or the
            inputs dict `{modality: array}`, or `(inputs, labels)`.
        modality: The modality of the samples.
        batch_size: Samples per step.

    Returns:
        A float32 numpy array `(num_samples, embedding_dim)` of unit-length rows.

    Raises:
        ConfigurationError: the model has no such modality, the data lacks
            it, or the samples' shape is not the encoder's input shape.
        ArgumentTypeError: `data` is not an array or a dict of arrays.
    """
    check_positive_int("batch_size", batch_size)
    model_encoder = encoder(model, modality)
    samples = _samples(data, modality)
    expected = tuple(model_encoder.input.shape[1:])
    if samples.ndim != len(expected) + 1 or tuple(samples.shape[1:]) != expected:
        raise ConfigurationError(
            f"The {modality} encoder takes samples of shape {expected}; these look like another modality's. "
            f"Received: data.shape={samples.shape}, modality={modality!r}")
    if len(samples) == 0:
        return np.zeros((0, model_encoder.output.shape[-1]), dtype="float32")
    return np.asarray(model_encoder.predict(samples, batch_size=batch_size, verbose=0), dtype="float32")


def _samples(data, modality):
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], dict):
        data = data[0]
    if isinstance(data, dict):
        if modality not in data:
            raise ConfigurationError(
                f"`data` has no {modality!r} samples; it holds {sorted(data)}. Received: modality={modality!r}")
        data = data[modality]
    if not hasattr(data, "shape"):
        raise ArgumentTypeError(
            f"`data` must be an array, a dict of arrays or `(inputs, labels)`. Received: data={describe_value(data)}")
    return as_text(np.asarray(data))
