"""Text generation conditioned on an image and an audio clip, with greedy and beam-search decoding."""

import keras
import numpy as np
from keras import ops

import mmzoo.branches as branches
import mmzoo.heads as heads
from mmzoo._checks import check_choice, check_positive_int
from mmzoo.datasets import synthetic
from mmzoo.errors import ConfigurationError
from mmzoo.fusion import AttentionFusion
from mmzoo.zoo.example_data import example_inputs
from mmzoo.zoo.registry import ZooEntry, register

PITCH_WORDS = ("low", "medium", "high", "shrill")
CAPTION_VOCABULARY = ("", "[UNK]", "<start>", "<end>", "a", "with", "tone") + synthetic.SHAPES + PITCH_WORDS
"""Token ids of the bundled captions: 0 is padding."""
START_ID = CAPTION_VOCABULARY.index("<start>")
END_ID = CAPTION_VOCABULARY.index("<end>")


@keras.saving.register_keras_serializable(package="mmzoo")
class TokenAndPositionEmbedding(keras.layers.Layer):
    """Token embeddings plus learned position embeddings; id 0 is masked padding.

    Args:
        vocab_size: Number of token ids.
        max_length: Longest sequence.
        embedding_dim: Size of the embeddings.
        **kwargs: Standard layer arguments.
    """

    def __init__(self, vocab_size, max_length, embedding_dim, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.max_length = max_length
        self.embedding_dim = embedding_dim
        self.tokens = keras.layers.Embedding(vocab_size, embedding_dim, name="tokens")
        self.positions = keras.layers.Embedding(max_length, embedding_dim, name="positions")

    def build(self, input_shape):
        self.tokens.build(input_shape)
        self.positions.build((input_shape[1],))
        self.built = True

    def call(self, inputs):
        steps = ops.arange(ops.shape(inputs)[1])
        return self.tokens(inputs) + ops.expand_dims(self.positions(steps), 0)

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0)

    def get_config(self):
        config = {"vocab_size": self.vocab_size, "max_length": self.max_length, "embedding_dim": self.embedding_dim}
        return {**super().get_config(), **config}


def _image_branch(image_backbone, image_shape, weights, units):
    if image_backbone == "vgg16":
        backbone = branches.vgg16(input_shape=image_shape, weights=weights, pooling="avg")
        inputs = keras.Input(image_shape, name="image_features_input")
        features = keras.layers.Dense(units, activation="relu", name="image_projection")(backbone(inputs))
        return keras.Model(inputs, features, name="image_features")
    return branches.conv2d(input_shape=image_shape, filters=(16, 32), pooling="max", units=units)


def _lstm_decoder(tokens, context, vocab_size, max_length, embedding_dim, units):
    initial_state = [
        keras.layers.Dense(units, activation="tanh", name=f"decoder_initial_{state}")(context)
        for state in ("h", "c")
    ]
    embedded = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="token_embedding")(tokens)
    repeated = keras.layers.RepeatVector(max_length, name="context_per_step")(context)
    steps = keras.layers.Concatenate(name="token_and_context")([embedded, repeated])
    return keras.layers.LSTM(units, return_sequences=True, name="decoder_lstm")(
        steps, initial_state=initial_state)


def _transformer_decoder(tokens, encoded, vocab_size, max_length, units, num_heads, key_dim):
    x = TokenAndPositionEmbedding(vocab_size, max_length, units, name="token_embedding")(tokens)
    attended = keras.layers.MultiHeadAttention(num_heads, key_dim, name="decoder_self_attention")(
        x, x, use_causal_mask=True)
    x = keras.layers.LayerNormalization(name="decoder_norm1")(keras.layers.Add(name="decoder_add1")([x, attended]))
    crossed = keras.layers.MultiHeadAttention(num_heads, key_dim, name="decoder_cross_attention")(x, encoded)
    x = keras.layers.LayerNormalization(name="decoder_norm2")(keras.layers.Add(name="decoder_add2")([x, crossed]))
    hidden = keras.layers.Dense(units * 2, activation="relu", name="decoder_ffn1")(x)
    hidden = keras.layers.Dense(units, name="decoder_ffn2")(hidden)
    return keras.layers.LayerNormalization(name="decoder_norm3")(keras.layers.Add(name="decoder_add3")([x, hidden]))


