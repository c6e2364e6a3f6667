"""Bundled training data for the zoo models, shaped to each model's inputs.

All of it comes from `mmzoo.datasets.synthetic` (one draw of hidden factors
per call, so every modality of a sample agrees): images of shapes, texts with
a colour word, tones of a pitch. What differs is the form each model takes:

- image pixels of any `(height, width, channels)`;
- "precomputed" feature vectors, for the tutorials that start from features:
  the one-hot factor through a fixed random linear map (the same for every
  call) plus Gaussian noise, i.e. what a good frozen encoder would give;
- token ids of any length;
- audio feature vectors or log-mel spectrograms of any `(time, frequency)`.
"""

import numpy as np

from mmzoo.datasets import synthetic
from mmzoo.errors import ConfigurationError
from mmzoo.preprocessing.audio import log_mel_spectrogram

FEATURE_NOISE = 0.5
PROJECTION_SEED = 20170611


def draw(num_samples, seed, task, image_size=32, sequence_length=8, jitter=True):
    """Draws synthetic samples with raw waveforms and their hidden factors.

    Args:
        num_samples: Number of samples.
        seed: Seed of the generator.
        task: A `synthetic.TASKS` key deciding the labels.
        image_size: Side of the square images drawn.
        sequence_length: Token ids per text.
        jitter: Whether shapes get a random place and size.

    Returns:
        `(inputs, labels, factors)` as `synthetic.generate(...,
        audio_format="waveform", return_factors=True)` returns them.
    """
    return synthetic.generate(
        num_samples, task=task, seed=seed, image_size=max(16, image_size),
        sequence_length=max(3, sequence_length), audio_format="waveform", jitter=jitter, return_factors=True,
    )


def images(pixels, input_shape):
    """Resizes square grayscale images to `(height, width, channels)`.

    Args:
        pixels: `(n, size, size, 1)` images in [0, 1].
        input_shape: The wanted `(height, width, channels)`.

    Returns:
        A float32 array `(n, height, width, channels)`.
    """
    height, width, channels = input_shape
    rows = np.linspace(0, pixels.shape[1] - 1, height).round().astype(int)
    cols = np.linspace(0, pixels.shape[2] - 1, width).round().astype(int)
    resized = pixels[:, rows][:, :, cols]
    return np.repeat(resized, channels, axis=-1).astype("float32")


def feature_vectors(factor, dim, seed):
    """Returns noisy "precomputed features" that encode a factor linearly.

    Args:
        factor: Int array of factor values in 0..3.
        dim: Size of the feature vectors.
        seed: Seed of the noise (the projection itself is fixed).

    Returns:
        A float32 array `(n, dim)`.
    """
    projection = np.random.default_rng(PROJECTION_SEED + dim).normal(size=(4, dim))
    noise = np.random.default_rng(seed).normal(0.0, FEATURE_NOISE, size=(len(factor), dim))
    return (projection[np.asarray(factor)] + noise).astype("float32")


def token_ids(ids, sequence_length, vocab_size):
    """Pads or cuts generated token ids to `sequence_length`.

    Args:
        ids: `(n, length)` ids from `synthetic.VOCABULARY`.
        sequence_length: The wanted length.
        vocab_size: The model's vocabulary size.

    Returns:
        An int32 array `(n, sequence_length)`.

    Raises:
        ValueError: the vocabulary is smaller than the generated one.
    """
    if vocab_size < len(synthetic.VOCABULARY):
        raise ConfigurationError(
            f"The bundled texts use {len(synthetic.VOCABULARY)} token ids; the model's "
            f"vocabulary is smaller. Received: vocab_size={vocab_size!r}"
        )
    padded = np.zeros((len(ids), sequence_length), dtype="int32")
    keep = min(sequence_length, ids.shape[1])
    padded[:, :keep] = ids[:, :keep]
    return padded


def spectrograms(waveforms, shape):
    """Turns 8 kHz waveforms into log-mel spectrograms of a given shape.

    Args:
        waveforms: `(n, samples)` float array at 8 kHz.
        shape: The wanted `(time, frequency)`.

    Returns:
        A float32 array `(n, time, frequency)`, scaled to about [0, 1].
    """
    time, frequency = shape[:2]
    hop = max(1, waveforms.shape[1] // max(1, time - 1))
    result = np.zeros((len(waveforms), time, frequency), dtype="float32")
    for index, wave in enumerate(waveforms):
        decibels = log_mel_spectrogram(wave, sample_rate=synthetic.SAMPLE_RATE, n_fft=256,
                                       hop_length=hop, n_mels=frequency)
        frames = min(time, len(decibels))
        result[index, :frames] = decibels[:frames] / 80.0 + 1.0
    return result.reshape((len(waveforms),) + tuple(shape))



def example_inputs(num_samples, seed, task, rule="default", image=None, text=None, audio=None, jitter=True):
    """Draws samples and shapes each modality as a model takes it.

    Args:
        num_samples: Number of samples.
        seed: Seed of the generator.
        task: A `synthetic.TASKS` key deciding the labels.
        rule: A `synthetic.RULES` rule deciding the labels.
        image: None (no image input), `("pixels", (h, w, c))` or
            `("features", dim)`.
        text: None, `("ids", sequence_length, vocab_size)` or
            `("features", dim)`.
        audio: None, `("features", dim)` or `("spectrogram", (time, freq))`.
        jitter: Whether shapes get a random place and size.

    Returns:
        `(inputs, labels, factors)`: the dict of model inputs, int32 labels
        and the hidden factors.
    """
    image_size = image[1][0] if image and image[0] == "pixels" else 32
    sequence_length = text[1] if text and text[0] == "ids" else 8
    raw, _, factors = draw(num_samples, seed, "image", image_size, sequence_length, jitter)
    labels = synthetic.label(task, factors, rule)
    inputs = {}
    if image:
        kind, size = image
        inputs["image"] = images(raw["image"], size) if kind == "pixels" else feature_vectors(
            factors["image"], size, seed + 1)
    if text:
        if text[0] == "ids":
            inputs["text"] = token_ids(raw["text"], text[1], text[2])
        else:
            inputs["text"] = feature_vectors(factors["text"], text[1], seed + 2)
    if audio:
        kind, size = audio
        inputs["audio"] = spectrograms(raw["audio"], size) if kind == "spectrogram" else (
            synthetic.spectrum_features(raw["audio"], size))
    return inputs, labels, factors


def labelled_data(task, rule="default", **modalities):
    """Makes the `example_data` function of a zoo entry from a declaration.

    Example:
        >>> make = labelled_data("image+text", "sum", image=("pixels", "input_shape"),
        ...                      text=("ids", "sequence_length", "vocab_size"))
        >>> inputs, labels = make(100, 0, {"input_shape": (32, 32, 3), "sequence_length": 8,
        ...                                "vocab_size": 100})

    Args:
        task: A `synthetic.TASKS` key deciding the labels.
        rule: A `synthetic.RULES` rule deciding the labels.
        **modalities: For each modality, its kind (see `example_inputs`)
            followed by the names of the builder arguments holding its sizes.

    Returns:
        A function `(num_samples, seed, config) -> (inputs, labels)`.
    """

    def make(num_samples, seed, config):
        specs = {name: (spec[0],) + tuple(config[key] for key in spec[1:]) for name, spec in modalities.items()}
        inputs, labels, _ = example_inputs(num_samples, seed, task, rule, **specs)
        return inputs, labels

    return make
