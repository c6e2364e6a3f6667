"""`mmzoo.training.compile` picks losses and metrics from the heads."""

import pathlib

import keras
import numpy as np
import pytest
from training_models import build_small

import mmzoo.training
from mmzoo import heads


@pytest.mark.parametrize(
    "head, loss_class, metric_names, targets",
    [
        (heads.multiclass(4), keras.losses.SparseCategoricalCrossentropy, ["accuracy"], lambda y: y),
        (heads.binary(), keras.losses.BinaryCrossentropy, ["accuracy", "auc"], lambda y: y % 2),
        (heads.multilabel(3), keras.losses.BinaryCrossentropy, ["accuracy", "auc"],
         lambda y: np.eye(3)[y % 3]),
        (heads.regression(2), keras.losses.MeanSquaredError, ["mae"], lambda y: np.stack([y, -y], axis=1)),
    ],
    ids=["multiclass", "binary", "multilabel", "regression"],
)
def test_loss_and_metrics_follow_the_head(head, loss_class, metric_names, targets, audio_task):
    inputs, labels = audio_task
    model = mmzoo.training.compile(build_small(head))
    assert isinstance(model.loss, loss_class)
    logs = model.evaluate(inputs, targets(labels), verbose=0, return_dict=True)
    assert sorted(logs) == sorted(["loss", *metric_names])


def test_multitask_gets_one_weighted_loss_per_output(audio_task):
    inputs, labels = audio_task
    head = heads.multitask({"tone": heads.multiclass(4), "high": heads.binary()},
                           loss_weights={"tone": 1.0, "high": 0.25})
    model = mmzoo.training.compile(build_small(head))
    assert isinstance(model.loss["tone"], keras.losses.SparseCategoricalCrossentropy)
    assert isinstance(model.loss["high"], keras.losses.BinaryCrossentropy)

    targets = {"tone": labels, "high": (labels >= 2).astype("float32")}
    logs = model.evaluate(inputs, targets, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "tone_loss", "high_loss", "tone_accuracy", "high_accuracy", "high_auc"}
    np.testing.assert_allclose(logs["loss"], logs["tone_loss"] + 0.25 * logs["high_loss"], rtol=1e-5)


def test_optimizer_and_learning_rate_can_be_chosen():
    model = mmzoo.training.compile(build_small(), optimizer="sgd", learning_rate=0.05)
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    np.testing.assert_allclose(float(model.optimizer.learning_rate), 0.05)

    rmsprop = keras.optimizers.RMSprop()
    model = mmzoo.training.compile(build_small(), optimizer=rmsprop, learning_rate=0.01)
    assert model.optimizer is rmsprop
    np.testing.assert_allclose(float(rmsprop.learning_rate), 0.01)


def test_compiled_model_trains(audio_task):
    inputs, labels = audio_task
    model = mmzoo.training.compile(build_small(), learning_rate=0.01)
    history = model.fit(inputs, labels, epochs=3, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize(
    "call, error, fragments",
    [
        (lambda: mmzoo.training.compile("model"), TypeError, ["model='model'", "Received"]),
        (lambda: mmzoo.training.compile(build_small(), optimizer="adamm"), ValueError,
         ["optimizer='adamm'", "Received"]),
        (lambda: mmzoo.training.compile(build_small(), optimizer=3), TypeError, ["optimizer=3", "Received"]),
        (lambda: mmzoo.training.compile(build_small(), learning_rate=0), ValueError,
         ["learning_rate=0", "Received"]),
        (lambda: mmzoo.training.compile(build_small(), learning_rate="fast"), TypeError,
         ["learning_rate='fast'", "Received"]),
    ],
    ids=["not a model", "unknown optimizer", "optimizer type", "zero learning rate", "learning rate type"],
)
def test_bad_compile_arguments(call, error, fragments):
    with pytest.raises(error) as raised:
        call()
    for fragment in fragments:
        assert fragment in str(raised.value)


def test_model_without_heads_is_refused():
    inputs = keras.Input((3,), name="audio")
    plain = keras.Model(inputs, keras.layers.Dense(2, name="scores")(inputs))
    with pytest.raises(ValueError, match=r"mmzoo head.*Received: .*\['scores'\]"):
        mmzoo.training.compile(plain)


def test_a_model_trained_on_a_schedule_exports_as_a_saved_model(tmp_path):
    from mmzoo import branches, export
    from mmzoo.training import recipe
    model = mmzoo.build_model({"audio": branches.dense(input_dim=8, hidden_units=(4,))}, head=heads.multiclass(2))
    mmzoo.training.compile(model, learning_rate=recipe.learning_rate(steps_per_epoch=2, epochs=1))
    inputs = {"audio": np.random.default_rng(0).random((8, 8)).astype("float32")}
    model.fit(inputs, np.arange(8) % 2, batch_size=4, epochs=1, verbose=0)
    path = export.export_saved_model(model, tmp_path / "saved")
    assert (pathlib.Path(path) / "saved_model.pb").is_file()
