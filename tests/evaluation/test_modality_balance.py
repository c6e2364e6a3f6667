"""The modality balance report: linear probes on each branch of a fused model."""

import numpy as np
import pytest

import mmzoo
from mmzoo import branches, heads
from mmzoo.datasets import synthetic
from mmzoo.evaluation import ModalityBalance, branch_features, modality_balance


def _split(inputs, labels, size):
    return ({name: values[:size] for name, values in inputs.items()}, labels[:size]), \
        ({name: values[size:] for name, values in inputs.items()}, labels[size:])


@pytest.fixture(scope="module")
def trained():
    """A concat model on data whose label depends on the image only: the audio is useless."""
    inputs, labels = synthetic.generate(1200, task="image", modalities=("image", "audio"), image_size=16, seed=3)
    train, test = _split(inputs, labels, 900)
    model = mmzoo.build_model(
        branches={"image": branches.conv2d(input_shape=(16, 16, 1), filters=(8,), units=16),
                  "audio": branches.dense(input_dim=64, hidden_units=(16,))},
        fusion="concat", head=heads.multiclass(synthetic.num_classes("image")))
    mmzoo.training.compile(model, learning_rate=3e-3)
    model.fit(train[0], train[1], epochs=8, batch_size=32, verbose=0)
    return model, train, test


def test_the_probe_finds_the_useful_branch_and_the_useless_one(trained):
    model, train, test = trained
    chance = 1 / synthetic.num_classes("image")
    balance = modality_balance(model, train, test, references={"image": 0.9})
    assert balance.probe_accuracy["image"] > chance + 0.4
    assert balance.probe_accuracy["audio"] < chance + 0.15
    assert balance.gap("image") == pytest.approx(balance.probe_accuracy["image"] - 0.9)
    assert balance.gap("audio") is None
    table = balance.to_markdown()
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    assert set(rows) == {"image", "audio"}
    assert rows["audio"].endswith("| - | - |") and "90.0%" in rows["image"]


def test_branch_features_are_the_branch_outputs(trained):
    model, _, test = trained
    features = branch_features(model, test[0])
    expected = model.get_layer("image_conv2d").predict(test[0]["image"], verbose=0)
    np.testing.assert_allclose(features["image"], expected, rtol=1e-5, atol=1e-5)
    assert features["audio"].shape == (len(test[1]), 16)


def test_a_probe_subset_is_drawn_when_the_training_data_is_larger(trained):
    model, train, test = trained
    balance = modality_balance(model, train, test, probe_size=200)
    assert isinstance(balance, ModalityBalance) and set(balance.probe_accuracy) == {"image", "audio"}


@pytest.mark.parametrize("references, message", [
    ({"text": 0.5}, "references key 'text'"),
    ({"image": 1.5}, "references['image']=1.5"),
    ([0.5], "references=[0.5]"),
])
def test_bad_references_are_named(trained, references, message):
    model, train, test = trained
    with pytest.raises((mmzoo.ConfigurationError, mmzoo.ArgumentTypeError), match=message.replace("[", r"\[")):
        modality_balance(model, train, test, references=references)


def test_bad_data_is_named(trained):
    model, train, _ = trained
    with pytest.raises(mmzoo.ArgumentTypeError, match="test="):
        modality_balance(model, train, np.zeros(3))
    with pytest.raises(mmzoo.ConfigurationError, match="probe_size"):
        modality_balance(model, train, train, probe_size=0)
