"""Zero-shot classification: class prompts of one modality classify samples of another."""

import numpy as np

from mmzoo._checks import check_type
from mmzoo.errors import ConfigurationError, describe_value
from mmzoo.retrieval.encoders import embed


def class_embeddings(model, prompts, modality, batch_size=256):
    """Embeds class prompts: one unit-length embedding per class, the normalised mean of its prompts.

    Args:
        model: A model built by `mmzoo.retrieval.dual_encoder`.
        prompts: One entry per class, in class order: each an array of one
            or more samples `(num_prompts, *input_shape)` of `modality`
            (e.g. a few spoken "seven"s), or one array
            `(num_classes, *input_shape)` of one prompt per class.
        modality: The prompts' modality.
        batch_size: Samples per step.

    Returns:
        A float32 array `(num_classes, embedding_dim)`.

    Raises:
        ArgumentTypeError: `prompts` is neither a list nor an array.
        ConfigurationError: no prompts, a class without prompts, or
            prompts that are not samples of `modality`.
    """
    if hasattr(prompts, "shape"):
        prompts = [sample[None] for sample in np.asarray(prompts)]
    check_type("prompts", prompts, (list, tuple), "a list of arrays of samples, one per class, or one array")
    if not prompts:
        raise ConfigurationError(
            f"`prompts` must hold one or more samples per class. Received: prompts={describe_value(prompts)}")
    rows = []
    for number, class_prompts in enumerate(prompts):
        class_prompts = np.asarray(class_prompts)
        if class_prompts.ndim == 0 or len(class_prompts) == 0:
            raise ConfigurationError(
                f"Every class needs at least one prompt. Received: prompts[{number}].shape={class_prompts.shape}")
        rows.append(embed(model, class_prompts, modality, batch_size=batch_size).mean(axis=0))
    means = np.stack(rows)
    return (means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)).astype("float32")


def zero_shot_classify(model, prompts, prompt_modality, data, modality, batch_size=256):
    """Classifies samples of one modality by their closest class prompt of another.

    Example:
        >>> spoken = [train_audio[train_labels == digit][:5] for digit in range(10)]
        >>> predicted, scores = zero_shot_classify(model, spoken, "audio", test_images, "image")

    Args:
        model: A model built by `mmzoo.retrieval.dual_encoder`.
        prompts: The class prompts (see `class_embeddings`).
        prompt_modality: The prompts' modality.
        data: The samples to classify: an array, a dict `{modality: array}`
            or `(inputs, labels)`.
        modality: The samples' modality.
        batch_size: Samples per step.

    Returns:
        A tuple `(predicted, scores)`: class ids `(num_samples,)` and the
        cosine similarity to each class `(num_samples, num_classes)`.

    Raises:
        ConfigurationError: see `class_embeddings` and `mmzoo.retrieval.embed`.
    """
    classes = class_embeddings(model, prompts, prompt_modality, batch_size=batch_size)
    scores = embed(model, data, modality, batch_size=batch_size) @ classes.T
    return np.argmax(scores, axis=1), scores
