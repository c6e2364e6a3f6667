"""A saved model and the data it is judged on, for `mmzoo evaluate` and `mmzoo export`."""

import dataclasses

from mmzoo import export
from mmzoo.cli import data as cli_data
from mmzoo.cli.arguments import UsageError
from mmzoo.cli.settings import Preprocessing


def inferred_preprocessing(model):
    """Returns manifest decoding settings that fit a model's input shapes (for a model without saved ones).

    Args:
        model: A loaded model.

    Returns:
        A `Preprocessing`: the image size and channels of its image input;
        MFCC summaries for a vector audio input, log-mel spectrograms with
        its number of mel bands otherwise.
    """
    preprocessing = Preprocessing()
    shapes = {tensor.name: tuple(tensor.shape[1:]) for tensor in model.inputs}
    if len(shapes.get("image", ())) == 3:
        preprocessing.image_size, preprocessing.image_channels = shapes["image"][:2], shapes["image"][2]
    if len(shapes.get("audio", ())) == 1:
        preprocessing.audio_features, preprocessing.audio_options = "summary", {"n_mfcc": shapes["audio"][0] // 2}
    elif len(shapes.get("audio", ())) == 2:
        preprocessing.audio_options = {**preprocessing.audio_options, "n_mels": shapes["audio"][1]}
    if "text" in shapes:
        preprocessing.sequence_length = shapes["text"][0]
    return preprocessing


def load(arguments, splits, columns, preprocessing):
    """Loads the model and the splits of its data, as the model's inputs.

    Args:
        arguments: Parsed arguments with `model` and `data`.
        splits: The splits wanted.
        columns: The manifest `Columns`, or None for bundled data.
        preprocessing: The saved `Preprocessing`, or None.

    Returns:
        A tuple `(model, vectorizers, data, class_names)`; `data` maps each
        split to `(inputs, labels)` with exactly the model's inputs.

    Raises:
        UsageError: the data lacks a modality of the model, or texts come
            without the model's vocabulary.
    """
    model, vectorizers = export.load_keras(arguments.model)
    if columns is not None:
        preprocessing = preprocessing or inferred_preprocessing(model)
        preprocessing.columns = {key: value for key, value in dataclasses.asdict(columns).items() if value}
    data, class_names = cli_data.load_splits(arguments.data, splits, preprocessing)
    data = cli_data.vectorize(data, vectorizers.get("text"))
    names = [tensor.name for tensor in model.inputs]
    selected = {split: (cli_data.select(inputs, names, arguments.data), labels)
                for split, (inputs, labels) in data.items()}
    texts = next(iter(selected.values()))[0].get("text")
    if texts is not None and texts.dtype == object:
        raise UsageError(f"the model takes token ids but no vocabulary was found next to {arguments.model!r} "
                         f"({export.vocabulary_path(arguments.model, 'text')})")
    return model, vectorizers, selected, class_names
