"""Every zoo entry builds with defaults and overrides, trains on its bundled data above chance,
and reloads with identical predictions."""

import keras
import numpy as np
import pytest

from mmzoo import zoo
import mmzoo
from harness import assert_no_lambda


def _train(name, overrides, train_samples, epochs, seed=0):
    keras.utils.set_random_seed(seed)
    model = zoo.build(name, **overrides)
    inputs, labels = zoo.example_data(name, train_samples, seed=1, **overrides)
    test_inputs, test_labels = zoo.example_data(name, 400, seed=2, **overrides)
    mmzoo.training.compile(model, learning_rate=3 * zoo.get(name).learning_rate)
    model.fit(inputs, labels, epochs=epochs, batch_size=64, verbose=0)
    return model, model.evaluate(test_inputs, test_labels, verbose=0, return_dict=True), test_inputs


def _assert_reloads(model, inputs, tmp_path):
    assert_no_lambda(model)
    expected = model.predict(inputs, verbose=0)
    path = tmp_path / f"{model.name}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    keras.tree.map_structure(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6),
                             expected, loaded.predict(inputs, verbose=0))


# name, small overrides, train samples, epochs, accuracy floor, chance (majority-class rate of the task)
CASES = [
    ("feature_concat_binary", {}, 1000, 8, 0.95, 0.62),
    ("dot_gated_fusion", {"sequence_length": 8}, 1000, 8, 0.90, 0.62),
    ("mha_text_image", {"sequence_length": 8, "key_dim": 16}, 1000, 8, 0.90, 0.62),
    ("conv_lstm_classifier", {"image_shape": (32, 32, 3), "sequence_length": 8, "vocab_size": 100},
     1500, 10, 0.38, 0.25),
    ("trimodal_classifier", {"sequence_length": 8}, 1500, 10, 0.55, 0.19),
    ("weighted_fusion_classifier", {"sequence_length": 8}, 1500, 10, 0.55, 0.19),
    ("weighted_fusion_classifier", {"sequence_length": 8, "variant": "nonlinear"}, 1500, 10, 0.55, 0.19),
    ("deep_fusion_classifier", {"sequence_length": 8}, 1500, 10, 0.45, 0.19),
    ("decision_fusion_classifier", {"sequence_length": 8}, 1500, 10, 0.45, 0.19),
]


@pytest.mark.parametrize("name, overrides, samples, epochs, floor, chance", CASES,
                         ids=[f"{case[0]}-{case[1].get('variant', 'default')}" for case in CASES])
def test_entry_trains_above_chance_and_reloads(name, overrides, samples, epochs, floor, chance, tmp_path):
    assert floor >= min(1.5 * chance, chance + 0.25)  # "well above chance"
    model, scores, test_inputs = _train(name, overrides, samples, epochs)
    assert scores["accuracy"] >= floor, scores
    _assert_reloads(model, test_inputs, tmp_path)


def test_multitask_classifier_learns_both_tasks(tmp_path):
    overrides = {"sequence_length": 8, "loss_weights": (("shape", 1.0), ("pitch", 0.5))}
    model, scores, test_inputs = _train("multitask_classifier", overrides, 1500, 8)
    assert sorted(model.output_names) == ["pitch", "shape"]
    assert scores["shape_accuracy"] >= 0.8 and scores["pitch_accuracy"] >= 0.8, scores
    _assert_reloads(model, test_inputs, tmp_path)


def test_weighted_fusion_weights_are_readable():
    model, _, _ = _train("weighted_fusion_classifier", {"sequence_length": 8}, 300, 2)
    weights = model.get_layer("weighted_fusion").modality_weights()
    assert sorted(weights) == ["audio", "image", "text"]
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-5)


def test_decision_fusion_weights_are_readable():
    model, _, _ = _train("decision_fusion_classifier", {"sequence_length": 8}, 300, 2)
    weights = model.get_layer("late_fusion").modality_weights()
    assert sorted(weights) == ["audio", "image", "text"]


# Entries on downloaded weights build offline in their own tests (vgg16 below, presets in test_zoo_pretrained).
OFFLINE_DEFAULTS = [name for name in zoo.available()
                    if name != "vgg16_lstm_classifier" and not name.startswith("pretrained_")]


@pytest.mark.parametrize("name", OFFLINE_DEFAULTS)
def test_entry_builds_with_its_tutorial_defaults(name):
    built = zoo.build(name)
    model = built.generator if name == "conditional_gan" else built
    assert model.count_params() > 0
    assert_no_lambda(model)


def test_defaults_are_the_tutorial_sizes():
    conv = zoo.build("conv_lstm_classifier")
    assert conv.get_layer("image_conv2d").output.shape == (None, 31 * 31 * 32)
    assert conv.output.shape == (None, 10)
    gated = zoo.build("dot_gated_fusion")
    assert gated.get_layer("text_lstm").get_layer("text_lstm_embedding").input_dim == 1000
    assert gated.get_layer("gated_fusion").output.shape == (None, 64 + 64 + 1)


def test_vgg16_lstm_classifier_default_shape_offline():
    model = zoo.build("vgg16_lstm_classifier", weights=None)
    assert model.get_layer("image_vgg16").output.shape == (None, 7 * 7 * 512)
    assert model.get_layer("image_vgg16").trainable_weights == []
    assert model.output.shape == (None, 10)


@pytest.mark.slow
def test_vgg16_lstm_classifier_trains_and_reloads(tmp_path):
    overrides = {"image_shape": (32, 32, 3), "weights": None, "sequence_length": 8, "vocab_size": 100,
                 "num_classes": 2}
    model, scores, test_inputs = _train("vgg16_lstm_classifier", overrides, 600, 4)
    # Offline the VGG16 weights are random, so the text carries most of the signal: 75% at best from it alone.
    assert scores["accuracy"] >= 0.70, scores
    _assert_reloads(model, test_inputs, tmp_path)
