"""Audio files decoded inside `tf.data`: plain WAV in the graph, anything else through librosa.

`tf.audio.decode_wav` reads 16-bit PCM WAV without holding Python's GIL, so
a `tf.data` map decodes such files on every core. It cannot resample nor
read other encodings (24-bit or float WAV, FLAC, OGG, MP3), so files that
are not 16-bit PCM at the requested rate go through `load_audio` (librosa,
the reference decoder) in a `tf.numpy_function`. Both routes give the same
samples: 16-bit PCM scaled to `[-1, 1)`, channels averaged to mono, zero
padded or trimmed at the end.
"""

import struct

import numpy as np
import tensorflow as tf

from mmzoo._checks import check_positive_number
from mmzoo.preprocessing.audio import load_audio

WAV_HEADER_BYTES = 36


def decode_audio_file(path, sample_rate, duration):
    """Reads one audio file into a mono waveform of fixed length, inside a `tf.data` map.

    Args:
        path: Scalar string tensor, the file's path.
        sample_rate: Rate of the result, in Hz.
        duration: Length of the result, in seconds.

    Returns:
        A `float32` tensor of shape `(round(duration * sample_rate),)`.

    Raises:
        tf.errors.InvalidArgumentError: (when the graph runs) if the file is
            empty, corrupt, or holds no sample.
    """
    check_positive_number("sample_rate", sample_rate)
    check_positive_number("duration", duration)
    length = int(round(duration * sample_rate))
    contents = tf.io.read_file(path)

    def in_graph():
        audio = tf.audio.decode_wav(contents, desired_channels=-1).audio
        tf.debugging.assert_positive(tf.shape(audio)[0], message="the audio file holds no sample")
        waveform = tf.reduce_mean(audio, axis=1)[:length]
        return tf.pad(waveform, [[0, length - tf.shape(waveform)[0]]])

    def through_librosa():
        def load(name):
            name = np.asarray(name).item()  # bytes in a graph, a 0-d array eagerly
            return load_audio(name.decode("utf-8"), sample_rate=sample_rate, duration=duration)

        return tf.numpy_function(load, [path], tf.float32, stateful=False)

    waveform = tf.cond(_is_pcm16_wav_at(contents, sample_rate), in_graph, through_librosa)
    return tf.reshape(waveform, [length])


def _is_pcm16_wav_at(contents, sample_rate):
    """Whether a file's canonical WAV header says 16-bit PCM at `sample_rate` (a cheap test on 36 bytes)."""
    if float(sample_rate) != int(sample_rate):
        return tf.constant(False)
    header = tf.strings.substr(contents + b"\0" * WAV_HEADER_BYTES, 0, WAV_HEADER_BYTES)
    expected = {0: b"RIFF", 8: b"WAVEfmt ", 20: b"\x01\x00", 24: struct.pack("<I", int(sample_rate)),
                34: b"\x10\x00"}
    checks = [tf.equal(tf.strings.substr(header, start, len(value)), value) for start, value in expected.items()]
    return tf.reduce_all(tf.stack(checks))
