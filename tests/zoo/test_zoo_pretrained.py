"""The zoo's pretrained-encoder classifiers, built from tiny local keras-hub presets."""

import keras
import numpy as np
import pytest

import mmzoo
from mmzoo import retrieval, zoo
from harness import check_model
from hub_presets import save_tiny_clip, save_tiny_presets

SMALL = {"image_shape": (32, 32, 3), "sequence_length": 12, "hidden_units": (8,), "num_classes": 3}


pytest.importorskip("keras_hub")  # the "hub" extra: pip install -e ".[dev,hub]"


@pytest.fixture(scope="module")
def presets(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("presets"))
    return {**save_tiny_presets(folder), "clip": save_tiny_clip(folder)}


def _overrides(name, presets):
    if name == "pretrained_dual_encoder":
        return {"image_shape": (32, 32, 3), "sequence_length": 12, "embedding_dim": 8,
                "image_preset": presets["clip"], "text_preset": presets["clip"]}
    if name == "pretrained_image_text_classifier":
        return {**SMALL, "image_preset": presets["clip"], "text_preset": presets["clip"]}
    return {**SMALL, "image_preset": presets["clip"], "text_preset": presets["text"], "audio_preset": presets["audio"],
            "audio_shape": (1600,)}


PRETRAINED = ["pretrained_image_text_classifier", "pretrained_trimodal_classifier", "pretrained_dual_encoder"]


@pytest.mark.parametrize("name", PRETRAINED)
def test_describe_names_the_default_presets_and_local_folders(name):
    text = zoo.describe(name)
    for key in ("image_preset", "text_preset"):
        assert f"{key}={zoo.get(name).defaults()[key]!r}" in text
    assert "local preset folder" in text and "--image-preset" in text


def test_the_default_presets_are_keras_hub_presets():
    keras_hub = pytest.importorskip("keras_hub")
    for name in PRETRAINED:
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


def test_the_pretrained_dual_encoder_has_frozen_towers_inside_its_encoders(presets):
    model = zoo.build("pretrained_dual_encoder", **_overrides("pretrained_dual_encoder", presets))
    assert sorted(model.input) == ["image", "text"]
    assert sorted(mmzoo.training.frozen_branches(model)) == ["image", "text"]
    assert {name: tuple(tensor.shape) for name, tensor in model.output.items()} == {"image": (None, 8),
                                                                                    "text": (None, 8)}


@pytest.mark.slow
@pytest.mark.parametrize("num_classes", [None, 4])
def test_the_pretrained_dual_encoder_trains_its_projections_on_cached_features_and_reloads(presets, num_classes,
                                                                                            tmp_path):
    # The tiny random towers tell the classes apart only faintly (a linear probe: about 60%), so this checks the
    # training path (caching, the loss, the saved model), not retrieval quality; tests/retrieval measures that.
    overrides = {**_overrides("pretrained_dual_encoder", presets), "num_classes": num_classes}
    inputs, labels = zoo.example_data("pretrained_dual_encoder", 64, seed=0, **overrides)
    assert ("label" in inputs) == (num_classes is not None) and sorted(set(labels)) == [0, 1, 2, 3]
    model, history = mmzoo.training.fit(lambda: zoo.build("pretrained_dual_encoder", **overrides), inputs,
                                        epochs=40, batch_size=16, learning_rate=1e-2, cache_frozen=True, seed=0,
                                        checkpoint_dir=tmp_path, verbose=0)
    # Embeddings that tell nothing (every similarity equal) have the loss log(batch), plus log(classes) for the
    # prototypes' cross-entropy when class-aware: the trained projections must do better.
    uninformed = np.log(16) + (np.log(num_classes) if num_classes else 0.0)
    assert history.history["loss"][-1] < uninformed - 0.1, (uninformed, history.history["loss"])
    assert model.get_layer("image_encoder").input.shape == (None, 32, 32, 3), "the returned model takes raw pixels"
    loaded = keras.saving.load_model(tmp_path / "best.keras", safe_mode=True)
    for modality in ("image", "text"):
        embeddings = retrieval.embed(loaded, inputs, modality)
        np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-5)
