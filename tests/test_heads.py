import numpy as np
import pytest

import keras
import mmzoo
from mmzoo import branches, heads
from mmzoo.heads import Prediction, prediction_layers
from harness import check_layer_config, check_model

BATCH = 8


def _features():
    return np.random.default_rng(0).normal(size=(BATCH, 12)).astype("float32")


def _model(head, fusion="concat"):
    return mmzoo.build_model({"audio": branches.dense(12, hidden_units=(8,))}, fusion=fusion, head=head)


@pytest.mark.parametrize(
    "head, labels, shape, check",
    [
        (heads.multiclass(4), np.arange(BATCH) % 4, (None, 4), lambda p: np.allclose(p.sum(1), 1, atol=1e-5)),
        (heads.binary(), np.arange(BATCH) % 2, (None, 1), lambda p: ((p > 0) & (p < 1)).all()),
        (heads.multilabel(3), (np.arange(BATCH * 3).reshape(BATCH, 3) % 2).astype("float32"), (None, 3),
         lambda p: ((p > 0) & (p < 1)).all() and not np.allclose(p.sum(1), 1)),
        (heads.regression(2, hidden_units=(8,), dropout=0.1), np.ones((BATCH, 2), "float32"), (None, 2),
         None),
    ],
    ids=["multiclass", "binary", "multilabel", "regression"],
)
def test_single_output_heads(head, labels, shape, check, tmp_path):
    model = _model(head)
    assert model.output_shape == shape
    loaded = check_model(model, {"audio": _features()}, labels, tmp_path)
    predictions = loaded.predict({"audio": _features()}, verbose=0)
    if check is None:
        logits = keras.Model(loaded.inputs, loaded.get_layer(f"{head.name}_logits").output)
        np.testing.assert_allclose(predictions, logits.predict({"audio": _features()}, verbose=0), rtol=1e-6)
    else:
        assert check(predictions)


def test_multitask_head_has_named_outputs_and_loss_weights(tmp_path):
    head = heads.multitask({"digit": heads.multiclass(10), "speaker": heads.multiclass(3, hidden_units=(8,))},
                           loss_weights={"speaker": 0.5})
    model = _model(head)
    assert model.output_names == ["digit", "speaker"]
    labels = {"digit": np.arange(BATCH) % 10, "speaker": np.arange(BATCH) % 3}
    loaded = check_model(model, {"audio": _features()}, labels, tmp_path)
    weights = {name: layer.loss_weight for name, layer in prediction_layers(loaded).items()}
    assert weights == {"digit": 1.0, "speaker": 0.5}
    assert {name: layer.task for name, layer in prediction_layers(loaded).items()} == {
        "digit": "multiclass", "speaker": "multiclass"}


def test_prediction_layer_outputs_float32_under_mixed_precision():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = _model(heads.multiclass(3, hidden_units=(8,)))
        assert model.get_layer("label_logits").compute_dtype == "bfloat16"
        assert model.output.dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_prediction_layer_config_round_trip():
    rebuilt = check_layer_config(Prediction("binary", loss_weight=2.0, name="spam"))
    assert rebuilt.task == "binary" and rebuilt.loss_weight == 2.0


def test_head_output_is_named_after_the_head():
    model = _model(heads.binary(name="is_spam"))
    assert model.output_names == ["is_spam"]
