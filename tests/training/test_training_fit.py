"""`mmzoo.training.fit` on one device: data forms, checkpoints, seeds, mixed precision, the distributed loop."""

import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from training_models import build_small

import mmzoo.training
from mmzoo import heads
from mmzoo.training import distributed_loop


def test_fit_trains_and_reports_history(audio_task):
    inputs, labels = audio_task
    model, history = mmzoo.training.fit(build_small, (inputs, labels), validation=(inputs, labels),
                                        epochs=4, batch_size=16, learning_rate=5e-3, seed=0, verbose=0)
    assert isinstance(history, keras.callbacks.History)
    assert history.epoch == [0, 1, 2, 3]
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(inputs, verbose=0).shape == (len(labels), 4)


def test_numpy_and_datasets_give_the_same_training(audio_task):
    inputs, labels = audio_task
    unbatched = tf.data.Dataset.from_tensor_slices((inputs, labels))
    runs = {
        "numpy": (inputs, labels),
        "single samples": unbatched,
        "batches": unbatched.batch(16),
    }
    losses = {}
    for name, data in runs.items():
        _, history = mmzoo.training.fit(build_small, data, epochs=2, batch_size=16, seed=3, shuffle=False,
                                        verbose=0)
        losses[name] = history.history["loss"]
    np.testing.assert_allclose(losses["single samples"], losses["numpy"], rtol=1e-6)
    np.testing.assert_allclose(losses["batches"], losses["numpy"], rtol=1e-6)


def test_the_same_seed_gives_the_same_weights(audio_task):
    inputs, labels = audio_task

    def train(seed):
        keras.utils.set_random_seed(seed + 100)
        model, _ = mmzoo.training.fit(build_small, (inputs, labels), epochs=2, batch_size=16, seed=seed,
                                      verbose=0)
        return model.get_weights()

    first, second, other = train(11), train(11), train(12)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, c) for a, c in zip(first, other))


def test_checkpoint_dir_keeps_the_best_model(audio_task, tmp_path):
    inputs, labels = audio_task
    train = (inputs, labels)
    validation = ({name: value[:64] for name, value in inputs.items()}, labels[:64])
    model, history = mmzoo.training.fit(build_small, train, validation=validation, epochs=4, batch_size=16,
                                        learning_rate=5e-3, checkpoint_dir=tmp_path, seed=1, verbose=0)
    val_losses = history.history["val_loss"]
    record = json.loads((tmp_path / "best.json").read_text())
    assert record == {"monitor": "val_loss", "best": pytest.approx(min(val_losses)),
                      "epoch": int(np.argmin(val_losses)) + 1}

    best = keras.saving.load_model(tmp_path / "best.keras", safe_mode=True)
    assert best.evaluate(*validation, verbose=0, return_dict=True)["loss"] == pytest.approx(min(val_losses),
                                                                                             rel=1e-5)
    assert not (tmp_path / "backup").exists(), "the backup is deleted once training has finished"
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".partial")]


def test_mixed_precision_computes_in_bfloat16_on_cpu_with_float32_outputs(audio_task):
    inputs, labels = audio_task
    model, history = mmzoo.training.fit(build_small, (inputs, labels), epochs=1, batch_size=32,
                                        mixed_precision=True, verbose=0)
    dense = model.get_layer("audio_dense").get_layer("audio_dense_dense1")
    assert dense.dtype_policy.name == "mixed_bfloat16"
    assert dense.kernel.dtype == "float32"
    assert model.output.dtype == "float32"
    assert model.predict(inputs, verbose=0).dtype == np.float32
    assert np.isfinite(history.history["loss"]).all()
    assert keras.config.dtype_policy().name == "float32", "the global policy is restored"


def test_early_stopping_patience_stops_a_run_that_does_not_improve(audio_task):
    inputs, labels = audio_task
    _, history = mmzoo.training.fit(build_small, (inputs, labels), validation=(inputs, labels), epochs=10,
                                    batch_size=32, optimizer="sgd", learning_rate=1e-12, early_stopping=1,
                                    verbose=0)
    assert len(history.epoch) == 2


def test_multitask_labels_are_a_dict(audio_task):
    inputs, labels = audio_task
    head = heads.multitask({"tone": heads.multiclass(4), "high": heads.binary()})
    targets = {"tone": labels, "high": (labels >= 2).astype("float32")}
    _, history = mmzoo.training.fit(lambda: build_small(head), (inputs, targets), epochs=1, batch_size=32,
                                    verbose=0)
    assert sorted(history.history) == ["high_accuracy", "high_auc", "high_loss", "loss", "tone_accuracy",
                                       "tone_loss"]


def test_a_model_built_beforehand_trains_on_the_default_strategy(audio_task):
    inputs, labels = audio_task
    built = build_small()
    model, history = mmzoo.training.fit(built, (inputs, labels), epochs=1, strategy="default", verbose=0)
    assert model is built
    assert len(history.epoch) == 1


def test_distributed_loop_logs_and_learns_like_keras_fit(audio_task):
    inputs, labels = audio_task
    head = heads.multitask({"tone": heads.multiclass(4), "high": heads.binary()})
    targets = {"tone": labels, "high": (labels >= 2).astype("float32")}
    data = tf.data.Dataset.from_tensor_slices((inputs, targets)).batch(32)
    strategy = tf.distribute.get_strategy()
    histories = []
    for use_loop in (False, True):
        keras.utils.set_random_seed(4)
        model = mmzoo.training.compile(build_small(head), learning_rate=5e-3)
        if use_loop:
            history = distributed_loop.train(model, strategy, data, data, epochs=3, verbose=0)
        else:
            history = model.fit(data, validation_data=data, epochs=3, verbose=0, shuffle=False)
        histories.append(history)
    expected, actual = histories
    assert sorted(actual.history) == sorted(expected.history)
    assert actual.epoch == expected.epoch
    for key, values in expected.history.items():
        np.testing.assert_allclose(actual.history[key], values, rtol=1e-4, atol=1e-5, err_msg=key)
