"""Frozen-backbone caching trains the same network as training on raw inputs."""

import keras
import numpy as np
import pytest

import mmzoo
import mmzoo.training
from mmzoo import branches, heads
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
