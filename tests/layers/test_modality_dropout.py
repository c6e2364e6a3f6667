"""`ModalityDropout`: through the shared harness, and its own behaviour."""

import numpy as np
import pytest
from harness import check_layer_config, run_layer_test

import mmzoo
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.layers import ModalityDropout


def features(batch=200):
    rng = np.random.default_rng(1)
    return {"a": rng.normal(size=(batch, 4)).astype("float32") + 5.0,
            "b": rng.normal(size=(batch, 3, 2)).astype("float32") + 5.0}


def replaced(outputs, inputs):
    """Per modality, which samples got the missing embedding (features changed)."""
    return {name: np.any(np.asarray(outputs[name]) != inputs[name], axis=tuple(range(1, inputs[name].ndim)))
            for name in inputs}


def test_config_round_trip_and_registration():
    layer = ModalityDropout(rate=0.25, seed=3, name="drop")
    rebuilt = check_layer_config(layer)
    assert (rebuilt.rate, rebuilt.seed) == (0.25, 3)


def test_drops_whole_modalities_at_training_time_only():
    layer = ModalityDropout(rate=0.4, seed=0)
    inputs = features()
    dropped = replaced(layer(inputs, training=True), inputs)
    for name in inputs:
        assert 0.2 < dropped[name].mean() < 0.6
    assert not np.any(dropped["a"] & dropped["b"]), "a sample must keep at least one modality"
    unchanged = layer(inputs, training=False)
    for name in inputs:
        np.testing.assert_array_equal(unchanged[name], inputs[name])


def test_mask_at_inference_replaces_missing_modalities_by_their_embedding():
    layer = ModalityDropout(rate=0.4)
    inputs = features(4)
    present = {"a": np.array([1, 0, 1, 0], np.float32), "b": np.array([1, 1, 0, 0], np.float32)}
    layer(inputs, present=present)  # builds the layer
    layer.missing_embeddings["a"].assign(np.arange(4, dtype=np.float32))
    outputs = {name: np.asarray(value) for name, value in layer(inputs, present=present).items()}
    np.testing.assert_array_equal(outputs["a"][[0, 2]], inputs["a"][[0, 2]])
    np.testing.assert_array_equal(outputs["a"][[1, 3]], np.tile(np.arange(4.0), (2, 1)))
    np.testing.assert_array_equal(outputs["b"][[0, 1]], inputs["b"][[0, 1]])
    np.testing.assert_array_equal(outputs["b"][[2, 3]], np.zeros((2, 3, 2)))


def test_modality_dropout_through_the_harness():
    inputs = features(4)
    present = {"a": np.array([1, 0, 1, 1], np.float32), "b": np.array([1, 1, 0, 1], np.float32)}
    outputs = run_layer_test(ModalityDropout, {"rate": 0.3, "seed": 1}, inputs, call_kwargs={"present": present},
                             expected_output_shape={"a": (4, 4), "b": (4, 3, 2)})
    np.testing.assert_array_equal(np.asarray(outputs["a"])[[0, 2, 3]], inputs["a"][[0, 2, 3]])


def test_bad_arguments():
    with pytest.raises(ConfigurationError, match="rate=1.0"):
        ModalityDropout(rate=1.0)
    with pytest.raises(ArgumentTypeError, match="rate='high'"):
        ModalityDropout(rate="high")
    with pytest.raises(ConfigurationError, match="seed=-2"):
        ModalityDropout(seed=-2)
    layer = ModalityDropout()
    with pytest.raises(ConfigurationError, match=r"present keys=\['a'\]"):
        layer(features(2), present={"a": np.ones(2, np.float32)})


def test_the_public_names_are_the_layer():
    assert mmzoo.ModalityDropout is mmzoo.robustness.ModalityDropout is ModalityDropout
    assert mmzoo.robustness.MissingModalities is mmzoo.layers.MissingModalities
