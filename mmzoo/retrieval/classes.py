"""Class-level search with a class-aware dual encoder: each query stands for its nearest class prototype.

Why: a class-aware dual encoder (`dual_encoder(..., num_classes=N)`) learns
one unit-length prototype per class, shared by every modality. Searching
with the query's own embedding ranks first the items closest to that one
sample, which an ambiguous query (a mumbled "five") leads astray; searching
with the prototype of the query's nearest class ranks first the items most
typical of that class. Measured by `bench/retrieval.py` on AV-MNIST (held-out
speaker, class-level recall@1, means over seeds 0 to 9): spoken ->
handwritten 60.1% with the query embeddings, 64.0% with class queries;
handwritten -> spoken 54.8% and 60.9%. The price: every query of one class gets the same items, so class
queries are for finding items of the query's class, not its nearest
duplicates (instance level).
"""

import keras
import numpy as np

from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value
from mmzoo.layers.contrastive_loss import contrastive_loss_of


def class_prototypes(model):
    """Returns the class prototypes of a class-aware dual encoder.

    Args:
        model: A model built by `mmzoo.retrieval.dual_encoder` with
            `num_classes` (or loaded from its file).

    Returns:
        A float32 array `(num_classes, embedding_dim)` of unit-length rows, in class order.

    Raises:
        ArgumentTypeError: `model` is not a Keras model.
        ConfigurationError: the model has no class prototypes (built
            without `num_classes`).
    """
    if not isinstance(model, keras.Model):
        raise ArgumentTypeError(f"`model` must be a dual encoder keras.Model. Received: model={describe_value(model)}")
    loss = contrastive_loss_of(model)
    if loss is None or loss.num_classes is None:
        raise ConfigurationError(
            "Class queries need a class-aware dual encoder, built with `num_classes` (its class prototypes). "
            f"Received: model={model.name!r} without class prototypes")
    prototypes = np.asarray(keras.ops.convert_to_numpy(loss.prototypes), dtype="float32")
    return prototypes / np.maximum(np.linalg.norm(prototypes, axis=1, keepdims=True), 1e-12)


def class_queries(model, embeddings):
    """Replaces each query embedding by the prototype of its nearest class.

    Example:
        >>> queries = class_queries(model, embed(model, clips, "audio"))
        >>> ids, scores = index.search(queries, k=5)       # the most typical images of each clip's digit

    Args:
        model: A class-aware dual encoder (see `class_prototypes`).
        embeddings: Query embeddings `(num_queries, embedding_dim)`, from `embed`.

    Returns:
        A float32 array of the same shape: row `i` is the prototype of the
        class whose prototype is closest (cosine) to query `i`.

    Raises:
        ConfigurationError: the model has no class prototypes, or
            `embeddings` is not `(num_queries, embedding_dim)`.
        ArgumentTypeError: `model` is not a Keras model.
    """
    prototypes = class_prototypes(model)
    embeddings = np.asarray(embeddings)
    if embeddings.ndim != 2 or embeddings.shape[1] != prototypes.shape[1]:
        raise ConfigurationError(f"`embeddings` must be `(num_queries, {prototypes.shape[1]})`, the model's embedding "
                                 f"size. Received: embeddings.shape={embeddings.shape}")
    return prototypes[np.argmax(embeddings @ prototypes.T, axis=1)]
