"""The binary image + text tutorial models: feature concatenation, dot gating, self-attention."""

import keras

import mmzoo.branches as branches
import mmzoo.heads as heads
from mmzoo.assemble import build_model
from mmzoo.fusion import ConcatFusion, DotGatedFusion
from mmzoo.zoo.example_data import labelled_data
from mmzoo.zoo.registry import ZooEntry, register


def feature_concat_binary(image_dim=128, text_dim=64, units=64):
    """Precomputed image and text features, each Dense(relu), concatenated, Dense(1, sigmoid).

    Args:
        image_dim: Size of the precomputed image feature vector.
        text_dim: Size of the precomputed text feature vector.
        units: Width of each modality's Dense layer.

    Returns:
        A `keras.Model` with inputs `image` and `text`, output `label`.
    """
    return build_model(
        branches={
            "image": branches.dense(image_dim, hidden_units=(units,), name="image_features"),
            "text": branches.dense(text_dim, hidden_units=(units,), name="text_features"),
        },
        fusion=ConcatFusion(name="concat_fusion"),
        head=heads.binary(),
        name="feature_concat_binary",
    )


def dot_gated_fusion(image_dim=128, vocab_size=1000, sequence_length=20, embedding_dim=64, units=64):
    """Image features and an LSTM text encoder, fused with a sigmoid(<image, text>) gate.

    Args:
        image_dim: Size of the precomputed image feature vector.
        vocab_size: Number of token ids (0 is padding).
        sequence_length: Tokens per text.
        embedding_dim: Size of the token embeddings.
        units: Width of the image Dense layer and of the LSTM (they must be
            equal for the dot product).

    Returns:
        A `keras.Model` with inputs `image` and `text`, output `label`.
    """
    return build_model(
        branches={
            "image": branches.dense(image_dim, hidden_units=(units,), name="image_features"),
            "text": branches.lstm(vocab_size, sequence_length, embedding_dim=embedding_dim, units=units),
        },
        fusion=DotGatedFusion(units=None, scaled=False, name="gated_fusion"),
        head=heads.binary(),
        name="dot_gated_fusion",
    )


def text_lstm_with_self_attention(vocab_size, sequence_length, embedding_dim, units, num_heads, key_dim,
                                  name="text_lstm_attention"):
    """Text branch: an LSTM and a pooled self-attention over the same embeddings.

    Args:
        vocab_size: Number of token ids (0 is padding, masked everywhere).
        sequence_length: Tokens per text.
        embedding_dim: Size of the token embeddings.
        units: Size of the LSTM state.
        num_heads: Attention heads.
        key_dim: Size of each head's queries and keys.
        name: Name of the returned model.

    Returns:
        A `keras.Model` from token ids to `(batch, units + embedding_dim)`.
    """
    inputs = keras.Input(shape=(sequence_length,), dtype="int32", name=f"{name}_input")
    embedded = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name=f"{name}_embedding")(inputs)
    recurrent = keras.layers.LSTM(units, name=f"{name}_lstm")(embedded)
    attended = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim,
                                               name=f"{name}_self_attention")(embedded, embedded)
    pooled = keras.layers.GlobalAveragePooling1D(name=f"{name}_attention_pool")(attended)
    features = keras.layers.Concatenate(name=f"{name}_features")([recurrent, pooled])
    return keras.Model(inputs, features, name=name)


def mha_text_image(image_dim=128, vocab_size=1000, sequence_length=20, embedding_dim=64, units=64,
                   num_heads=2, key_dim=64):
    """Image features, LSTM text features and pooled text self-attention, concatenated.

    Args:
        image_dim: Size of the precomputed image feature vector.
        vocab_size: Number of token ids (0 is padding).
        sequence_length: Tokens per text.
        embedding_dim: Size of the token embeddings.
        units: Width of the image Dense layer and of the LSTM.
        num_heads: Attention heads.
        key_dim: Size of each head's queries and keys.

    Returns:
        A `keras.Model` with inputs `image` and `text`, output `label`.
    """
    return build_model(
        branches={
            "image": branches.dense(image_dim, hidden_units=(units,), name="image_features"),
            "text": text_lstm_with_self_attention(vocab_size, sequence_length, embedding_dim, units,
                                                  num_heads, key_dim),
        },
        fusion=ConcatFusion(name="concat_fusion"),
        head=heads.binary(),
        name="mha_text_image",
    )


_precomputed_features_data = labelled_data("image+text", "threshold", image=("features", "image_dim"),
                                           text=("features", "text_dim"))
_image_features_and_text_data = labelled_data("image+text", "threshold", image=("features", "image_dim"),
                                              text=("ids", "sequence_length", "vocab_size"))


register(ZooEntry(
    name="feature_concat_binary",
    summary="Precomputed image (128) and text (64) features, Dense(64) each, concatenated, sigmoid.",
    modalities=("image", "text"),
    reproduces="The introductory early-fusion tutorial: two feature vectors, one yes/no answer.",
    architecture="""
        image features (128) -> Dense(64, relu)
        text features (64)   -> Dense(64, relu)
        Concatenate -> Dense(1, sigmoid); Adam, binary cross-entropy
    """,
    corrections=(
        "Inputs are named by modality (a dict), so image features cannot land in the text slot.",
    ),
    builder=feature_concat_binary,
    example_data=_precomputed_features_data,
))

register(ZooEntry(
    name="dot_gated_fusion",
    summary="Image features and an LSTM over text, gated by sigmoid(<image, text>).",
    modalities=("image", "text"),
    reproduces="The dot-product gating tutorial: score = <text, image>, gate = sigmoid(score).",
    architecture="""
        image features (128) -> Dense(64, relu)
        text ids -> Embedding(1000, 64, mask_zero) -> LSTM(64)
        gate = sigmoid(sum(image * text)); Concatenate(image, text, gate) -> Dense(1, sigmoid)
    """,
    corrections=(
        "The gate is computed by a registered DotGatedFusion layer, not a Lambda layer, so the "
        "model reloads with safe_mode=True.",
        "The dot product keeps its feature axis (keepdims) so the (batch, 1) gate concatenates "
        "with the (batch, 64) vectors; the tutorial's (batch,) score did not.",
        "Padding id 0 is masked in the LSTM.",
    ),
    builder=dot_gated_fusion,
    example_data=_image_features_and_text_data,
))

register(ZooEntry(
    name="mha_text_image",
    summary="As dot_gated_fusion's encoders, plus pooled multi-head self-attention over the text.",
    modalities=("image", "text"),
    reproduces="The multi-head attention tutorial: self-attention over text embeddings next to an LSTM.",
    architecture="""
        image features (128) -> Dense(64, relu)
        text ids -> Embedding(1000, 64, mask_zero) -> LSTM(64)
                                                  -> MultiHeadAttention(num_heads=2, key_dim=64)
                                                     (self-attention) -> GlobalAveragePooling1D
        Concatenate(image, LSTM, pooled attention) -> Dense(1, sigmoid)
    """,
    corrections=(
        "The attention output is 3-D (batch, steps, 64); the tutorial concatenated it with 2-D "
        "vectors, which fails. It is pooled (masked mean over the tokens) first.",
        "Padding is masked in the attention and in the pooling, not averaged in.",
    ),
    builder=mha_text_image,
    example_data=_image_features_and_text_data,
))
