"""Readers for the columns of a multimodal manifest (one per modality, plus labels).

Each reader checks a cell cheaply (`problem` returns why the cell is unusable
without decoding it, or `None`), turns the usable cells into tensors for
`tf.data` and decodes them there (`load`); file readers also map a path to the
part of the decoding that can fail (`check`) and say why a file that the
pipeline could not decode is unusable (`decode_problem`).
"""

import os
import re
import warnings

import numpy as np
import pandas as pd
import tensorflow as tf

from mmzoo._checks import check_choice, check_positive_int_sequence, check_positive_number
from mmzoo.errors import ConfigurationError, DamagedFileError, describe_value
from mmzoo.preprocessing.audio import FEATURE_KINDS, audio_features, load_audio
from mmzoo.preprocessing.image import SCALE_OPTIONS, decode_image, load_image
from mmzoo.preprocessing.spectrogram import tf_log_mel_spectrogram
from mmzoo.preprocessing.wav import decode_audio_file

IN_GRAPH_FEATURES = ("waveform", "log_mel")


class ImageColumn:
    """Image files named by path, decoded to `(height, width, channels)` floats.

    Args:
        column: Name of the DataFrame column holding the paths.
        base_dir: Folder relative paths are resolved against.
        size: `(height, width)` of the decoded images.
        channels: 1 (grayscale) or 3 (RGB).
        scale: `"unit"` or `"vgg16"`, see `mmzoo.preprocessing.decode_image`.

    Raises:
        ConfigurationError: If `size`, `channels` or `scale` is invalid.
    """

    key = "image"

    def __init__(self, column, base_dir, size, channels, scale):
        self.column = column
        self.base_dir = base_dir
        # Named as `from_dataframe` and `prepare` take them.
        check_positive_int_sequence("image_size", size, length=2)
        check_choice("image_channels", channels, (1, 3))
        check_choice("image_scale", scale, SCALE_OPTIONS)
        if scale == "vgg16" and channels != 3:
            raise ConfigurationError(
                f"`image_scale='vgg16'` needs RGB images (`image_channels=3`). Received: image_channels={channels!r}")
        self.size = tuple(size) if isinstance(size, list) else size
        self.channels = channels
        self.scale = scale
        # Whether `load` may meet an image not at `size`; the check pass finds out (`checked`).
        self.resize = True

    def problem(self, value):
        """Returns why the cell cannot be used without decoding it (the path), or `None`."""
        return _resolve_path(value, self.base_dir)[1]

    def decode_problem(self, path):
        """Decodes one file eagerly and returns why it is unusable, or `None`."""
        try:
            load_image(path, size=self.size, channels=self.channels, scale=self.scale)
        except DamagedFileError as error:
            return f"unreadable or corrupt image {path!r} ({_first_line(error.__cause__ or error)})"
        except (tf.errors.OpError, OSError) as error:
            return f"unreadable or corrupt image {path!r} ({_first_line(error)})"
        return None

    def values(self, cells):
        """Returns the tensor-ready values of usable cells."""
        return [_joined(cell, self.base_dir) for cell in cells]

    def load(self, path):
        """Maps a path tensor to the decoded image, inside `tf.data`."""
        return decode_image(tf.io.read_file(path), size=self.size, channels=self.channels, scale=self.scale,
                            resize=self.resize)

    def check(self, path):
        """Maps a path tensor to what proves `load` works on it: the file decoded at its own size.

        Resizing and scaling decoded pixels cannot fail, so checking skips them
        (half the cost of `load`).
        """
        return tf.io.decode_image(tf.io.read_file(path), channels=self.channels, expand_animations=False)

    def checked(self, shapes):
        """Takes the shapes `check` decoded for every usable file: when all are at `size`, `load` skips resizing.

        Args:
            shapes: Iterable of `(height, width, channels)` of the checked files.
        """
        self.resize = any(tuple(shape[:2]) != tuple(self.size) for shape in shapes)


