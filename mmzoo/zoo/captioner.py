"""Text generation conditioned on an image and an audio clip: the model and its zoo entry.

Decoding (`greedy_decode`, `beam_search_decode`) lives in
`mmzoo.zoo.captioner_decoding`, the bundled captions' vocabulary and data in
`mmzoo.zoo.captioner_data`; both are public here too.
"""

import keras

import mmzoo.branches as branches
import mmzoo.heads as heads
from mmzoo._checks import check_choice, check_positive_int
from mmzoo._deprecation import renamed_arguments
from mmzoo.errors import ConfigurationError
from mmzoo.fusion import AttentionFusion
from mmzoo.layers.token_and_position_embedding import TokenAndPositionEmbedding
from mmzoo.zoo.captioner_data import (
    CAPTION_VOCABULARY, END_ID, PITCH_WORDS, START_ID, caption_data, caption_words, reference_captions,
)
from mmzoo.zoo.captioner_decoding import beam_search_decode, greedy_decode
from mmzoo.zoo.registry import ZooEntry, register

__all__ = [
    "trimodal_captioner", "greedy_decode", "beam_search_decode", "caption_words", "reference_captions",
    "CAPTION_VOCABULARY", "PITCH_WORDS", "START_ID", "END_ID",
]

def _image_branch(image_backbone, image_shape, weights, units):
    if image_backbone == "vgg16":
        backbone = branches.vgg16(input_shape=image_shape, weights=weights, pooling="avg")
        inputs = keras.Input(image_shape, name="image_features_input")
        features = keras.layers.Dense(units, activation="relu", name="image_projection")(backbone(inputs))
        return keras.Model(inputs, features, name="image_features")
    return branches.conv2d(input_shape=image_shape, filters=(16, 32), pooling="max", units=units)


def _lstm_decoder(tokens, context, vocab_size, sequence_length, embedding_dim, units):
    initial_state = [
        keras.layers.Dense(units, activation="tanh", name=f"decoder_initial_{state}")(context)
        for state in ("h", "c")
    ]
    embedded = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="token_embedding")(tokens)
    repeated = keras.layers.RepeatVector(sequence_length, name="context_per_step")(context)
    steps = keras.layers.Concatenate(name="token_and_context")([embedded, repeated])
    return keras.layers.LSTM(units, return_sequences=True, name="decoder_lstm")(
        steps, initial_state=initial_state)


def _transformer_decoder(tokens, encoded, vocab_size, sequence_length, units, num_heads, key_dim):
    x = TokenAndPositionEmbedding(vocab_size, sequence_length, units, name="token_embedding")(tokens)
    attended = keras.layers.MultiHeadAttention(num_heads, key_dim, name="decoder_self_attention")(
        x, x, use_causal_mask=True)
    x = keras.layers.LayerNormalization(name="decoder_norm1")(keras.layers.Add(name="decoder_add1")([x, attended]))
    crossed = keras.layers.MultiHeadAttention(num_heads, key_dim, name="decoder_cross_attention")(x, encoded)
    x = keras.layers.LayerNormalization(name="decoder_norm2")(keras.layers.Add(name="decoder_add2")([x, crossed]))
    hidden = keras.layers.Dense(units * 2, activation="relu", name="decoder_ffn1")(x)
    hidden = keras.layers.Dense(units, name="decoder_ffn2")(hidden)
    return keras.layers.LayerNormalization(name="decoder_norm3")(keras.layers.Add(name="decoder_add3")([x, hidden]))


