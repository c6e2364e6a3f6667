"""Auxiliary per-modality heads: a training model sharing the fused model's layers."""

import numpy as np
import pytest

import keras
import mmzoo
from mmzoo import branches, heads
from mmzoo.assemble import branch_outputs
from mmzoo.datasets import synthetic
from mmzoo.training import with_auxiliary_heads


def _model(fusion="concat", modality_dropout=None, head=None):
    return mmzoo.build_model(
        branches={"image": branches.conv2d(input_shape=(16, 16, 1), filters=(8,), units=16),
                  "audio": branches.dense(input_dim=64, hidden_units=(16,))},
        fusion=fusion, head=head or heads.multiclass(2), modality_dropout=modality_dropout)


@pytest.mark.parametrize("fusion, modality_dropout", [("concat", None), ("late", None), ("gated", 0.3)])
def test_training_the_auxiliary_model_trains_the_fused_model(fusion, modality_dropout):
    inputs, labels = synthetic.generate(256, task="image+audio", modalities=("image", "audio"), image_size=16)
    model = _model(fusion, modality_dropout)
    trainer = with_auxiliary_heads(model, loss_weight=0.5)
    assert trainer.output_names == ["label", "audio_auxiliary", "image_auxiliary"] or \
        sorted(trainer.output_names) == ["audio_auxiliary", "image_auxiliary", "label"]
    mmzoo.training.compile(trainer, learning_rate=1e-2)
    before = model.predict(inputs, verbose=0)
    history = trainer.fit(inputs, {name: labels for name in trainer.output_names}, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["image_auxiliary_loss"][-1] < history.history["image_auxiliary_loss"][0]
    after = model.predict(inputs, verbose=0)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(trainer.predict(inputs, verbose=0)["label"], after, rtol=1e-5, atol=1e-6)
    assert model.output_names == ["label"]


def test_the_auxiliary_losses_weigh_what_was_asked():
    trainer = with_auxiliary_heads(_model(), loss_weight=0.25)
    weights = mmzoo.training.compiling.head_loss_weights(trainer)
    assert weights == {"label": 1.0, "image_auxiliary": 0.25, "audio_auxiliary": 0.25}


def test_branch_outputs_follow_each_modality_even_through_modality_dropout():
    model = _model(modality_dropout=0.5)
    inputs, _, features = branch_outputs(model)
    extractor = keras.Model(inputs, features)
    data, _ = synthetic.generate(8, task="image+audio", modalities=("image", "audio"), image_size=16)
    np.testing.assert_allclose(extractor.predict(data, verbose=0)["audio"],
                               model.get_layer("audio_dense").predict(data["audio"], verbose=0), rtol=1e-5)


@pytest.mark.parametrize("weight", [0, -1.0, "0.5", True, None])
def test_a_bad_weight_is_named(weight):
    with pytest.raises(mmzoo.MmzooError, match="weight"):
        with_auxiliary_heads(_model(), loss_weight=weight)


def test_a_regression_or_multitask_model_is_refused():
    with pytest.raises(mmzoo.ConfigurationError, match="classification head"):
        with_auxiliary_heads(_model(head=heads.regression()))
    multitask = heads.multitask({"a": heads.multiclass(2, name="a"), "b": heads.binary(name="b")})
    with pytest.raises(mmzoo.ConfigurationError, match="single-output"):
        with_auxiliary_heads(_model(head=multitask))
    with pytest.raises(mmzoo.ArgumentTypeError, match="model="):
        with_auxiliary_heads(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))


def test_fit_trains_with_auxiliary_heads_and_returns_the_plain_model(tmp_path):
    from training_models import build_small
    inputs, labels = synthetic.generate(160, task="image+audio", modalities=("image", "audio"), image_size=16)
    labels = labels % 4
    model, history = mmzoo.training.fit(build_small, (inputs, labels), validation=(inputs, labels), epochs=3,
                                        batch_size=32, seed=0, verbose=0, auxiliary_heads=0.5,
                                        learning_rate="cosine", checkpoint_dir=str(tmp_path / "run"))
    assert model.output_names == ["label"]
    assert {"label_accuracy", "image_auxiliary_loss", "audio_auxiliary_loss", "val_label_accuracy"} <= set(
        history.history)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)   # cosine decayed to zero
    best = keras.saving.load_model(tmp_path / "run" / "best.keras", safe_mode=True)
    assert best.output_names == ["label"]


@pytest.mark.parametrize("arguments, message", [
    ({"auxiliary_heads": 0}, "auxiliary_heads=0"),
    ({"auxiliary_heads": 0.5, "cache_frozen": True}, "cache_frozen=True"),
    ({"learning_rate": "linear"}, "learning_rate='linear'"),
])
def test_fit_names_bad_auxiliary_and_learning_rate_arguments(arguments, message):
    from training_models import build_small
    inputs, labels = synthetic.generate(16, task="image+audio", modalities=("image", "audio"), image_size=16)
    with pytest.raises(mmzoo.ConfigurationError, match=message):
        mmzoo.training.fit(build_small, (inputs, labels % 4), epochs=1, verbose=0, **arguments)
