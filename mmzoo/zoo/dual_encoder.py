"""The contrastive dual encoder: spoken and handwritten digits in one embedding space (CLIP-style)."""

import numpy as np

import mmzoo.branches as branches
from mmzoo.errors import ConfigurationError
from mmzoo.retrieval.encoders import CONTRASTIVE_TRAINING
from mmzoo.retrieval.encoders import dual_encoder as build_dual_encoder
from mmzoo.zoo.registry import ZooEntry, register

AV_MNIST_SHAPES = {"image_shape": (28, 28, 1), "spectrogram_shape": (32, 32)}


def dual_encoder(image_shape=(28, 28, 1), spectrogram_shape=(32, 32), embedding_dim=64, temperature=0.07,
                 num_classes=None, loss="softmax"):
    """An image encoder and a spectrogram encoder trained to embed pairs close together.

    The branches are those of `mmzoo.branches.for_input` (the AV-MNIST
    branches of `mmzoo demo`); `mmzoo.retrieval.dual_encoder` adds the
    projections, the L2 normalisation and the contrastive loss.

    Args:
        image_shape: Image size.
        spectrogram_shape: `(time, frequency)` of the spectrograms.
        embedding_dim: Size of the shared embedding.
        temperature: Initial temperature of the contrastive loss (learned).
        num_classes: None to train on pairs alone (no labels), or the number
            of classes of the class-aware variant, which takes a "label" input.
        loss: "softmax" (CLIP's loss) or "sigmoid" (SigLIP's, with a learned
            bias starting at -10).

    Returns:
        A `keras.Model` with inputs `image` and `audio`, outputs their
        unit-length embeddings `{"audio": ..., "image": ...}`.
    """
    return build_dual_encoder(
        {"image": branches.for_input("image", tuple(image_shape)),
         "audio": branches.for_input("audio", tuple(spectrogram_shape))},
        embedding_dim=embedding_dim, temperature=temperature, num_classes=num_classes, loss=loss,
        name="dual_encoder")


def _av_mnist_pairs(num_samples, seed, config):
    """AV-MNIST training pairs (image, spoken digit) and their digits (also an input when class-aware)."""
    from mmzoo.datasets import load

    for name, shape in AV_MNIST_SHAPES.items():
        if tuple(config[name]) != shape:
            raise ConfigurationError(f"The example data of 'dual_encoder' is AV-MNIST, of {name} {shape}. "
                                     f"Received: {name}={config[name]!r}")
    inputs, labels = load("av_mnist", split="train", as_dataset=False)
    keep = np.sort(np.random.default_rng(seed).choice(len(labels), size=min(num_samples, len(labels)), replace=False))
    inputs = {modality: values[keep] for modality, values in inputs.items()}
    if config["num_classes"] is not None:
        inputs["label"] = labels[keep]
    return inputs, labels[keep]


register(ZooEntry(
    name="dual_encoder",
    summary="Contrastive image + speech encoders into one normalised space, for cross-modal search (CLIP-style).",
    modalities=("image", "audio"),
    reproduces="Cross-media search (an image-and-text search engine) of the multimodal tutorials, trained the "
               "CLIP way: symmetric InfoNCE on pairs, in-batch negatives, learned temperature.",
    architecture="""
        image {image_shape} -> conv2d branch (Dense 64) -> Dense({embedding_dim}) -> L2 normalisation
        spectrogram {spectrogram_shape} -> audio_conv2d branch (Dense 128) -> Dense({embedding_dim}) -> L2 normalisation
        ContrastiveLoss: logits = s * image_embeddings . audio_embeddings^T, s = 1 / temperature learned
        (starts at 1 / {temperature}, capped at 100); loss = mean of the cross-entropies both ways
        (loss={loss!r}; "sigmoid": SigLIP's loss, -log sigmoid(+-(logits + learned bias)) of every pair)
        outputs: the embeddings by modality; no labels, no classifier
        num_classes=N (class-aware): a "label" input; supervised contrastive (every pair of the same class is a
        positive) + cross-entropy of s * embedding . class prototypes^T (one prototype per class, both modalities)
    """,
    corrections=(
        "Tutorials search with features of separately trained classifiers; here both encoders are trained "
        "together on pairs, so similarities across modalities are meaningful.",
        "The temperature is a weight of a registered layer (saved with the model), not a Python float.",
    ),
    builder=dual_encoder,
    example_data=_av_mnist_pairs,
    loss=CONTRASTIVE_TRAINING,
))
