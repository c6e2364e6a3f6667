"""`branches.from_preset`: tiny random keras-hub presets saved to disk, loaded as a user's downloaded ones."""

import shutil
import sys
import warnings

import keras
import numpy as np
import pytest

import mmzoo
import mmzoo.training
from mmzoo import branches, fusion, heads
from mmzoo.errors import ArgumentTypeError, ConfigurationError, MissingDependencyError
from harness import check_model
from hub_presets import example_data, save_tiny_presets

MODALITIES = ("image", "text", "audio")


pytest.importorskip("keras_hub")  # the "hub" extra: pip install -e ".[dev,hub]"


@pytest.fixture(scope="module")
def presets(tmp_path_factory):
    return save_tiny_presets(str(tmp_path_factory.mktemp("presets")))


@pytest.fixture(scope="module")
def data():
    return example_data(16)


@pytest.mark.parametrize("modality", MODALITIES)
def test_a_preset_branch_is_frozen_and_gives_vectors_or_tokens(modality, presets, data):
    vector = branches.from_preset(presets[modality], modality, sequence_length=12)
    assert vector.trainable_weights == [] and vector.weights
    assert vector.output.shape == (None, 16)
    tokens = branches.from_preset(presets[modality], modality, sequence_length=12, pooling="tokens",
                                  trainable=True, name="tuned")
    assert tokens.trainable_weights
    assert tokens.predict(data[0][modality][:2], verbose=0).shape[::2] == (2, 16)


@pytest.mark.slow
@pytest.mark.parametrize("modality", MODALITIES)
def test_a_preset_branch_learns_and_reloads_without_its_preset_folder(modality, presets, data, tmp_path):
    copy = shutil.copytree(presets[modality], tmp_path / "preset")
    model = mmzoo.build_model({modality: branches.from_preset(str(copy), modality, sequence_length=12)},
                              head=heads.multiclass(2))
    shutil.rmtree(copy)
    inputs, labels = data
    mmzoo.training.compile(model, learning_rate=3e-2)
    losses = model.fit({modality: inputs[modality]}, labels, epochs=8, batch_size=8, verbose=0).history["loss"]
    assert losses[-1] < 0.9 * losses[0], losses
    loaded = check_model(model, {modality: inputs[modality]}, labels, tmp_path)
    assert loaded.get_layer(f"{modality}_preset").trainable_weights == []


@pytest.mark.slow
@pytest.mark.parametrize("fusion_name", fusion.available())
def test_every_fusion_takes_the_three_preset_branches(fusion_name, presets, data, tmp_path):
    pooling = "tokens" if fusion_name == "attention" else "vector"
    model = mmzoo.build_model(
        {modality: branches.from_preset(presets[modality], modality, sequence_length=12, pooling=pooling)
         for modality in MODALITIES},
        fusion=fusion_name, head=heads.multiclass(2))
    inputs, labels = data
    check_model(model, inputs, labels, tmp_path)


@pytest.mark.slow
def test_cache_frozen_finds_preset_branches_and_trains_the_same(presets, data):
    def build():
        return mmzoo.build_model({modality: branches.from_preset(presets[modality], modality, sequence_length=12)
                                  for modality in MODALITIES}, head=heads.multiclass(2))

    model = build()
    assert sorted(mmzoo.training.frozen_branches(model)) == sorted(MODALITIES)
    inputs, labels = data
    runs = {cache: mmzoo.training.fit(build, (inputs, labels), epochs=2, batch_size=8, seed=3, shuffle=False,
                                      cache_frozen=cache, verbose=0) for cache in (False, True)}
    np.testing.assert_allclose(runs[True][1].history["loss"], runs[False][1].history["loss"], rtol=1e-4)
    np.testing.assert_allclose(runs[True][0].predict(inputs, verbose=0), runs[False][0].predict(inputs, verbose=0),
                               rtol=1e-4, atol=1e-6)


def test_an_unknown_preset_name_is_refused_with_close_names():
    with pytest.raises(ConfigurationError, match=r"bert_tiny_en_uncased.*Received: preset='bert_tiny_en_uncase'"):
        branches.from_preset("bert_tiny_en_uncase", "text")


def test_a_missing_preset_folder_is_refused(tmp_path):
    missing = str(tmp_path / "nowhere")
    with pytest.raises(ConfigurationError, match=f"does not exist. Received: preset='{missing}'"):
        branches.from_preset(missing, "image")


