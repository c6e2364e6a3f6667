"""`ContrastiveLoss`: the symmetric InfoNCE of paired embeddings, learned temperature."""

import itertools
import json
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest
from harness import check_layer_config

from mmzoo.errors import ConfigurationError
from mmzoo.layers import ContrastiveLoss


def _unit(rows, dim, seed):
    values = np.random.default_rng(seed).normal(size=(rows, dim)).astype("float32")
    return values / np.linalg.norm(values, axis=1, keepdims=True)


def _infonce(a, b, scale):
    logits = scale * a @ b.T

    def cross_entropy(matrix):
        matrix = matrix - matrix.max(axis=1, keepdims=True)
        return np.mean(np.log(np.exp(matrix).sum(axis=1)) - np.diag(matrix))

    return (cross_entropy(logits) + cross_entropy(logits.T)) / 2


@pytest.mark.parametrize("modalities", [("audio", "image"), ("audio", "image", "text")])
def test_the_loss_is_the_mean_symmetric_infonce_over_modality_pairs(modalities):
    embeddings = {name: _unit(6, 4, seed) for seed, name in enumerate(modalities)}
    layer = ContrastiveLoss(temperature=0.5)
    outputs = layer(embeddings)
    for name in modalities:
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(outputs[name]), embeddings[name])
    expected = np.mean([_infonce(embeddings[a], embeddings[b], 2.0) for a, b in itertools.combinations(modalities, 2)])
    assert float(keras.ops.convert_to_numpy(layer.losses[0])) == pytest.approx(expected, rel=1e-5)


def test_matching_pairs_cost_less_than_shuffled_ones():
    same = _unit(8, 4, 0)
    aligned, shuffled = ContrastiveLoss(), ContrastiveLoss()
    aligned({"a": same, "b": same})
    shuffled({"a": same, "b": same[::-1].copy()})
    assert float(aligned.losses[0]) < float(shuffled.losses[0])


def test_config_and_scale():
    layer = ContrastiveLoss(temperature=0.1, max_scale=50.0, name="loss")
    check_layer_config(layer)
    layer({"a": _unit(3, 2, 0), "b": _unit(3, 2, 1)})
    assert float(layer.scale()) == pytest.approx(10.0, rel=1e-5)


def _siglip(a, b, scale, bias, positives):
    """SigLIP's loss written out: the mean over rows of the summed -log sigmoid of every pair's signed logit."""
    logits = scale * a @ b.T + bias
    signs = 2.0 * positives - 1.0
    return np.mean(np.sum(np.log1p(np.exp(-signs * logits)), axis=1))


def test_the_sigmoid_loss_is_siglips():
    a, b = _unit(6, 4, 0), _unit(6, 4, 1)
    layer = ContrastiveLoss(temperature=0.1, loss="sigmoid")
    layer({"a": a, "b": b})
    assert float(keras.ops.convert_to_numpy(layer.logit_bias)) == -10.0
    expected = (_siglip(a, b, 10.0, -10.0, np.eye(6)) + _siglip(b, a, 10.0, -10.0, np.eye(6))) / 2
    assert float(keras.ops.convert_to_numpy(layer.losses[0])) == pytest.approx(expected, rel=1e-5)


def test_the_sigmoid_loss_equals_keras_hubs_siglip_loss():
    # keras-hub's own SigLIPLoss, on the logits SigLIP's head computes with the same scale and bias.
    pytest.importorskip("keras_hub")
    from keras_hub.src.models.siglip.siglip_loss import SigLIPLoss

    a, b = _unit(5, 3, 2), _unit(5, 3, 3)
    layer = ContrastiveLoss(temperature=0.25, loss="sigmoid", bias=-2.0)
    layer({"image": a, "text": b})
    signs = 2.0 * np.eye(5, dtype="float32") - 1.0
    expected = float(SigLIPLoss()(signs, 4.0 * b @ a.T - 2.0))
    assert float(keras.ops.convert_to_numpy(layer.losses[0])) == pytest.approx(expected, rel=1e-5)


def test_with_labels_the_sigmoid_loss_takes_every_row_of_the_class_as_positive():
    a, b = _unit(4, 3, 0), _unit(4, 3, 1)
    labels = np.array([0, 1, 0, 1])
    layer = ContrastiveLoss(temperature=1.0, loss="sigmoid", bias=0.5)
    layer({"a": a, "b": b}, labels=labels)
    same = (labels[:, None] == labels[None, :]).astype("float32")
    expected = (_siglip(a, b, 1.0, 0.5, same) + _siglip(b, a, 1.0, 0.5, same)) / 2
    assert float(keras.ops.convert_to_numpy(layer.losses[0])) == pytest.approx(expected, rel=1e-5)