class AudioColumn:
    """Audio files named by path, loaded with librosa and turned into features.

    Args:
        column: Name of the DataFrame column holding the paths.
        base_dir: Folder relative paths are resolved against.
        sample_rate: Rate every file is resampled to, in Hz.
        duration: Length every clip is padded or trimmed to, in seconds.
        features: `"waveform"`, `"log_mel"`, `"mfcc"` or `"summary"`.
        options: Keyword arguments of the feature function.

    Raises:
        ConfigurationError: If an argument is invalid.
    """

    key = "audio"

    def __init__(self, column, base_dir, sample_rate, duration, features, options):
        if features not in FEATURE_KINDS:
            raise ConfigurationError(
                f"`audio_features` must be one of {FEATURE_KINDS}. Received: audio_features={features!r}"
            )
        for name, value in (("audio_sample_rate", sample_rate), ("audio_duration", duration)):
            check_positive_number(name, value)
        self.column = column
        self.base_dir = base_dir
        self.sample_rate = sample_rate
        self.duration = duration
        self.features = features
        self.options = dict(options or {})
        silence = np.zeros(int(round(duration * sample_rate)), dtype=np.float32)
        try:
            if features in IN_GRAPH_FEATURES:  # the shape without librosa's first-call cost (seconds)
                self.shape = tuple(self._in_graph(tf.constant(silence)).shape)
            else:
                self.shape = audio_features(silence, kind=features, sample_rate=sample_rate, **self.options).shape
        except TypeError as error:
            raise ConfigurationError(
                f"`audio_options` does not fit audio_features={features!r} ({error}). "
                f"Received: audio_options={describe_value(options)}"
            ) from error

    def problem(self, value):
        """Returns why the cell cannot be used without decoding it (the path), or `None`."""
        return _resolve_path(value, self.base_dir)[1]

    def decode_problem(self, path):
        """Decodes one file eagerly with librosa and returns why it is unusable, or `None`."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._compute(path)
        except Exception as error:  # noqa: BLE001 - any decoder failure makes the file unusable
            return f"unreadable or corrupt audio {path!r} ({_first_line(error)})"
        return None

    def values(self, cells):
        """Returns the tensor-ready values of usable cells."""
        return [_joined(cell, self.base_dir) for cell in cells]

    def load(self, path):
        """Maps a path tensor to the audio features, inside `tf.data`.

        Waveforms and log-mel spectrograms are computed in the graph
        (`decode_audio_file`, `tf_log_mel_spectrogram`: within 0.01 dB of
        librosa), on every core; MFCC features go through librosa.
        """
        if self.features in IN_GRAPH_FEATURES:
            features = self._in_graph(decode_audio_file(path, self.sample_rate, self.duration))
        else:
            features = tf.numpy_function(self._compute, [path], tf.float32, stateful=False)
        features.set_shape(self.shape)
        return features

    def check(self, path):
        """Maps a path tensor to what proves `load` works on it: the decoded waveform.

        The features of a finite waveform are finite (log-mel and MFCC floor
        the power before the logarithm), so checking stops at the decoded
        samples (the spectrogram is most of the cost of `load`).
        """
        return decode_audio_file(path, self.sample_rate, self.duration)

    def _in_graph(self, waveform):
        if self.features == "waveform":
            return waveform
        return tf_log_mel_spectrogram(waveform, sample_rate=self.sample_rate, **self.options)

    def _compute(self, path):
        if isinstance(path, bytes):
            path = path.decode("utf-8")
        waveform = load_audio(path, sample_rate=self.sample_rate, duration=self.duration)
        return audio_features(waveform, kind=self.features, sample_rate=self.sample_rate, **self.options)


class TextColumn:
    """Non-empty strings, passed on as string tensors.

    Args:
        column: Name of the DataFrame column holding the texts.
    """

    key = "text"

    def __init__(self, column):
        self.column = column

    def problem(self, value):
        """Returns why the cell cannot be used, or `None`."""
        if not isinstance(value, str):
            return f"not a text value: {describe_value(value)}"
        if not value.strip():
            return "empty text"
        return None

    def values(self, cells):
        """Returns the tensor-ready values of usable cells."""
        return list(cells)

    def load(self, text):
        """Returns the string tensor unchanged."""
        return text


class LabelColumn:
    """Class labels (strings or integers) mapped to ids `0..n-1`.

    Args:
        column: Name of the DataFrame column holding the labels.
        class_names: Optional list of the accepted labels, in id order. By
            default the sorted distinct labels of the column.

    Raises:
        ConfigurationError: If `class_names` is empty or repeats a label.
    """

    key = "label"

    def __init__(self, column, class_names=None):
        self.column = column
        self.class_names = None
        if class_names is not None:
            names = [_plain(name) for name in class_names]
            if not names or len(set(names)) != len(names):
                raise ConfigurationError(
                    "`class_names` must be a non-empty list of distinct labels. "
                    f"Received: class_names={describe_value(class_names)}"
                )
            self.class_names = names

    def problem(self, value):
        """Returns why the cell cannot be used, or `None`."""
        if _is_missing(value):
            return "missing label (NaN or None)"
        if self.class_names is not None and _plain(value) not in self.class_names:
            return f"label {describe_value(_plain(value))} is not one of class_names {self.class_names}"
        return None

    def check_kinds(self, cells):
        """Raises when the labels mix numbers and strings (1 and "1" would be two classes).

        Args:
            cells: The column's cells.

        Raises:
            ConfigurationError: numbers and strings are both present, and no
                `class_names` says which labels exist.
        """
        if self.class_names is not None:
            return
        labels = [_plain(cell) for cell in cells if not _is_missing(cell)]
        strings = sorted({label for label in labels if isinstance(label, str)})
        numbers = sorted({label for label in labels if not isinstance(label, str)}, key=str)
        if strings and numbers:
            raise ConfigurationError(
                f"The labels of column {self.column!r} mix numbers {numbers[:5]} and strings {strings[:5]}, "
                "which would be different classes (1 and '1' are two): convert the column to one type "
                f"(e.g. df[{self.column!r}].astype(str)) or give `class_names`. "
                f"Received: label={self.column!r} with values {(numbers + strings)[:10]}"
            )

    def fit(self, cells):
        """Sets `class_names` from the usable cells if they were not given.

        Raises:
            ConfigurationError: the labels mix numbers and strings (`check_kinds`).
        """
        self.check_kinds(cells)
        if self.class_names is None:
            self.class_names = sorted({_plain(cell) for cell in cells}, key=lambda name: (str(type(name)), name))

    def values(self, cells):
        """Returns the ids of usable cells."""
        ids = {name: index for index, name in enumerate(self.class_names)}
        return np.array([ids[_plain(cell)] for cell in cells], dtype=np.int32)


def _resolve_path(value, base_dir):
    if _is_missing(value):
        return None, "missing path (NaN or None)"
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value).strip():
        return None, f"not a file path: {describe_value(value)}"
    path = _joined(value, base_dir)
    if not os.path.isfile(path):
        return path, f"file not found: {path!r}"
    return path, None


def _joined(value, base_dir):
    """The path of a usable cell (one `_resolve_path` accepted), without checking the file again."""
    return os.path.join(base_dir, os.fspath(value)) if base_dir is not None else os.fspath(value)


def _is_missing(value):
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _plain(value):
    """Turns numpy scalars into Python ones, and whole floats (ints read next to NaN) into ints."""
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _first_line(error):
    text = re.sub(r"\{\{.*?\}\}\s*", "", str(error)).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else 'no decoder accepted the file'}"
