"""The bundled captions of `trimodal_captioner`: vocabulary, reference captions and training data."""

import numpy as np

from mmzoo.datasets import synthetic
from mmzoo.errors import ConfigurationError
from mmzoo.zoo.example_data import example_inputs

PITCH_WORDS = ("low", "medium", "high", "shrill")
CAPTION_VOCABULARY = ("", "[UNK]", "<start>", "<end>", "a", "with", "tone") + synthetic.SHAPES + PITCH_WORDS
"""Token ids of the bundled captions: 0 is padding."""
START_ID = CAPTION_VOCABULARY.index("<start>")
END_ID = CAPTION_VOCABULARY.index("<end>")


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


def caption_data(num_samples, seed, config):
    """Bundled images, audio features and their captions, shaped for a `trimodal_captioner`.

    Args:
        num_samples: Number of samples.
        seed: Seed of the generated samples.
        config: The builder arguments (`vocab_size`, `sequence_length`,
            `image_shape`, `audio_dim`).

    Returns:
        A tuple `(inputs, next_tokens)`: inputs `image`, `audio` and
        `tokens` (the caption shifted right), and the caption shifted left.

    Raises:
        ConfigurationError: the vocabulary or the length is too small for
            the bundled captions.
    """
    if config["vocab_size"] < len(CAPTION_VOCABULARY) or config["sequence_length"] < 8:
        raise ConfigurationError(
            f"The bundled captions need vocab_size >= {len(CAPTION_VOCABULARY)} and sequence_length >= 8. "
            f"Received: vocab_size={config['vocab_size']!r}, sequence_length={config['sequence_length']!r}"
        )
    inputs, _, factors = example_inputs(num_samples, seed, "image", image=("pixels", config["image_shape"]),
                                        audio=("features", config["audio_dim"]))
    captions = np.zeros((num_samples, config["sequence_length"] + 1), dtype="int32")
    for row, caption in enumerate(reference_captions(factors)):
        captions[row, :len(caption)] = caption
    inputs["tokens"] = captions[:, :-1]
    return inputs, captions[:, 1:]
