"""Fusion actually fuses: a label that needs two modalities together.

The synthetic "image+audio" task labels each sample with the parity of
(shape drawn + pitch played): each modality alone predicts it no better than
chance, so a model only gets it right by combining them. Every feature-level
fusion must reach 90% test accuracy while single-modality models stay at or
below 60%. Decision-level ("late") fusion adds per-modality decisions and
cannot represent this interaction, so it is not held to the bar.
"""

import keras
import pytest

import mmzoo
from mmzoo import branches, heads
from mmzoo.datasets import synthetic

IMAGE_SIZE = 24
TRAIN_SAMPLES = 1600
TEST_SAMPLES = 400
EPOCHS = 10


@pytest.fixture(scope="module")
def task_data():
    options = dict(task="image+audio", noise=0.1, image_size=IMAGE_SIZE, modalities=("image", "audio"))
    train = synthetic.generate(TRAIN_SAMPLES, seed=1, **options)
    test = synthetic.generate(TEST_SAMPLES, seed=2, **options)
    return train, test


def _branches():
    return {
        "image": branches.conv2d(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 1), filters=(8, 16), units=32),
        "audio": branches.dense(64, hidden_units=(32,), batch_norm=True),
    }


def _test_accuracy(modalities, fusion_name, task_data):
    (train_inputs, train_labels), (test_inputs, test_labels) = task_data
    chosen = {name: branch for name, branch in _branches().items() if name in modalities}
    model = mmzoo.build_model(chosen, fusion=fusion_name, head=heads.multiclass(2, hidden_units=(32,)))
    model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit({name: train_inputs[name] for name in chosen}, train_labels,
              epochs=EPOCHS, batch_size=64, verbose=0)
    _, accuracy = model.evaluate({name: test_inputs[name] for name in chosen}, test_labels, verbose=0)
    return accuracy


@pytest.mark.parametrize("modality", ["image", "audio"])
def test_one_modality_alone_stays_near_chance(modality, task_data):
    assert _test_accuracy((modality,), "concat", task_data) <= 0.60


@pytest.mark.parametrize("fusion_name", ["concat", "weighted", "nonlinear", "gated", "gmu", "attention", "tensor"])
def test_feature_level_fusion_solves_the_two_modality_task(fusion_name, task_data):
    assert _test_accuracy(("image", "audio"), fusion_name, task_data) >= 0.90
