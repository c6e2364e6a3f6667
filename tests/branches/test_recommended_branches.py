"""`branches.for_input`: the measured branch for each kind of input."""

import pytest

import keras
import mmzoo
from mmzoo import branches
from mmzoo.layers import TrainingOnly


def _layer_types(model):
    return [type(layer).__name__ for layer in model.layers]


def test_a_spectrogram_keeps_its_layout_three_normalised_blocks_flattened():
    branch = branches.for_input("audio", (32, 32))
    types = _layer_types(branch)
    assert types.count("Conv2D") == 3 and types.count("BatchNormalization") == 4   # 3 blocks + standardisation
    assert "Flatten" in types and "GlobalAveragePooling2D" not in types
    assert branch.output.shape == (None, 128)
    assert [layer.filters for layer in branch.layers if isinstance(layer, keras.layers.Conv2D)] == [32, 64, 128]


@pytest.mark.parametrize("bands, bins", [(32, 2), (40, 2), (128, 8), (8, 0)])
def test_a_spectrogram_is_shifted_by_a_sixteenth_of_its_bands_in_training(bands, bins):
    shifts = [layer.layer for layer in branches.for_input("audio", (32, bands)).layers
              if isinstance(layer, TrainingOnly) and isinstance(layer.layer, keras.layers.RandomTranslation)]
    assert [round(layer.width_factor * bands, 6) for layer in shifts] == ([bins] if bins else [])


def test_a_small_spectrogram_gets_fewer_blocks():
    branch = branches.for_input("audio", (6, 40))
    assert [layer.filters for layer in branch.layers if isinstance(layer, keras.layers.Conv2D)] == [32, 64]


@pytest.mark.parametrize("modality, shape, vocab_size, output", [
    ("image", (28, 28, 1), None, (None, 64)),
    ("audio", (40,), None, (None, 64)),
    ("text", (12,), 50, (None, 32)),
])
def test_every_kind_of_input_has_a_branch(modality, shape, vocab_size, output):
    branch = branches.for_input(modality, shape, vocab_size)
    assert tuple(branch.inputs[0].shape[1:]) == shape and tuple(branch.output.shape) == output


@pytest.mark.parametrize("arguments, error, message", [
    (("video", (3, 3)), mmzoo.ConfigurationError, "modality='video'"),
    (("image", (28, 28)), mmzoo.ConfigurationError, "input_shape=(28, 28)"),
    (("audio", (2, 3, 4)), mmzoo.ConfigurationError, "input_shape=(2, 3, 4)"),
    (("image", 28), mmzoo.ArgumentTypeError, "input_shape=28"),
    (("text", (12,)), mmzoo.ConfigurationError, "vocab_size=None"),
])
def test_bad_arguments_are_named(arguments, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        branches.for_input(*arguments)
