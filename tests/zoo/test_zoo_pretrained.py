"""The zoo's pretrained-encoder classifiers, built from tiny local keras-hub presets."""

import numpy as np
import pytest

import mmzoo
from mmzoo import zoo
from harness import check_model
from hub_presets import save_tiny_clip, save_tiny_presets

SMALL = {"image_shape": (32, 32, 3), "sequence_length": 12, "hidden_units": (8,), "num_classes": 3}


pytest.importorskip("keras_hub")  # the "hub" extra: pip install -e ".[dev,hub]"


@pytest.fixture(scope="module")
def presets(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("presets"))
    return {**save_tiny_presets(folder), "clip": save_tiny_clip(folder)}


def _overrides(name, presets):
    if name == "pretrained_image_text_classifier":
        return {**SMALL, "image_preset": presets["clip"], "text_preset": presets["clip"]}
    return {**SMALL, "image_preset": presets["clip"], "text_preset": presets["text"], "audio_preset": presets["audio"],
            "audio_shape": (1600,)}


@pytest.mark.parametrize("name", ["pretrained_image_text_classifier", "pretrained_trimodal_classifier"])
def test_describe_names_the_default_presets_and_local_folders(name):
    text = zoo.describe(name)
    for key in ("image_preset", "text_preset"):
        assert f"{key}={zoo.get(name).defaults()[key]!r}" in text
    assert "local preset folder" in text and "--image-preset" in text


def test_the_default_presets_are_keras_hub_presets():
    keras_hub = pytest.importorskip("keras_hub")
    for name in ("pretrained_image_text_classifier", "pretrained_trimodal_classifier"):
        defaults = zoo.get(name).defaults()
        for key in ("image_preset", "text_preset", "audio_preset"):
            if key in defaults:
                assert defaults[key] in keras_hub.models.Backbone.presets, (name, key)


@pytest.mark.parametrize("name", ["pretrained_image_text_classifier", "pretrained_trimodal_classifier"])
def test_a_pretrained_entry_builds_from_local_presets_with_frozen_encoders(name, presets):
    model = zoo.build(name, **_overrides(name, presets))
    assert sorted(model.input) == sorted(zoo.get(name).modalities)
    frozen = mmzoo.training.frozen_branches(model)
    assert sorted(frozen) == sorted(zoo.get(name).modalities)
    assert model.output.shape == (None, 3)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["pretrained_image_text_classifier", "pretrained_trimodal_classifier"])
def test_a_pretrained_entry_trains_on_its_example_data_and_reloads(name, presets, tmp_path):
    overrides = _overrides(name, presets)
    model = zoo.build(name, **overrides)
    inputs, labels = zoo.example_data(name, 24, seed=0, **overrides)
    assert inputs["text"].dtype == object and inputs["image"].max() > 1
    check_model(model, inputs, labels, tmp_path)
    trained, history = mmzoo.training.fit(model, (inputs, labels), epochs=4, batch_size=8, learning_rate=1e-2,
                                          cache_frozen=True, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert np.isfinite(trained.predict(inputs, verbose=0)).all()
