"""Noise per modality at levels from 0 (clean) to 1 (most severe), numpy in and out.

| modality | noise             | what a level means |
|----------|-------------------|--------------------|
| image    | `gaussian`        | additive noise of std `level` (images in [0, 1]), clipped |
| image    | `salt_and_pepper` | a fraction `level` of the pixels set to 0 or 1 |
| image    | `occlusion`       | a black square of `level` times the image area |
| image    | `blur`            | Gaussian blur of std `level` x a tenth of the image side |
| audio    | `white_noise`     | white noise at `-10 - 20 log10(level)` dB speech-to-noise ratio |
| audio    | `background_noise`| real recordings (bundled) at the same ratio |
| audio    | `segment_dropout` | each tenth of the clip silenced with probability `level` |
| text     | `char_swap`       | two neighbouring characters of a word swapped, per word with probability `level` |
| text     | `typo`            | a letter replaced by a neighbouring key, per word with probability `level` |
| text     | `word_dropout`    | words (or token ids) dropped with probability `level` |
| text     | `token_replacement` | token ids replaced by random ids with probability `level` |
| any      | `missing`         | the whole modality missing for a fraction `level` of the samples |

`mmzoo.robustness.image_noise`, `audio_noise` and `text_noise` describe each
noise and its options. For one seed, the random draws do not depend on the
level, so a higher level corrupts a superset of what a lower one did.
"""

import inspect

import numpy as np

from mmzoo._checks import check_non_negative_int, check_probability
from mmzoo._deprecation import renamed_function
from mmzoo.errors import ConfigurationError, describe_value
from mmzoo.robustness import audio_noise, image_noise, text_noise
from mmzoo.robustness.dropout import missing_value

MODALITY_NOISES = {"image": image_noise.NOISES, "audio": audio_noise.NOISES, "text": text_noise.NOISES}
CHECKS = {"image": image_noise.check_images, "audio": audio_noise.audio_form, "text": text_noise.check_text}


def missing(values, level, rng, in_band=False):
    """Removes the whole modality from a fraction `level` of the samples.

    Removed samples hold zeros (empty strings for text), or with
    `in_band=True` the marks a `ModalityDropout` model reads (NaN floats).
    """
    rows = rng.random(len(values)) < level
    removed = values.copy()
    removed[rows] = missing_value(values, in_band)
    return removed


def available_noises(modality=None):
    """Returns the noise names available for a modality.

    Args:
        modality: "image", "audio", "text", or None for every modality.

    Returns:
        A sorted list of names (`missing` applies to every modality), or
        for `modality=None` a dict `{modality: names}`.

    Raises:
        ConfigurationError: unknown modality.
    """
    if modality is None:
        return {name: available_noises(name) for name in MODALITY_NOISES}
    _check_modality(modality)
    return sorted([*MODALITY_NOISES[modality], "missing"])


def _check_modality(modality):
    if modality not in MODALITY_NOISES:
        raise ConfigurationError(
            f"`modality` must be one of {sorted(MODALITY_NOISES)} for noise. Received: modality={modality!r}"
        )


def noise_function(modality, noise):
    """Returns the function applying a noise to a modality.

    Args:
        modality: "image", "audio" or "text".
        noise: A name from `available_noises(modality)`.

    Returns:
        A function `(values, level, rng, **options) -> values`.

    Raises:
        ConfigurationError: unknown modality or noise.
    """
    _check_modality(modality)
    if noise == "missing":
        return missing
    if noise not in MODALITY_NOISES[modality]:
        raise ConfigurationError(
            f"`noise` must be one of {available_noises(modality)} for modality {modality!r}. "
            f"Received: noise={describe_value(noise)}"
        )
    return MODALITY_NOISES[modality][noise]


def check_options(function, noise, options):
    """Raises unless every option is a keyword argument of the noise function.

    Raises:
        ConfigurationError: an unknown option.
    """
    accepted = list(inspect.signature(function).parameters)[3:]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ConfigurationError(
            f"Noise {noise!r} takes the options {accepted}. Received: options={sorted(options)}"
        )


def corrupt(values, modality, noise, level, seed=0, **options):
    """Returns a noisy copy of one modality's inputs.

    Example:
        >>> noisy = corrupt(images, modality="image", noise="salt_and_pepper", level=0.3, seed=0)
        >>> noisy_audio = corrupt(spectrograms, modality="audio", noise="background_noise", level=0.5)

    Args:
        values: Numpy array of one modality's samples, batch first: images
            `(n, h, w[, c])` in [0, 1]; audio waveforms `(n, samples)` or
            log-mel spectrograms `(n, frames, mels)` in [0, 1]; text as
            strings or token ids `(n, steps)`.
        modality: "image", "audio" or "text".
        noise: A name from `available_noises(modality)` (see the module table).
        level: Severity in [0, 1]; 0 returns an unchanged copy.
        seed: Non-negative integer; the same seed gives the same noise.
        **options: Options of the noise function (e.g. `max_std` for
            "gaussian", `min_snr_db` for "white_noise").

    Returns:
        A new numpy array of the same shape and dtype.

    Raises:
        ArgumentTypeError: `level` or `seed` is not a number.
        ConfigurationError: unknown modality, noise or option, a level
            outside [0, 1], a negative seed, or values the noise cannot take.
    """
    function = noise_function(modality, noise)
    check_probability("level", level)
    check_non_negative_int("seed", seed)
    check_options(function, noise, options)
    values = np.asarray(values)
    if noise != "missing":
        CHECKS[modality](values)
    if level == 0:
        return values.copy()
    return function(values, float(level), np.random.default_rng(seed), **options)


noise_types = renamed_function(available_noises, "noise_types")