def test_a_folder_without_config_json_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match=f"config.json.*Received: preset='{tmp_path}'"):
        branches.from_preset(str(tmp_path), "image")


@pytest.mark.parametrize("kind, modality", [("text", "image"), ("image", "text"), ("image", "audio"),
                                            ("audio", "text")])
def test_a_preset_of_another_modality_is_refused(kind, modality, presets):
    with pytest.raises(ConfigurationError, match=f"encodes {kind}, not {modality}.*modality='{modality}'"):
        branches.from_preset(presets[kind], modality)


def test_a_text_preset_without_a_tokenizer_is_refused(presets):
    with pytest.raises(ConfigurationError, match="needs a tokenizer.*Received: preset='.*no_tokenizer'"):
        branches.from_preset(presets["no_tokenizer"], "text")


@pytest.mark.parametrize("kwargs, error, received", [
    ({"preset": 3}, ArgumentTypeError, "preset=3"),
    ({"modality": "video"}, ConfigurationError, "modality='video'"),
    ({"pooling": "avg"}, ConfigurationError, "pooling='avg'"),
    ({"trainable": "no"}, ArgumentTypeError, "trainable='no'"),
    ({"sequence_length": 0}, ConfigurationError, "sequence_length=0"),
    ({"modality": "text", "preset_kind": "text", "sequence_length": 33}, ConfigurationError,
     "sequence_length=33"),
    ({"input_shape": (32, 32)}, ConfigurationError, r"input_shape=\(32, 32\)"),
])
def test_bad_arguments_are_refused(kwargs, error, received, presets):
    kind = kwargs.pop("preset_kind", "image")
    arguments = {"preset": presets[kind], "modality": "image", **kwargs}
    with pytest.raises(error, match=f"Received: {received}"):
        branches.from_preset(**arguments)


def test_missing_keras_hub_names_the_extra(monkeypatch, presets):
    monkeypatch.setitem(sys.modules, "keras_hub", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "mmzoo\[hub\]"'):
        branches.from_preset(presets["image"], "image")


def test_a_preset_branch_is_a_registered_layer_with_its_config(presets):
    layer = branches.from_preset(presets["text"], "text", sequence_length=12).get_layer("text_preset_encoder")
    assert keras.saving.serialize_keras_object(layer)["registered_name"] == "mmzoo>PresetEncoder"
    assert layer.get_config()["sequence_length"] == 12


def test_a_text_branch_reloads_its_vocabulary_without_the_preset_folder(presets, data, tmp_path):
    copy = shutil.copytree(presets["text"], tmp_path / "preset")
    branch = branches.from_preset(str(copy), "text", sequence_length=12)
    shutil.rmtree(copy)
    texts = data[0]["text"][:4]
    expected = branch.predict(texts, verbose=0)
    branch.save(tmp_path / "text.keras")
    loaded = keras.saving.load_model(tmp_path / "text.keras", safe_mode=True)
    np.testing.assert_allclose(loaded.predict(texts, verbose=0), expected, rtol=1e-6)
    assert loaded.trainable_weights == []


@pytest.mark.parametrize("modality", ["text", "audio"])
def test_text_and_audio_branches_need_the_tensorflow_backend(modality, monkeypatch, presets):
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    message = f"KERAS_BACKEND=tensorflow. Received: modality='{modality}' on the jax"
    with pytest.raises(ConfigurationError, match=message):
        branches.from_preset(presets[modality], modality)


@pytest.mark.parametrize("dual", [False, True], ids=["fusion", "dual encoder"])
def test_pixels_from_0_to_255_are_what_a_preset_image_branch_takes_without_a_warning(presets, data, dual):
    from mmzoo.retrieval import dual_encoder
    from mmzoo.training.data import check_data

    image = branches.from_preset(presets["image"], "image")
    inputs, labels = data
    assert inputs["image"].max() > 1
    if dual:
        model = dual_encoder({"image": image, "text": branches.from_preset(presets["text"], "text")})
        checked = {"image": inputs["image"], "text": inputs["text"]}
    else:
        model, checked = mmzoo.build_model({"image": image}, head=heads.multiclass(2)), ({"image": inputs["image"]},
                                                                                         labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_data(checked, f"pixels_{dual}", model)   # an argument name of its own: each warns once per process
