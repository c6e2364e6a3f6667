"""How the files of a manifest become model inputs, saved beside a model to decode new data the same way."""

import dataclasses
import json
import os

import pandas as pd

from mmzoo.datasets.dataframe import from_dataframe
from mmzoo.datasets.prepared import from_prepared, prepare
from mmzoo._files import atomic_write, read_json, reading
from mmzoo.errors import ConfigurationError

MODALITIES = ("image", "text", "audio")


@dataclasses.dataclass
class Decoding:
    """The settings `from_dataframe` decodes a manifest with, kept with the model trained on it.

    `mmzoo train` saves them beside `model.keras` (`save`); `mmzoo evaluate`
    and `mmzoo export` read them back (`load`), so new files are decoded
    exactly as the training files were.

    Example:
        >>> decoding = Decoding(columns={"image": "photo", "label": "label"}, image_size=(64, 64))
        >>> train = decoding.dataset(frame, base_dir="data")
        >>> decoding.class_names = train.class_names
        >>> decoding.save("runs/photos/model.keras")
        >>> Decoding.load("runs/photos/model.keras") == decoding
        True

    Attributes:
        columns: `{"image"|"text"|"audio"|"label": column name}`.
        image_size: `(height, width)` images are resized to.
        image_channels: 1 (grayscale) or 3 (RGB).
        audio_sample_rate: Rate audio is resampled to, in Hz.
        audio_duration: Length audio is padded or trimmed to, in seconds.
        audio_features: "log_mel" (a `(frames, n_mels)` spectrogram),
            "summary" (MFCC mean and standard deviation, a vector), ...; see
            `mmzoo.preprocessing.audio_features`.
        audio_options: Keyword arguments of the audio feature function
            (`n_mels`, `hop_length`, `n_mfcc`, ...).
        sequence_length: Token ids per text.
        class_names: The label of each class id, or None to take the sorted
            labels of the data.
    """

    columns: dict = dataclasses.field(default_factory=dict)
    image_size: tuple = (64, 64)
    image_channels: int = 3
    audio_sample_rate: int = 16000
    audio_duration: float = 1.0
    audio_features: str = "log_mel"
    audio_options: dict = dataclasses.field(default_factory=lambda: {"n_mels": 32, "hop_length": 512})
    sequence_length: int = 20
    class_names: list = None

    def modalities(self):
        """Returns `{modality: column}` of the input columns."""
        return {modality: self.columns[modality] for modality in MODALITIES if self.columns.get(modality)}

    def dataset(self, df, base_dir=None, text_vectorizer=None, batch_size=None, shuffle=False, seed=None,
                cache=False):
        """Decodes the rows of a manifest with these settings (see `from_dataframe`).

        Args:
            df: `pandas.DataFrame` with the columns of `columns`.
            base_dir: Folder relative paths are resolved against.
            text_vectorizer: Optional `TextVectorization` mapping texts to
                ids.
            batch_size: Batch size, or None for single samples.
            shuffle: Whether to shuffle the rows on every pass.
            seed: Seed of the shuffling.
            cache: Whether to keep the decoded samples in memory after the
                first pass, so each file is decoded once however many
                epochs read it.

        Returns:
            A `tf.data.Dataset` of `(inputs, label_id)` with `class_names`
            and `bad_rows` attributes.

        Raises:
            ConfigurationError: If a column is missing or a setting is
                invalid.
            BadRowsError: If a row holds a missing or unreadable value.
        """
        return from_dataframe(df, **self.options(), base_dir=base_dir, text_vectorizer=text_vectorizer,
                              batch_size=batch_size, shuffle=shuffle, seed=seed, cache=cache)

    def decode(self, modality, cells, base_dir=None, text_vectorizer=None):
        """Decodes a few files or texts of one modality with these settings, e.g. search queries.

        The cells go through `dataset`, as a manifest column of the
        modality would, so they are decoded exactly as the training rows.

        Example:
            >>> Decoding.load("runs/photos/model.keras").decode("image", ["query.png"])

        Args:
            modality: "image", "text" or "audio", one of `modalities()`.
            cells: Paths of files (image, audio) or texts, as a manifest's
                cells.
            base_dir: Folder relative paths are resolved against.
            text_vectorizer: Optional `TextVectorization` mapping texts to
                ids.

        Returns:
            A numpy array `(len(cells), *sample shape)`.

        Raises:
            ConfigurationError: If the settings have no column of `modality`,
                or `cells` is empty.
            BadRowsError: If a file cannot be decoded as `modality` or a
                text is empty; its `bad_rows` say why.
        """
        column = self.modalities().get(modality)
        if column is None:
            raise ConfigurationError(f"`modality` must be one of the decoded modalities {sorted(self.modalities())}. "
                                     f"Received: modality={modality!r}")
        if not len(cells):
            raise ConfigurationError(f"`cells` must hold at least one file or text. Received: cells={cells!r}")
        one = dataclasses.replace(self, columns={modality: column})
        rows = one.dataset(pd.DataFrame({column: list(cells)}), base_dir, text_vectorizer=text_vectorizer,
                           batch_size=len(cells))
        return next(rows.as_numpy_iterator())[modality]

    def prepared(self, df, directory, base_dir=None, text_vectorizer=None, rows_per_shard=None, shuffle=False,
                 seed=None, verbose=1):
        """Decodes the rows of a manifest once into shards (`prepare`) and streams them (`from_prepared`).

        For data larger than memory. Running it again on the same rows
        reuses the shards (and finishes an interrupted preparation).

        Args:
            df: `pandas.DataFrame` with the columns of `columns`.
            directory: Folder of the shards.
            base_dir: Folder relative paths are resolved against.
            text_vectorizer: Optional `TextVectorization` mapping texts to
                ids.
            rows_per_shard: Rows per shard file; `None` keeps the size of an
                earlier preparation in `directory`, else 1024.
            shuffle: Whether to shuffle the shards and rows on every pass.
            seed: Seed of the shuffling.
            verbose: 1 prints one line per shard, 0 nothing.

        Returns:
            An unbatched `tf.data.Dataset` of `(inputs, label_id)` with
            `class_names` and `bad_rows` attributes.

        Raises:
            ConfigurationError: If a column is missing or a setting is
                invalid.
            BadRowsError: If a row holds a missing or unreadable value.
        """
        prepare(df, directory, **self.options(), base_dir=base_dir, rows_per_shard=rows_per_shard,
                verbose=verbose)
        return from_prepared(directory, batch_size=None, shuffle=shuffle, seed=seed,
                             text_vectorizer=text_vectorizer)

    def options(self):
        """Returns the decoding arguments of `from_dataframe` and `prepare` (columns and settings)."""
        return dict(
            **self.modalities(), label=self.columns.get("label"), class_names=self.class_names,
            image_size=self.image_size, image_channels=self.image_channels,
            audio_sample_rate=self.audio_sample_rate, audio_duration=self.audio_duration,
            audio_features=self.audio_features, audio_options=self.audio_options,
        )

    def save(self, model_path):
        """Writes the settings as JSON beside a `.keras` model (`decoding_path`).

        Args:
            model_path: The model's `.keras` file.

        Raises:
            ConfigurationError: If `model_path` does not end in ".keras".
        """
        def write(temporary):
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(dataclasses.asdict(self), handle, indent=1, default=str)

        atomic_write(decoding_path(model_path), write)

    @classmethod
    def load(cls, model_path):
        """Reads the settings saved beside a `.keras` model.

        Args:
            model_path: The model's `.keras` file.

        Returns:
            A `Decoding`, or None when the model has no saved settings (it
            was not trained on a manifest).

        Raises:
            ConfigurationError: If `model_path` does not end in ".keras".
        """
        path = decoding_path(model_path)
        if not os.path.isfile(path):
            return None
        remedy = "Delete it and train again, or write it again with `Decoding.save`."
        settings = read_json(path, kind="decoding settings JSON", remedy=remedy)
        with reading(path, "decoding settings JSON", remedy):
            settings["image_size"] = tuple(settings["image_size"])
            return cls(**settings)


def decoding_path(path):
    """Returns where the decoding settings of a `.keras` model are saved.

    Args:
        path: The model's `.keras` file, e.g. "runs/a/model.keras".

    Returns:
        The JSON file beside it, e.g. "runs/a/model.preprocessing.json".

    Raises:
        ConfigurationError: If `path` does not end in ".keras".
    """
    name = os.fspath(path)
    if not name.endswith(".keras"):
        raise ConfigurationError(f"`path` must end in '.keras'. Received: path={path!r}")
    return f"{name[:-len('.keras')]}.preprocessing.json"
