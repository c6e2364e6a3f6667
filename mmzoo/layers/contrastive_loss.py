"""`ContrastiveLoss`: the contrastive loss (CLIP's softmax or SigLIP's sigmoid) of every pair of modalities."""

import itertools
import math

import keras
from keras import ops

from mmzoo._checks import check_choice, check_number, check_positive_int, check_positive_number
from mmzoo.errors import ConfigurationError
from mmzoo.layers._replicas import gather_replicas

LOSSES = ("softmax", "sigmoid")
"""The contrastive losses: CLIP's softmax over the batch, SigLIP's sigmoid of every pair."""

SIGMOID_BIAS = -10.0
"""SigLIP's initial bias of the sigmoid loss: with many more negatives than positives, each pair starts as unlikely."""


@keras.saving.register_keras_serializable(package="mmzoo")
class ContrastiveLoss(keras.layers.Layer):
    """Adds the contrastive loss of paired embeddings (CLIP's or SigLIP's), with a learned temperature.

    The layer takes `{modality: (batch, dim)}` L2-normalised embeddings,
    where row `i` of every modality comes from the same sample (a pair), and
    returns them unchanged. While doing so it adds, with `add_loss`, the mean
    over the modality pairs `(a, b)` (sorted names) of

        (cross_entropy(s * A B^T, diag) + cross_entropy(s * B A^T, diag)) / 2

    the CLIP loss (`loss="softmax"`): the other rows of the batch are the
    negatives. With `loss="sigmoid"` it is SigLIP's loss instead: every
    pair of rows `(i, j)` is a binary decision, positive on the diagonal,

        -sum_j log_sigmoid(z_ij * (s * a_i . b_j + bias)) averaged over the rows i,

    with `z_ij = 1` for a positive and -1 otherwise and a learned `bias`
    (starting at `bias`, SigLIP's -10); it needs no softmax over the batch
    and is the loss SigLIP presets were trained with. The scale
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
    uniform distribution over them; with the sigmoid loss, `z_ij = 1`), plus, with `num_classes`, one learned
    unit-length prototype per class shared by every modality and the
    cross-entropy of `s * embedding . prototypes^T` against the labels (a
    cosine classifier), which pulls each class of every modality to one point.

    Args:
        temperature: Initial temperature, a positive number (CLIP: 0.07).
        max_scale: Largest value of the learned scale `1 / temperature`.
        num_classes: Number of classes of the prototypes, or None for none
            (the class-aware call then uses the supervised contrastive term alone).
        loss: "softmax" (CLIP, the default) or "sigmoid" (SigLIP).
        bias: Initial bias of the sigmoid loss (learned), None for SigLIP's
            -10; only with `loss="sigmoid"`.
        **kwargs: Standard layer arguments (`name`, ...).

    Raises:
        ConfigurationError: `temperature` or `max_scale` is not positive,
            `max_scale` is below `1 / temperature`, an unknown `loss`, or a
            `bias` that is not a finite number or comes without the sigmoid loss.
    """

    def __init__(self, temperature=0.07, max_scale=100.0, num_classes=None, loss="softmax", bias=None, **kwargs):
        super().__init__(**kwargs)
        check_positive_number("temperature", temperature)
        check_positive_number("max_scale", max_scale)
        check_positive_int("num_classes", num_classes, allow_none=True)
        check_choice("loss", loss, LOSSES)
        if bias is not None and loss != "sigmoid":
            raise ConfigurationError(
                f"`bias` is the bias of the sigmoid loss; pass loss='sigmoid' with it. Received: bias={bias!r}, "
                f"loss={loss!r}")
        check_number("bias", bias, minimum=-math.inf, maximum=math.inf, exclusive_minimum=True,
                     exclusive_maximum=True, allow_none=True)
        self.num_classes = num_classes
        if 1.0 / temperature > max_scale:
            raise ConfigurationError(
                f"`1 / temperature` must not exceed `max_scale` ({max_scale}). Received: temperature={temperature!r}")
        self.temperature = float(temperature)
        self.max_scale = float(max_scale)
        self.loss = loss
        self.bias = (SIGMOID_BIAS if bias is None else float(bias)) if loss == "sigmoid" else None

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
        if self.loss == "sigmoid":
            self.logit_bias = self.add_weight(shape=(), name="logit_bias",
                                              initializer=keras.initializers.Constant(self.bias))
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
            keys = ops.arange(ops.shape(next(iter(everyone["embeddings"].values())))[0])
            positives = ops.equal((ops.arange(ops.shape(rows)[0]) + offset)[:, None], keys[None, :])
        else:
            positives = ops.equal(labels[:, None], everyone["labels"][None, :])
        positives = ops.cast(positives, rows.dtype)
        losses = []
        for first, second in itertools.combinations(sorted(embeddings), 2):
            directions = []
            for queries, keys in ((first, second), (second, first)):
                logits = ops.matmul(embeddings[queries], ops.transpose(everyone["embeddings"][keys])) * ops.cast(
                    scale, embeddings[queries].dtype)
                directions.append(self._pair_loss(logits, positives))
            losses.append((directions[0] + directions[1]) / 2.0)
        loss = sum(losses) / len(losses)
        if labels is not None and self.num_classes is not None:
            loss = loss + self._prototype_loss(embeddings, labels, scale)
        self.add_loss(ops.cast(loss, "float32"))
        return dict(embeddings)

    def _pair_loss(self, logits, positives):
        """The loss of one direction: `logits` (rows, keys) scaled similarities, `positives` their 0/1 matches."""
        if self.loss == "sigmoid":
            logits = logits + ops.cast(self.logit_bias, logits.dtype)
            return ops.mean(-ops.sum(ops.log_sigmoid((2.0 * positives - 1.0) * logits), axis=1))
        targets = positives / ops.sum(positives, axis=1, keepdims=True)
        return ops.mean(keras.losses.categorical_crossentropy(targets, logits, from_logits=True))

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
                "num_classes": self.num_classes, "loss": self.loss, "bias": self.bias}


def contrastive_loss_of(model):
    """Returns the model's `ContrastiveLoss` layer (that of a dual encoder), or None when it has none.

    Args:
        model: A `keras.Model`.

    Returns:
        The first `ContrastiveLoss` among the model's layers, or None.
    """
    return next((layer for layer in model.layers if isinstance(layer, ContrastiveLoss)), None)
