"""How a manifest's files become model inputs, saved next to a trained model; no TensorFlow needed."""

import dataclasses
import json
import os


@dataclasses.dataclass
class Preprocessing:
    """How the files of a manifest become model inputs.

    Attributes:
        columns: `{"image"|"text"|"audio"|"label": column name}`.
        image_size: `(height, width)` images are resized to.
        image_channels: 1 (grayscale) or 3 (RGB).
        audio_features: "log_mel" (a `(frames, n_mels)` spectrogram) or
            "summary" (MFCC mean and standard deviation, a vector).
        audio_options: Keyword arguments of the audio feature function.
        sequence_length: Token ids per text.
        class_names: The label of each class id, or None to take the sorted
            labels of the manifest.
    """

    columns: dict = dataclasses.field(default_factory=dict)
    image_size: tuple = (64, 64)
    image_channels: int = 3
    audio_features: str = "log_mel"
    audio_options: dict = dataclasses.field(default_factory=lambda: {"n_mels": 32, "hop_length": 512})
    sequence_length: int = 20
    class_names: list = None

    def save(self, path):
        """Writes the settings as JSON.

        Args:
            path: The JSON file.
        """
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(dataclasses.asdict(self), handle, indent=1, default=str)

    @classmethod
    def load(cls, path):
        """Reads settings written by `save`.

        Args:
            path: The JSON file.

        Returns:
            A `Preprocessing`.
        """
        with open(path, encoding="utf-8") as handle:
            settings = json.load(handle)
        settings["image_size"] = tuple(settings["image_size"])
        return cls(**settings)


def preprocessing_path(model_path):
    """Returns where the preprocessing of a `.keras` model is saved: `<model>.preprocessing.json`."""
    return f"{os.fspath(model_path)[:-len('.keras')]}.preprocessing.json"