@renamed_arguments(max_length="sequence_length")
def trimodal_captioner(variant="lstm", image_backbone="conv2d", image_shape=(64, 64, 3), weights=None,
                       audio_dim=64, vocab_size=1000, sequence_length=12, embedding_dim=128, units=128,
                       num_heads=2, key_dim=32):
    """Generates text from an image and an audio clip, one next token at a time.

    Inputs are `image`, `audio` and `tokens` (the caption so far, starting
    with a start token: teacher forcing); the output `next_token` gives, at
    every step, the probabilities of the following token. Decode with
    `greedy_decode` or `beam_search_decode`.

    Args:
        variant: "lstm" (cross-modal attention gives a context vector that
            sets the LSTM decoder's initial state and is fed at every step
            next to the token embedding) or "transformer" (the attended modality
            embeddings are the encoder sequence; the decoder uses causal
            self-attention and cross-attention to it).
        image_backbone: "conv2d" or "vgg16".
        image_shape: Image size.
        weights: VGG16 weights (None, "imagenet" or a file) when
            `image_backbone="vgg16"`.
        audio_dim: Size of the audio feature vector (Dense(units) branch).
        vocab_size: Number of token ids (0 is padding).
        sequence_length: Tokens per caption (the longest), start token included.
        embedding_dim: Size of the token embeddings (LSTM variant).
        units: Size of the modality features, the LSTM and the transformer.
        num_heads: Attention heads.
        key_dim: Size of each head's queries and keys.

    Returns:
        A `keras.Model` with inputs `image`, `audio`, `tokens` and output
        `next_token` of shape `(batch, sequence_length, vocab_size)`.

    Raises:
        ValueError: unknown `variant` or `image_backbone`, or a bad size.
    """
    check_choice("variant", variant, ("lstm", "transformer"))
    check_choice("image_backbone", image_backbone, ("conv2d", "vgg16"))
    for name, value in (("vocab_size", vocab_size), ("sequence_length", sequence_length), ("units", units)):
        check_positive_int(name, value)
    if vocab_size <= END_ID:
        raise ConfigurationError(f"`vocab_size` must exceed the special token ids. Received: vocab_size={vocab_size}")

    image_branch = _image_branch(image_backbone, image_shape, weights, units)
    audio_branch = branches.dense(audio_dim, hidden_units=(units,), batch_norm=True)
    inputs = {
        "image": keras.Input(image_shape, name="image"),
        "audio": keras.Input((audio_dim,), name="audio"),
        "tokens": keras.Input((sequence_length,), dtype="int32", name="tokens"),
    }
    features = {"image": image_branch(inputs["image"]), "audio": audio_branch(inputs["audio"])}
    if variant == "lstm":
        context = AttentionFusion(num_heads=num_heads, key_dim=key_dim, units=units,
                                  name="attention_fusion")(features)
        decoded = _lstm_decoder(inputs["tokens"], context, vocab_size, sequence_length, embedding_dim, units)
    else:
        encoded = AttentionFusion(num_heads=num_heads, key_dim=key_dim, units=units, pooling="tokens",
                                  name="attention_fusion")(features)
        decoded = _transformer_decoder(inputs["tokens"], encoded, vocab_size, sequence_length, units, num_heads,
                                       key_dim)
    outputs = heads.multiclass(vocab_size, name="next_token")(decoded)
    return keras.Model(inputs, outputs, name=f"trimodal_captioner_{variant}")


register(ZooEntry(
    name="trimodal_captioner",
    summary="Next-token text generation from an image and an audio clip (LSTM or transformer decoder).",
    modalities=("image", "audio", "text"),
    reproduces="The image + audio captioning tutorial: encoders per modality, attention between them, "
               "a recurrent decoder trained with teacher forcing; plus a transformer variant.",
    architecture="""
        image -> Conv2D features (or VGG16) -> {units};  audio features ({audio_dim}) -> Dense({units})
        cross-modal attention over the two modality tokens ({num_heads} heads, key_dim={key_dim})
        lstm:        context -> initial LSTM state, and [Embedding({embedding_dim})(previous token), context] at
                     every step -> LSTM({units})
        transformer: attended modality tokens = encoder sequence; previous tokens -> token + position
                     embedding -> causal self-attention -> cross-attention to the encoder -> FFN
        -> Dense(vocab_size, softmax) at every step ("next_token"); padding masked in loss and metrics
        decoding: greedy_decode, beam_search_decode (stop at <end> or max_length)
    """,
    corrections=(
        "Teacher forcing is explicit: the decoder reads the caption shifted right and predicts it "
        "shifted left; the tutorial fed the whole caption and predicted the same tokens.",
        "The attention output is pooled (or kept as the encoder sequence) instead of being "
        "concatenated as a 3-D tensor with 2-D vectors.",
        "Decoding loops stop at the end token or at max_length instead of always running to the end.",
    ),
    builder=trimodal_captioner,
    example_data=caption_data,
))
