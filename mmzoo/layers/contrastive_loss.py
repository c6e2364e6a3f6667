"""`ContrastiveLoss`: symmetric InfoNCE between the embeddings of every pair of modalities."""

import itertools
import math

import keras
from keras import ops

from mmzoo._checks import check_positive_int, check_positive_number
from mmzoo.errors import ConfigurationError
from mmzoo.layers._replicas import gather_replicas


@keras.saving.register_keras_serializable(package="mmzoo")
class ContrastiveLoss(keras.layers.Layer):
    """Adds the symmetric InfoNCE loss of paired embeddings, with a learned temperature.

    The layer takes `{modality: (batch, dim)}` L2-normalised embeddings,
    where row `i` of every modality comes from the same sample (a pair), and
    returns them unchanged. While doing so it adds, with `add_loss`, the mean
    over the modality pairs `(a, b)` (sorted names) of

        (cross_entropy(s * A B^T, diag) + cross_entropy(s * B A^T, diag)) / 2

    the CLIP loss: the other rows of the batch are the negatives. The scale
    `s = 1 / temperature` is learned as `exp(log_scale)` and capped at
    `max_scale` (CLIP's 100), so a model trains with plain `model.fit(inputs)`
    and no labels. The negatives are the whole batch on every backend and
    strategy: under a `tf.distribute` strategy each replica compares its own
    rows with the rows of every replica (`all_gather`, through which the
    gradients flow back), so training on several replicas takes the same
    step as training on the global batch on one device; under
    `keras.distribution.DataParallel` (JAX) the batch is one array split
    across devices and the layer sees it whole.

    Called with `labels` (the class of each row), it is the class-aware
    variant: the supervised contrastive loss (Khosla et al., 2020), where
    every row of the same class is a positive (the target of each row a
    uniform distribution over them), plus, with `num_classes`, one learned
    unit-length prototype per class shared by every modality and the
    cross-entropy of `s * embedding . prototypes^T` against the labels (a
    cosine classifier), which pulls each class of every modality to one point.

    Args:
        temperature: Initial temperature, a positive number (CLIP: 0.07).
        max_scale: Largest value of the learned scale `1 / temperature`.
        num_classes: Number of classes of the prototypes, or None for none
            (the class-aware call then uses the supervised contrastive term alone).
        **kwargs: Standard layer arguments (`name`, ...).

    Raises:
        ConfigurationError: `temperature` or `max_scale` is not positive,
            or `max_scale` is below `1 / temperature`.
    """

    def __init__(self, temperature=0.07, max_scale=100.0, num_classes=None, **kwargs):
        super().__init__(**kwargs)
        check_positive_number("temperature", temperature)
        check_positive_number("max_scale", max_scale)
        check_positive_int("num_classes", num_classes, allow_none=True)
        self.num_classes = num_classes
        if 1.0 / temperature > max_scale:
            raise ConfigurationError(
                f"`1 / temperature` must not exceed `max_scale` ({max_scale}). Received: temperature={temperature!r}")
        self.temperature = float(temperature)
        self.max_scale = float(max_scale)

    def build(self, input_shape):
        if not isinstance(input_shape, dict) or len(input_shape) < 2:
            raise ConfigurationError(
                "`ContrastiveLoss` takes a dict of at least two modalities' embeddings. "
                f"Received: input_shape={input_shape!r}")
        dims = {modality: shape[-1] for modality, shape in input_shape.items()}
        if len(set(dims.values())) != 1:
            raise ConfigurationError(f"Every modality's embedding must have the same size. Received: input_shape={input_shape!r}")
        self.log_scale = self.add_weight(
            shape=(), name="log_scale", initializer=keras.initializers.Constant(math.log(1.0 / self.temperature)))
        if self.num_classes is not None:
            self.prototypes = self.add_weight(shape=(self.num_classes, next(iter(dims.values()))), name="prototypes",
                                              initializer="glorot_normal")

    def scale(self):
        """Returns the learned scale `1 / temperature` (a scalar tensor)."""
        return ops.minimum(ops.exp(self.log_scale), self.max_scale)

    def call(self, embeddings, labels=None):
        scale = self.scale()
        if labels is not None:
            labels = ops.reshape(labels, (-1,))
        everyone, offset = gather_replicas({"embeddings": embeddings} if labels is None
                                           else {"embeddings": embeddings, "labels": labels})
        rows = next(iter(embeddings.values()))
        if labels is None:
            targets = ops.arange(ops.shape(rows)[0]) + offset
            cross_entropy = keras.losses.sparse_categorical_crossentropy
        else:
            same = ops.cast(ops.equal(labels[:, None], everyone["labels"][None, :]), rows.dtype)
            targets = same / ops.sum(same, axis=1, keepdims=True)
            cross_entropy = keras.losses.categorical_crossentropy
        losses = []
        for first, second in itertools.combinations(sorted(embeddings), 2):
            directions = []
            for queries, keys in ((first, second), (second, first)):
                logits = ops.matmul(embeddings[queries], ops.transpose(everyone["embeddings"][keys])) * ops.cast(
                    scale, embeddings[queries].dtype)
                directions.append(ops.mean(cross_entropy(targets, logits, from_logits=True)))
            losses.append((directions[0] + directions[1]) / 2.0)
        loss = sum(losses) / len(losses)
        if labels is not None and self.num_classes is not None:
            loss = loss + self._prototype_loss(embeddings, labels, scale)
        self.add_loss(ops.cast(loss, "float32"))
        return dict(embeddings)

    def _prototype_loss(self, embeddings, labels, scale):
        """Mean over modalities of the cross-entropy of the scaled cosine to each class prototype."""
        prototypes = self.prototypes / ops.sqrt(ops.maximum(ops.sum(ops.square(self.prototypes), axis=1,
                                                                    keepdims=True), 1e-12))
        losses = []
        for modality in sorted(embeddings):
            logits = ops.matmul(embeddings[modality], ops.transpose(ops.cast(prototypes, embeddings[modality].dtype)))
            losses.append(ops.mean(keras.losses.sparse_categorical_crossentropy(
                labels, logits * ops.cast(scale, logits.dtype), from_logits=True)))
        return sum(losses) / len(losses)

    def compute_output_spec(self, embeddings, labels=None):
        return {modality: keras.KerasTensor(tensor.shape, tensor.dtype) for modality, tensor in embeddings.items()}

    def get_config(self):
        return {**super().get_config(), "temperature": self.temperature, "max_scale": self.max_scale,
                "num_classes": self.num_classes}


def contrastive_loss_of(model):
    """Returns the model's `ContrastiveLoss` layer (that of a dual encoder), or None when it has none.

    Args:
        model: A `keras.Model`.

    Returns:
        The first `ContrastiveLoss` among the model's layers, or None.
    """
    return next((layer for layer in model.layers if isinstance(layer, ContrastiveLoss)), None)
