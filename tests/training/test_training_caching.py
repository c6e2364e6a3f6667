"""Frozen-backbone caching trains the same network as training on raw inputs."""

import logging

import keras
import numpy as np
import pytest

import mmzoo
import mmzoo.training
from mmzoo import branches, heads, retrieval
from mmzoo.datasets import synthetic


def build_vgg(trainable=False):
    return mmzoo.build_model(
        {"image": branches.vgg16(input_shape=(32, 32, 1), weights=None, pooling="avg", trainable=trainable),
         "audio": branches.dense(input_dim=64, hidden_units=(16,))},
        head=heads.multiclass(4, hidden_units=(16,)),
    )


@pytest.fixture(scope="module")
def shapes_and_tones():
    return synthetic.generate(96, task="image", image_size=32, seed=8, modalities=("image", "audio"))


def test_the_frozen_vgg16_branch_is_found():
    model = build_vgg()
    assert mmzoo.training.frozen_branches(model) == {"image": model.get_layer("image_vgg16")}
    assert mmzoo.training.frozen_branches(build_vgg(trainable=True)) == {}


def test_the_feature_model_shares_the_trainable_layers():
    model = build_vgg()
    features = mmzoo.training.feature_model(model, mmzoo.training.frozen_branches(model))
    assert features.input["image"].shape == (None, 512)
    assert features.input["audio"].shape == (None, 64)
    assert [id(w) for w in features.trainable_weights] == [id(w) for w in model.trainable_weights]
    assert "image_vgg16" not in [layer.name for layer in features.layers]


def test_cached_training_matches_training_on_raw_inputs(shapes_and_tones, tmp_path):
    inputs, labels = shapes_and_tones
    validation = ({name: value[:32] for name, value in inputs.items()}, labels[:32])
    runs = {}
    for cache in (False, True):
        runs[cache] = mmzoo.training.fit(
            build_vgg, (inputs, labels), validation=validation, epochs=2, batch_size=32, seed=6,
            learning_rate=3e-3, cache_frozen=cache, checkpoint_dir=tmp_path if cache else None, verbose=0)
    (raw_model, raw_history), (cached_model, cached_history) = runs[False], runs[True]

    assert sorted(cached_history.history) == sorted(raw_history.history)
    for key, values in raw_history.history.items():
        np.testing.assert_allclose(cached_history.history[key], values, rtol=1e-4, atol=1e-5, err_msg=key)
    assert cached_model.input["image"].shape == (None, 32, 32, 1), "the returned model takes raw images"
    np.testing.assert_allclose(cached_model.predict(inputs, verbose=0), raw_model.predict(inputs, verbose=0),
                               rtol=1e-4, atol=1e-5)

    best = keras.saving.load_model(tmp_path / "best.keras", safe_mode=True)
    assert best.input["image"].shape == (None, 32, 32, 1)


def test_caching_without_a_frozen_branch_warns_and_trains(shapes_and_tones, caplog):
    inputs, labels = shapes_and_tones
    build = lambda: mmzoo.build_model(  # noqa: E731
        {"image": branches.conv2d(input_shape=(32, 32, 1), filters=(4,)),
         "audio": branches.dense(input_dim=64, hidden_units=(8,))}, head=heads.multiclass(4))
    _, history = mmzoo.training.fit(build, (inputs, labels), epochs=1, cache_frozen=True, verbose=0)
    assert "nothing to cache" in caplog.text
    assert len(history.epoch) == 1


def build_dual_encoder():
    return retrieval.dual_encoder(
        {"image": branches.vgg16(input_shape=(32, 32, 1), weights=None, pooling="avg", trainable=False),
         "audio": branches.dense(input_dim=64, hidden_units=(8,))}, embedding_dim=8, num_classes=4)


def test_a_frozen_branch_inside_a_dual_encoders_encoder_is_found():
    model = build_dual_encoder()
    assert mmzoo.training.frozen_branches(model) == {"image": model.get_layer("image_encoder").get_layer("image_vgg16")}
    features = mmzoo.training.feature_model(model, mmzoo.training.frozen_branches(model))
    assert features.input["image"].shape == (None, 512)
    assert [id(w) for w in features.trainable_weights] == [id(w) for w in model.trainable_weights]


def test_a_frozen_backbone_under_a_trainable_top_is_found():
    image = keras.Input((32, 32, 1), name="image_input")
    backbone = branches.vgg16(input_shape=(32, 32, 1), weights=None, pooling="avg", trainable=False)
    branch = keras.Model(image, keras.layers.Dense(8, name="image_top")(backbone(image)), name="image_branch")
    model = mmzoo.build_model({"image": branch, "audio": branches.dense(input_dim=64, hidden_units=(16,))},
                              head=heads.multiclass(4))
    assert mmzoo.training.frozen_branches(model) == {"image": backbone}
    features = mmzoo.training.feature_model(model, {"image": backbone})
    assert [id(w) for w in features.trainable_weights] == [id(w) for w in model.trainable_weights]
    assert "image_top" in [layer.name for layer in features.get_layer("image_branch").layers]


def test_cached_training_of_a_dual_encoder_matches_training_on_raw_pairs(shapes_and_tones, tmp_path, caplog):
    inputs, labels = shapes_and_tones
    pairs = {**inputs, "label": labels.astype("int32")}
    validation = {name: value[:32] for name, value in pairs.items()}
    caplog.set_level(logging.INFO, logger="mmzoo")
    runs = {cache: mmzoo.training.fit(build_dual_encoder, pairs, validation=validation, epochs=2, batch_size=32,
                                      seed=6, learning_rate=3e-3, cache_frozen=cache,
                                      checkpoint_dir=tmp_path if cache else None, verbose=0)
            for cache in (False, True)}
    assert "Caching the outputs of the frozen branches ['image_vgg16']" in caplog.text
    (raw_model, raw_history), (cached_model, cached_history) = runs[False], runs[True]
    for key, values in raw_history.history.items():
        np.testing.assert_allclose(cached_history.history[key], values, rtol=1e-4, atol=1e-5, err_msg=key)
    for modality in ("image", "audio"):
        np.testing.assert_allclose(retrieval.embed(cached_model, inputs, modality),
                                   retrieval.embed(raw_model, inputs, modality), rtol=1e-4, atol=1e-5)
    best = keras.saving.load_model(tmp_path / "best.keras", safe_mode=True)
    assert best.input["image"].shape == (None, 32, 32, 1), "the saved model takes raw images"