def trimodal_captioner(variant="lstm", image_backbone="conv2d", image_shape=(64, 64, 3), weights=None,
                       audio_dim=64, vocab_size=1000, max_length=12, embedding_dim=128, units=128,
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
        max_length: Longest caption, start token included.
        embedding_dim: Size of the token embeddings (LSTM variant).
        units: Size of the modality features, the LSTM and the transformer.
        num_heads: Attention heads.
        key_dim: Size of each head's queries and keys.

    Returns:
        A `keras.Model` with inputs `image`, `audio`, `tokens` and output
        `next_token` of shape `(batch, max_length, vocab_size)`.

    Raises:
        ValueError: unknown `variant` or `image_backbone`, or a bad size.
    """
    check_choice("variant", variant, ("lstm", "transformer"))
    check_choice("image_backbone", image_backbone, ("conv2d", "vgg16"))
    for name, value in (("vocab_size", vocab_size), ("max_length", max_length), ("units", units)):
        check_positive_int(name, value)
    if vocab_size <= END_ID:
        raise ConfigurationError(f"`vocab_size` must exceed the special token ids. Received: vocab_size={vocab_size}")

    image_branch = _image_branch(image_backbone, image_shape, weights, units)
    audio_branch = branches.dense(audio_dim, units=(units,), batch_norm=True)
    inputs = {
        "image": keras.Input(image_shape, name="image"),
        "audio": keras.Input((audio_dim,), name="audio"),
        "tokens": keras.Input((max_length,), dtype="int32", name="tokens"),
    }
    features = {"image": image_branch(inputs["image"]), "audio": audio_branch(inputs["audio"])}
    if variant == "lstm":
        context = AttentionFusion(num_heads=num_heads, key_dim=key_dim, units=units,
                                  name="attention_fusion")(features)
        decoded = _lstm_decoder(inputs["tokens"], context, vocab_size, max_length, embedding_dim, units)
    else:
        encoded = AttentionFusion(num_heads=num_heads, key_dim=key_dim, units=units, output="tokens",
                                  name="attention_fusion")(features)
        decoded = _transformer_decoder(inputs["tokens"], encoded, vocab_size, max_length, units, num_heads,
                                       key_dim)
    outputs = heads.multiclass(vocab_size, name="next_token")(decoded)
    return keras.Model(inputs, outputs, name=f"trimodal_captioner_{variant}")


def _next_token_log_probs(model, conditions, prefixes, step):
    max_length = model.get_layer("tokens").output.shape[1]
    tokens = np.zeros((len(prefixes), max_length), dtype="int32")
    for row, prefix in enumerate(prefixes):
        tokens[row, :len(prefix)] = prefix
    probabilities = model({**conditions, "tokens": tokens}, training=False)
    return np.log(np.maximum(ops.convert_to_numpy(probabilities)[:, step], 1e-12))


def _strip(sequence, end_id):
    words = list(sequence[1:])
    return words[:words.index(end_id)] if end_id in words else words


def _conditions(inputs):
    return {name: np.asarray(value) for name, value in inputs.items() if name != "tokens"}


def greedy_decode(model, inputs, start_id=START_ID, end_id=END_ID, max_length=None):
    """Generates token ids by always taking the most probable next token.

    Args:
        model: A `trimodal_captioner` model.
        inputs: Dict with `image` and `audio` arrays (a `tokens` entry is
            ignored).
        start_id: Id every caption starts with.
        end_id: Id that ends a caption.
        max_length: Most tokens generated, start token included (default:
            the model's maximum).

    Returns:
        A list with one list of token ids per sample, without the start and
        end tokens.
    """
    conditions = _conditions(inputs)
    limit = max_length or model.get_layer("tokens").output.shape[1]
    prefixes = [[start_id] for _ in range(len(next(iter(conditions.values()))))]
    finished = np.zeros(len(prefixes), dtype=bool)
    for step in range(limit - 1):
        chosen = _next_token_log_probs(model, conditions, prefixes, step).argmax(axis=-1)
        for row, token in enumerate(chosen):
            if not finished[row]:
                prefixes[row].append(int(token))
                finished[row] = token == end_id
        if finished.all():
            break
    return [_strip(prefix, end_id) for prefix in prefixes]


def beam_search_decode(model, inputs, beam_width=3, start_id=START_ID, end_id=END_ID, max_length=None):
    """Generates token ids keeping the `beam_width` most probable captions at each step.

    Args:
        model: A `trimodal_captioner` model.
        inputs: Dict with `image` and `audio` arrays.
        beam_width: Number of partial captions kept per sample.
        start_id: Id every caption starts with.
        end_id: Id that ends a caption (a finished caption is kept as is).
        max_length: Most tokens generated, start token included.

    Returns:
        A list with the most probable caption's token ids per sample,
        without the start and end tokens.

    Raises:
        ValueError: `beam_width` is not a positive integer.
    """
    check_positive_int("beam_width", beam_width)
    conditions = _conditions(inputs)
    limit = max_length or model.get_layer("tokens").output.shape[1]
    captions = []
    for sample in range(len(next(iter(conditions.values())))):
        beams = [([start_id], 0.0)]
        for step in range(limit - 1):
            open_beams = [beam for beam in beams if beam[0][-1] != end_id]
            if not open_beams:
                break
            repeated = {name: np.repeat(value[sample:sample + 1], len(open_beams), axis=0)
                        for name, value in conditions.items()}
            log_probs = _next_token_log_probs(model, repeated, [prefix for prefix, _ in open_beams], step)
            candidates = [beam for beam in beams if beam[0][-1] == end_id]
            for (prefix, score), row in zip(open_beams, log_probs):
                for token in np.argsort(row)[-beam_width:]:
                    candidates.append((prefix + [int(token)], score + float(row[token])))
            beams = sorted(candidates, key=lambda beam: beam[1], reverse=True)[:beam_width]
        captions.append(_strip(beams[0][0], end_id))
    return captions


def caption_words(token_ids):
    """Turns bundled-caption token ids into words.

    Args:
        token_ids: A list of ids from `CAPTION_VOCABULARY`.

    Returns:
        The caption as a string.
    """
    return " ".join(CAPTION_VOCABULARY[token] if token < len(CAPTION_VOCABULARY) else "[UNK]"
                    for token in token_ids)


def reference_captions(factors):
    """Writes the reference caption of each sample, e.g. "a circle with a high tone".

    Args:
        factors: The hidden factors of `synthetic.generate(..., return_factors=True)`.

    Returns:
        A list of token id lists (start and end tokens included).
    """
    words = [["<start>", "a", synthetic.SHAPES[shape], "with", "a", PITCH_WORDS[pitch], "tone", "<end>"]
             for shape, pitch in zip(factors["image"], factors["audio"])]
    return [[CAPTION_VOCABULARY.index(word) for word in caption] for caption in words]


def _caption_data(num_samples, seed, config):
    if config["vocab_size"] < len(CAPTION_VOCABULARY) or config["max_length"] < 8:
        raise ConfigurationError(
            f"The bundled captions need vocab_size >= {len(CAPTION_VOCABULARY)} and max_length >= 8. "
            f"Received: vocab_size={config['vocab_size']!r}, max_length={config['max_length']!r}"
        )
    inputs, _, factors = example_inputs(num_samples, seed, "image", image=("pixels", config["image_shape"]),
                                        audio=("features", config["audio_dim"]))
    captions = np.zeros((num_samples, config["max_length"] + 1), dtype="int32")
    for row, caption in enumerate(reference_captions(factors)):
        captions[row, :len(caption)] = caption
    inputs["tokens"] = captions[:, :-1]
    return inputs, captions[:, 1:]


register(ZooEntry(
    name="trimodal_captioner",
    summary="Next-token text generation from an image and an audio clip (LSTM or transformer decoder).",
    modalities=("image", "audio", "text"),
    reproduces="The image + audio captioning tutorial: encoders per modality, attention between them, "
               "a recurrent decoder trained with teacher forcing; plus a transformer variant.",
    architecture="""
        image -> Conv2D features (or VGG16) -> 128;  audio features -> Dense(128)
        cross-modal attention over the two modality tokens
        lstm:        context -> initial LSTM state, and [Embedding(128)(previous token), context] at
                     every step -> LSTM(128)
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
    example_data=_caption_data,
))