def test_the_sigmoid_loss_learns_its_bias_and_round_trips():
    layer = ContrastiveLoss(loss="sigmoid", bias=-5.0, num_classes=2, name="siglip")
    check_layer_config(layer)
    layer({"a": _unit(3, 2, 0), "b": _unit(3, 2, 1)})
    assert {weight.name for weight in layer.trainable_weights} == {"log_scale", "logit_bias", "prototypes"}
    assert ContrastiveLoss.from_config(layer.get_config()).bias == -5.0


@pytest.mark.parametrize("kwargs, message", [
    ({"loss": "hinge"}, "loss='hinge'"),
    ({"bias": -10.0}, "bias=-10.0"),
    ({"loss": "sigmoid", "bias": float("nan")}, "bias=nan"),
    ({"loss": "sigmoid", "bias": float("inf")}, "bias=inf"),
    ({"temperature": 0}, "temperature=0"),
    ({"temperature": 0.001}, "temperature=0.001"),
    ({"max_scale": -1.0}, "max_scale=-1.0"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        ContrastiveLoss(**kwargs)


def test_embeddings_of_different_sizes_are_refused():
    with pytest.raises(ConfigurationError, match="same size"):
        ContrastiveLoss()({"a": _unit(3, 2, 0), "b": _unit(3, 4, 1)})


def test_with_labels_every_row_of_the_class_is_a_positive():
    a, b = _unit(4, 3, 0), _unit(4, 3, 1)
    labels = np.array([0, 1, 0, 1])
    layer = ContrastiveLoss(temperature=1.0)
    layer({"a": a, "b": b}, labels=labels)
    logits = a @ b.T
    same = (labels[:, None] == labels[None, :]) / 2.0

    def soft_cross_entropy(matrix):
        log_softmax = matrix - np.log(np.exp(matrix).sum(axis=1, keepdims=True))
        return -np.mean((same * log_softmax).sum(axis=1))

    expected = (soft_cross_entropy(logits) + soft_cross_entropy(logits.T)) / 2
    assert float(keras.ops.convert_to_numpy(layer.losses[0])) == pytest.approx(expected, rel=1e-5)


def test_with_prototypes_the_cosine_classifier_loss_is_added():
    a, b = _unit(4, 3, 0), _unit(4, 3, 1)
    labels = np.array([0, 1, 0, 1])
    plain, with_prototypes = ContrastiveLoss(temperature=0.5), ContrastiveLoss(temperature=0.5, num_classes=2)
    plain({"a": a, "b": b}, labels=labels)
    with_prototypes({"a": a, "b": b}, labels=labels)
    prototypes = keras.ops.convert_to_numpy(with_prototypes.prototypes)
    prototypes = prototypes / np.linalg.norm(prototypes, axis=1, keepdims=True)

    def cross_entropy(embeddings):
        logits = 2.0 * embeddings @ prototypes.T
        log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return -np.mean(log_softmax[np.arange(4), labels])

    extra = (cross_entropy(a) + cross_entropy(b)) / 2
    assert float(with_prototypes.losses[0]) == pytest.approx(float(plain.losses[0]) + extra, rel=1e-5)
    check_layer_config(with_prototypes)


def test_under_a_mirrored_strategy_the_negatives_are_the_whole_batch(tmp_path):
    # Each replica compares its rows with the rows of every replica: training
    # on two replicas takes the same step as training on the whole batch.
    # tf.distribute is TensorFlow's: the child runs on it whatever the backend of the suite.
    output = tmp_path / "replicas.json"
    subprocess.run([sys.executable, str(pathlib.Path(__file__).with_name("replicas_child.py")), str(output)],
                   check=True, capture_output=True, timeout=300, env={**os.environ, "KERAS_BACKEND": "tensorflow"})
    results = json.loads(output.read_text())
    assert results["even"]["rows"] == [4, 4]
    assert np.mean(results["even"]["replicas"]) == pytest.approx(results["even"]["whole"], rel=1e-5)
    for uneven in ("uneven", "uneven_sigmoid"):
        assert results[uneven]["rows"] == [4, 3]
        weighted = np.average(results[uneven]["replicas"], weights=results[uneven]["rows"])
        assert weighted == pytest.approx(results[uneven]["whole"], rel=1e-5)
    for variant in ("pairs", "labels", "sigmoid_pairs", "sigmoid_labels"):
        assert results[variant]["step"] > 1e-2
        assert results[variant]["difference"] < 1e-5
