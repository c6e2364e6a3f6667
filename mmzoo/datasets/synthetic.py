"""A generator of image + text + audio samples with controlled cross-modal dependencies.

Each sample has three hidden factors, each with 4 values:

- image: the shape drawn (square, circle, triangle, cross), at a random
  place and size, on a `image_size` x `image_size` grayscale image;
- text: a colour word (red, green, blue, yellow) among random filler words;
- audio: the pitch of a tone (250, 500, 1000 or 2000 Hz, jittered by 5%),
  given as a log-spectrum feature vector or as a waveform.

The `task` says which factors the label depends on:

- one modality: 4 classes, the factor itself;
- two modalities: 2 classes, the parity of the sum of the two factors. Each
  modality alone predicts it no better than chance (50%); together, 100%.
- three modalities: 2 classes, the majority of three yes/no attributes
  (factor >= 2: a triangle or cross, a blue or yellow word, a 1000 or 2000 Hz
  tone). Any one or any two modalities reach 75% at best; only all three
  reach 100%. (A three-way parity would be as strict but is notoriously hard
  for gradient descent to learn.)

Two other rules suit models whose head is linear in each modality's
features (no hidden layer after fusion), which cannot learn a parity:

- `rule="sum"`: the label is the sum of the involved factors (3M + 1
  classes for M modalities: 10 for three);
- `rule="threshold"`: 2 classes, whether that sum exceeds 1.5 M.
"""

import numpy as np

from mmzoo._checks import check_choice, check_positive_int, check_probability
from mmzoo.errors import ConfigurationError

SHAPES = ("square", "circle", "triangle", "cross")
COLOURS = ("red", "green", "blue", "yellow")
PITCHES_HZ = (250.0, 500.0, 1000.0, 2000.0)
FILLER_WORDS = (
    "the", "a", "small", "large", "thing", "is", "here", "look", "at", "this",
    "one", "very", "quite", "old", "new", "shiny",
)
VOCABULARY = ("", "[UNK]") + COLOURS + FILLER_WORDS
"""Token ids of the generated texts: 0 is padding, 1 out-of-vocabulary."""

MODALITIES = ("image", "text", "audio")
TASKS = {
    "image": ("image",),
    "text": ("text",),
    "audio": ("audio",),
    "image+audio": ("image", "audio"),
    "image+text": ("image", "text"),
    "text+audio": ("text", "audio"),
    "image+text+audio": ("image", "text", "audio"),
}
RULES = ("default", "sum", "threshold")
SAMPLE_RATE = 8000
TONE_SECONDS = 0.25


def num_classes(task, rule="default"):
    """Returns the number of classes of a task.

    Args:
        task: A key of `TASKS`.
        rule: One of `RULES`.

    Returns:
        With the default rule, 4 for a single-modality task and 2 for a
        multimodal one; `3 M + 1` with rule "sum"; 2 with rule "threshold".
    """
    check_choice("task", task, tuple(TASKS))
    check_choice("rule", rule, RULES)
    if rule == "sum":
        return 3 * len(TASKS[task]) + 1
    if rule == "threshold":
        return 2
    return 4 if len(TASKS[task]) == 1 else 2


def label(task, factors, rule="default"):
    """Computes the labels of a task from the hidden factors.

    Args:
        task: A key of `TASKS`.
        factors: Dict `{modality: int array of factor values in 0..3}`.
        rule: One of `RULES` (see the module docstring).

    Returns:
        An int32 array of class ids.
    """
    check_choice("rule", rule, RULES)
    involved = [np.asarray(factors[name]) for name in TASKS[task]]
    total = sum(involved)
    if rule == "sum":
        labels = total
    elif rule == "threshold":
        labels = total > 1.5 * len(involved)
    elif len(involved) == 1:
        labels = involved[0]
    elif len(involved) == 2:
        labels = (involved[0] + involved[1]) % 2
    else:
        labels = sum((factor >= 2).astype(int) for factor in involved) >= 2
    return np.asarray(labels, dtype="int32")


def _draw_images(shapes, image_size, noise, rng, jitter=True):
    grid = np.arange(image_size, dtype="float32")
    rows, cols = np.meshgrid(grid, grid, indexing="ij")
    images = np.empty((len(shapes), image_size, image_size, 1), dtype="float32")
    for index, shape in enumerate(shapes):
        if jitter:
            radius = rng.uniform(image_size / 5, image_size / 3)
            centre_row, centre_col = rng.uniform(radius, image_size - radius, size=2)
        else:
            radius = image_size / 3
            centre_row = centre_col = (image_size - 1) / 2
        dy, dx = rows - centre_row, cols - centre_col
        if SHAPES[shape] == "square":
            inside = (np.abs(dx) < radius * 0.8) & (np.abs(dy) < radius * 0.8)
        elif SHAPES[shape] == "circle":
            inside = dx**2 + dy**2 < radius**2
        elif SHAPES[shape] == "triangle":
            inside = (dy < radius * 0.8) & (np.abs(dx) < (dy + radius) / 2)
        else:
            thin = radius / 3
            inside = ((np.abs(dx) < thin) & (np.abs(dy) < radius)) | (
                (np.abs(dy) < thin) & (np.abs(dx) < radius)
            )
        images[index, :, :, 0] = inside
    images += rng.normal(0.0, noise, size=images.shape).astype("float32")
    return np.clip(images, 0.0, 1.0)


