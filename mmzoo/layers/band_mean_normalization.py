"""`BandMeanNormalization`: per-clip removal of each frequency band's mean over time."""

import keras
from keras import ops

from mmzoo.errors import ArgumentTypeError, ConfigurationError


@keras.saving.register_keras_serializable(package="mmzoo")
class BandMeanNormalization(keras.layers.Layer):
    """Subtracts, for each clip, each frequency band's mean over time from a log spectrogram.

    A fixed filter on the signal (the microphone, the room, the speaker's
    vocal tract) adds the same offset to a band of a log spectrogram in every
    frame; removing the band's mean over the clip removes it, leaving the
    changes over time that carry the words. This is cepstral mean
    normalisation (Atal, "Effectiveness of linear prediction characteristics
    of the speech wave for automatic speaker identification and
    verification", JASA 1974) applied to log-mel bands. On AV-MNIST it lifts
    the audio-only model on a speaker never heard in training by about 2
    points (`mmzoo.branches.for_input`).

    Example:
        >>> layer = BandMeanNormalization()
        >>> layer(np.ones((2, 32, 40, 1)))      # (batch, time, frequency, channels): all zeros

    Args:
        time_axis: Axis of the frames in the layer's input, counting the
            batch axis (1 for `(batch, time, frequency[, channels])`).
        **kwargs: Standard layer arguments.

    Raises:
        ArgumentTypeError: `time_axis` is not an integer.
        ConfigurationError: `time_axis` is the batch axis.
    """

    def __init__(self, time_axis=1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(time_axis, bool) or not isinstance(time_axis, int):
            raise ArgumentTypeError(f"`time_axis` must be an integer. Received: time_axis={time_axis!r}")
        if time_axis not in (1, 2, -1, -2):
            raise ConfigurationError(
                f"`time_axis` must be 1 or 2 (-2 or -1) of a (batch, time, frequency) input. Received: time_axis={time_axis!r}"
            )
        self.time_axis = time_axis

    def call(self, inputs):
        return inputs - ops.mean(inputs, axis=self.time_axis, keepdims=True)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "time_axis": self.time_axis}
