"""Audio branches: audio features -> features.

Two kinds of audio features are expected: a fixed-size vector per clip (for
example 128 MFCC or log-mel statistics) for `dense`, and a `(time, frequency)`
spectrogram for `conv2d`.
"""

import keras

from mmzoo._deprecation import renamed_arguments
from mmzoo.layers import BandMeanNormalization, TrainingOnly
from mmzoo._docstrings import shared_arguments
from mmzoo.branches._conv import CONV_BLOCK_ARGS, check_conv_arguments, check_spatial_size, conv_stack
from mmzoo._checks import (
    check_bool,
    check_input_shape,
    check_non_negative_int,
    check_positive_int,
    check_positive_int_sequence,
    check_rate,
)


@renamed_arguments(units="hidden_units")
def dense(input_dim=128, hidden_units=(128,), activation="relu", dropout=0.0,
          batch_norm=False, name="audio_dense"):
    """Builds an audio branch: a Dense stack on a fixed-size feature vector.

    Args:
        input_dim: Size of the audio feature vector (e.g. 128 MFCC or mel
            statistics).
        hidden_units: Width of each Dense layer; one layer per entry.
        activation: Activation of the Dense layers.
        dropout: Dropout rate after each Dense layer (0 for none).
        batch_norm: Whether to normalise the input features with
            BatchNormalization (useful for unscaled librosa features).
        name: Name of the returned model; also prefixes its own layers.

    Returns:
        A `keras.Model` from `(batch, input_dim)` to `(batch, hidden_units[-1])`.

    Raises:
        ValueError: a size is not positive or `dropout` is not in [0, 1).
        TypeError: a size has the wrong type.
    """
    check_positive_int("input_dim", input_dim)
    hidden_units = check_positive_int_sequence("hidden_units", hidden_units)
    check_rate("dropout", dropout)
    check_bool("batch_norm", batch_norm)

    inputs = keras.Input(shape=(input_dim,), name=f"{name}_input")
    x = inputs
    if batch_norm:
        x = keras.layers.BatchNormalization(name=f"{name}_input_bn")(x)
    for index, width in enumerate(hidden_units, start=1):
        x = keras.layers.Dense(width, activation=activation, name=f"{name}_dense{index}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"{name}_dropout{index}")(x)
    return keras.Model(inputs, x, name=name)


@shared_arguments(conv_block_args=CONV_BLOCK_ARGS)
def conv2d(input_shape=(64, 64), filters=(16, 32), kernel_size=3, pool_size=2,
           padding="same", activation="relu", batch_norm=False, dropout=0.0,
           pooling="flatten", units=None, standardize=False, subtract_band_mean=False, frequency_shift=0,
           name="audio_conv2d"):
    """Builds an audio branch: Conv2D + MaxPooling blocks on a spectrogram.

    Args:
        input_shape: `(time, frequency)` or `(time, frequency, 1)`; a 2-D
            spectrogram gets a channel axis inside the model.
        {{conv_block_args}}
        pooling: `"flatten"`, `"avg"`, `"max"` or `"tokens"`.
        units: Width of a Dense layer on the pooled vector, or None.
        standardize: Whether to standardise the spectrogram to zero mean and
            unit variance with a BatchNormalization layer over all its
            values (statistics tracked with momentum 0.9). Log-mel values
            in dB sit far from zero with a small spread (e.g. mean 0.73,
            standard deviation 0.09 for AV-MNIST's `[0, 1]` scaling); fed
            as they are, the convolutions' batch statistics drift faster
            than BatchNormalization's moving averages follow, and the
            model predicts much worse than it trains.
        subtract_band_mean: Whether to subtract, per clip, each frequency
            band's mean over time first (`mmzoo.layers.BandMeanNormalization`,
            cepstral mean normalisation on log-mel bands): it removes the
            colouring of the microphone, the room and the voice, and helps
            on speakers never heard in training.
        frequency_shift: Largest random shift of the spectrogram along its
            frequency axis in training, in bins (0: none; a
            `keras.layers.RandomTranslation` in `mmzoo.layers.TrainingOnly`:
            inactive at inference, also when the model is called without
            `training` or exported by Keras' own `model.export`). A
            voice's formants sit higher or lower with the length of the
            speaker's vocal tract, which on a mel scale is close to a
            shift: training on shifted spectrograms stands in for speakers
            never heard (vocal tract length perturbation, Jaitly and
            Hinton, 2013).
        name: Name of the returned model; also prefixes its own layers.

    Returns:
        A `keras.Model` from the spectrogram to its features.

    Raises:
        ValueError: a size is not positive, the spectrogram is too small for
            the stack, or `padding`/`pooling` is unknown.
        TypeError: a size has the wrong type, or `standardize` or
            `subtract_band_mean` is not a bool.
    """
    input_shape = check_input_shape("input_shape", input_shape, (2, 3))
    filters = check_conv_arguments(filters, kernel_size, pool_size, padding, pooling, dropout, units)
    check_bool("standardize", standardize)
    check_bool("subtract_band_mean", subtract_band_mean)
    check_non_negative_int("frequency_shift", frequency_shift)
    image_shape = input_shape if len(input_shape) == 3 else input_shape + (1,)
    check_spatial_size(image_shape, len(filters), kernel_size, pool_size, padding)

    inputs = keras.Input(shape=input_shape, name=f"{name}_input")
    x = inputs
    if len(input_shape) == 2:
        x = keras.layers.Reshape(image_shape, name=f"{name}_add_channel")(x)
    if subtract_band_mean:
        x = BandMeanNormalization(name=f"{name}_band_mean")(x)
    if standardize:
        x = keras.layers.BatchNormalization(momentum=0.9, center=False, scale=False, name=f"{name}_standardize")(x)
    if frequency_shift:
        shift = keras.layers.RandomTranslation(0.0, frequency_shift / image_shape[1], fill_mode="nearest",
                                               name=f"{name}_random_translation")
        x = TrainingOnly(shift, name=f"{name}_frequency_shift")(x)
    features = conv_stack(x, filters, kernel_size, pool_size, padding, activation,
                          batch_norm, dropout, pooling, units, name)
    return keras.Model(inputs, features, name=name)