def _write_texts(colours, sequence_length, noise, rng):
    ids = np.zeros((len(colours), sequence_length), dtype="int32")
    strings = []
    first_filler = VOCABULARY.index(FILLER_WORDS[0])
    for index, colour in enumerate(colours):
        length = rng.integers(3, sequence_length + 1)
        words = list(rng.integers(first_filler, len(VOCABULARY), size=length))
        unknown = rng.random(length) < noise
        words = [1 if is_unknown else word for word, is_unknown in zip(words, unknown)]
        words[rng.integers(0, length)] = VOCABULARY.index(COLOURS[colour])
        ids[index, :length] = words
        strings.append(" ".join(VOCABULARY[word] if word != 1 else "blah" for word in words))
    return ids, np.array(strings, dtype=object)


def _play_tones(pitches, noise, rng):
    time = np.arange(int(SAMPLE_RATE * TONE_SECONDS), dtype="float32") / SAMPLE_RATE
    jitter = rng.uniform(0.95, 1.05, size=(len(pitches), 1))
    frequency = np.asarray(PITCHES_HZ, dtype="float32")[pitches][:, None] * jitter
    phase = rng.uniform(0, 2 * np.pi, size=(len(pitches), 1))
    waves = 0.5 * np.sin(2 * np.pi * frequency * time + phase)
    waves += rng.normal(0.0, noise, size=waves.shape)
    return waves.astype("float32")


def spectrum_features(waves, audio_dim):
    """Turns waveforms into log-spectrum feature vectors.

    Args:
        waves: `(n, samples)` float array.
        audio_dim: Number of frequency bins kept (averaged groups of FFT bins).

    Returns:
        A float32 array `(n, audio_dim)` of `log(1 + magnitude)`.
    """
    magnitude = np.abs(np.fft.rfft(waves, axis=-1))[:, 1:]
    usable = (magnitude.shape[1] // audio_dim) * audio_dim
    bins = magnitude[:, :usable].reshape(len(waves), audio_dim, -1).mean(axis=-1)
    return np.log1p(bins).astype("float32")


def generate(num_samples=1000, task="image+audio", noise=0.1, seed=0, image_size=32,
             sequence_length=8, audio_dim=64, audio_format="features",
             text_format="ids", modalities=MODALITIES, rule="default", jitter=True,
             return_factors=False):
    """Generates samples whose label depends on chosen modalities.

    Example:
        >>> inputs, labels = generate(500, task="image+audio", seed=1)
        >>> inputs["image"].shape, inputs["text"].shape, inputs["audio"].shape
        ((500, 32, 32, 1), (500, 8), (500, 64))

    Args:
        num_samples: Number of samples.
        task: Which modalities the label depends on, a key of `TASKS`
            ("image", "text", "audio", "image+audio", "image+text",
            "text+audio", "image+text+audio").
        noise: Noise level in [0, 1]: the standard deviation of Gaussian
            pixel noise and of white noise added to the tone (amplitude 0.5),
            and the share of filler words replaced by an unknown word.
        seed: Seed of the random generator; the same seed gives the same
            samples.
        image_size: Height and width of the images, at least 16.
        sequence_length: Number of token ids per text (padded with 0), at
            least 3.
        audio_dim: Size of the audio feature vector (log spectrum bins).
        audio_format: "features" (`(n, audio_dim)` log spectrum) or
            "waveform" (`(n, 2000)` samples at 8 kHz).
        text_format: "ids" (`(n, sequence_length)` int32 ids from
            `VOCABULARY`) or "strings" (the sentences).
        modalities: Which modalities to return (the label may still depend on
            others: that is how to build a task a model cannot solve).
        rule: How multimodal labels combine the factors, one of `RULES`:
            "default" (parity for two modalities, majority for three),
            "sum" or "threshold" (see the module docstring).
        jitter: Whether shapes get a random place and size; False draws
            every shape centred at one size (an easier image distribution,
            e.g. for generative models).
        return_factors: Whether to also return the hidden factors.

    Returns:
        A tuple `(inputs, labels)`: a dict of numpy arrays keyed by modality
        and an int32 array of class ids (see `num_classes(task)`); with
        `return_factors=True`, `(inputs, labels, factors)` where factors is a
        dict `{modality: int array in 0..3}` (shape, colour, pitch index).

    Raises:
        ValueError: an argument is out of range or unknown.
    """
    check_positive_int("num_samples", num_samples)
    check_choice("task", task, tuple(TASKS))
    check_probability("noise", noise)
    check_positive_int("image_size", image_size)
    if image_size < 16:
        raise ConfigurationError(f"`image_size` must be at least 16. Received: image_size={image_size!r}")
    check_positive_int("sequence_length", sequence_length)
    if sequence_length < 3:
        raise ConfigurationError(
            f"`sequence_length` must be at least 3. Received: sequence_length={sequence_length!r}"
        )
    check_positive_int("audio_dim", audio_dim)
    check_choice("audio_format", audio_format, ("features", "waveform"))
    check_choice("text_format", text_format, ("ids", "strings"))
    check_choice("rule", rule, RULES)
    unknown = [name for name in modalities if name not in MODALITIES]
    if not modalities or unknown:
        raise ConfigurationError(
            f"`modalities` must be a non-empty subset of {list(MODALITIES)}. "
            f"Received: modalities={modalities!r}"
        )

    rng = np.random.default_rng(seed)
    factors = {name: rng.integers(0, 4, size=num_samples) for name in MODALITIES}
    labels = label(task, factors, rule)

    inputs = {}
    if "image" in modalities:
        inputs["image"] = _draw_images(factors["image"], image_size, noise, rng, jitter)
    if "text" in modalities:
        ids, strings = _write_texts(factors["text"], sequence_length, noise, rng)
        inputs["text"] = ids if text_format == "ids" else strings
    if "audio" in modalities:
        waves = _play_tones(factors["audio"], noise, rng)
        inputs["audio"] = waves if audio_format == "waveform" else spectrum_features(waves, audio_dim)
    if return_factors:
        return inputs, labels, factors
    return inputs, labels
