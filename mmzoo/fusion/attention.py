"""Cross-modal attention fusion with `keras.layers.MultiHeadAttention`."""

import keras
from keras import ops

from mmzoo._deprecation import renamed_arguments
from mmzoo._checks import OUTPUT_MODES, check_choice, check_positive_int, check_rate
from mmzoo.errors import ConfigurationError
from mmzoo.fusion.base import Fusion
from mmzoo.layers.masked_mean import masked_mean


@keras.saving.register_keras_serializable(package="mmzoo")
class AttentionFusion(Fusion):
    """Self-attention over the tokens of every modality at once.

    Each modality's features become tokens (a vector is one token, a token
    sequence keeps its steps), are projected to `units`, and get a learned
    modality embedding added so attention knows which modality a token comes
    from. A `MultiHeadAttention` block (with a residual connection and layer
    normalisation) lets every token attend to every other, across
    modalities; padded text tokens are masked out. The result is averaged
    over tokens (`pooling="vector"`) or returned as tokens.

    Reference:
        Vaswani et al., "Attention Is All You Need", NeurIPS 2017; Tsai et
        al., "Multimodal Transformer for Unaligned Multimodal Language
        Sequences", ACL 2019.

    Args:
        num_heads: Number of attention heads.
        key_dim: Size of each head's queries and keys.
        units: Size every token is projected to (and of the output).
        dropout: Dropout rate on the attention probabilities.
        pooling: `"vector"` (`(batch, units)`) or `"tokens"`
            (`(batch, total_steps, units)`).
        **kwargs: Standard layer arguments.

    Call arguments:
        inputs: Dict `{modality: features}`.
        return_attention_scores: If True, return `(fused, scores)` where
            scores is `(batch, num_heads, total_steps, total_steps)`, tokens
            ordered by sorted modality name (see `token_modalities`).
    """

    @renamed_arguments(output="pooling")
    def __init__(self, num_heads=2, key_dim=32, units=64, dropout=0.0, pooling="vector", **kwargs):
        super().__init__(**kwargs)
        check_positive_int("num_heads", num_heads)
        check_positive_int("key_dim", key_dim)
        check_positive_int("units", units)
        check_rate("dropout", dropout)
        check_choice("pooling", pooling, OUTPUT_MODES)
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.units = units
        self.dropout = dropout
        self.output_mode = pooling
        self.token_counts = None

    def build_fusion(self, shapes):
        batch = next(iter(shapes.values()))[0]
        self.token_counts = {name: 1 if len(shape) == 2 else shape[1] for name, shape in shapes.items()}
        self.projections = self.build_projections(shapes, self.units)
        self.modality_embedding = self.add_weight(
            name="modality_embedding",
            shape=(len(shapes), self.units),
            initializer="random_normal",
        )
        self.attention = keras.layers.MultiHeadAttention(
            num_heads=self.num_heads, key_dim=self.key_dim, dropout=self.dropout, name="attention"
        )
        token_shape = (batch, None, self.units)
        self.attention.build(token_shape, token_shape)
        self.norm = keras.layers.LayerNormalization(name="norm")
        self.norm.build(token_shape)

    def call(self, inputs, mask=None, training=None, return_attention_scores=False):
        features, masks = self.ordered(inputs, mask)
        fused, scores = self.attend(features, masks, training)
        return (fused, scores) if return_attention_scores else fused

    def fuse(self, features, masks, training=None):
        return self.attend(features, masks, training)[0]

    def attend(self, features, masks, training=None):
        """Attends across the tokens of every modality.

        Args:
            features: Dict `{modality: tensor}` in sorted modality order.
            masks: Dict `{modality: boolean (batch, steps) mask or None}`.
            training: Whether the attention dropout is active.

        Returns:
            A tuple `(fused, scores)`: the fused tensor and the attention
            scores `(batch, num_heads, tokens, tokens)`.
        """
        token_list, mask_list = [], []
        for index, (name, value) in enumerate(features.items()):
            tokens = value if len(value.shape) == 3 else ops.expand_dims(value, 1)
            tokens = self.projections[index](tokens) + ops.cast(self.modality_embedding[index], tokens.dtype)
            token_mask = masks.get(name)
            if token_mask is None:
                token_mask = ops.ones(ops.shape(tokens)[:2], dtype="bool")
            token_list.append(tokens)
            mask_list.append(ops.cast(token_mask, "bool"))
        tokens = ops.concatenate(token_list, axis=1)
        token_mask = ops.concatenate(mask_list, axis=1)
        attended, scores = self.attention(
            tokens,
            tokens,
            attention_mask=ops.expand_dims(token_mask, 1),
            return_attention_scores=True,
            training=training,
        )
        fused_tokens = self.norm(tokens + attended)
        fused = fused_tokens if self.output_mode == "tokens" else masked_mean(fused_tokens, token_mask)
        return fused, scores

    def token_modalities(self):
        """Names the modality of each token position, in attention-score order.

        Returns:
            A list with one modality name per token (a modality whose number
            of steps is unknown appears once, followed by "...").

        Raises:
            ConfigurationError: the layer has not been built yet.
        """
        if self.token_counts is None:
            raise ConfigurationError(f"Layer {self.name!r} has no tokens until it is built: call it on inputs first.")
        names = []
        for name, count in self.token_counts.items():
            names.extend([name] * count if count is not None else [name, "..."])
        return names

    def get_config(self):
        config = {
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "units": self.units,
            "dropout": self.dropout,
            "pooling": self.output_mode,
        }
        return {**super().get_config(), **config}


def attention_scores(model, inputs):
    """Computes the attention scores of the model's `AttentionFusion` layer.

    Args:
        model: A model holding exactly one `AttentionFusion` layer, e.g. one
            made by `mmzoo.build_model(..., fusion="attention")`.
        inputs: A dict of model inputs (numpy arrays or tensors).

    Returns:
        A tuple `(scores, token_names)`: a numpy array
        `(batch, num_heads, tokens, tokens)` and the modality of each token.

    Raises:
        ValueError: the model holds no or several `AttentionFusion` layers.
    """
    layers = [layer for layer in model.layers if isinstance(layer, AttentionFusion)]
    if len(layers) != 1:
        raise ConfigurationError(
            "attention_scores needs a model with exactly one AttentionFusion "
            f"layer. Received: model {model.name!r} with {len(layers)}"
        )
    layer = layers[0]
    feature_model = keras.Model(model.inputs, keras.tree.flatten(layer.input))
    features = feature_model(inputs, training=False)
    features = dict(zip(layer.modalities, keras.tree.flatten(features)))
    _, scores = layer(features, return_attention_scores=True, training=False)
    return ops.convert_to_numpy(scores), layer.token_modalities()
