"""`mmzoo.product_of_experts`: classifiers trained apart, fused by the product of their probabilities."""

import numpy as np
import pytest
from harness import check_layer_config, run_layer_test

import keras
import mmzoo
from mmzoo import branches, heads
from mmzoo.datasets import synthetic
from mmzoo.layers import ProductOfExperts


def _classifier(modality, classes=4):
    branch = (branches.conv2d(input_shape=(16, 16, 1), filters=(4,), units=8) if modality == "image"
              else branches.dense(input_dim=64, hidden_units=(8,)))
    return mmzoo.build_model({modality: branch}, head=heads.multiclass(classes), name=f"{modality}_only")


def test_the_fused_probabilities_are_the_normalised_product(tmp_path):
    inputs, labels = synthetic.generate(64, task="image+audio", modalities=("image", "audio"), image_size=16)
    models = {modality: _classifier(modality) for modality in ("image", "audio")}
    fused = mmzoo.product_of_experts(models)
    assert sorted(fused.input) == ["audio", "image"] and fused.output_names == ["label"]
    image = models["image"].predict({"image": inputs["image"]}, verbose=0)
    audio = models["audio"].predict({"audio": inputs["audio"]}, verbose=0)
    expected = image * audio / np.sum(image * audio, axis=-1, keepdims=True)
    predicted = fused.predict(inputs, verbose=0)
    np.testing.assert_allclose(predicted, expected, rtol=1e-4, atol=1e-6)
    report = mmzoo.evaluation.evaluate(fused, (inputs, labels % 4))
    assert 0 <= report["label"].accuracy <= 1
    fused.save(tmp_path / "fused.keras")
    reloaded = keras.saving.load_model(tmp_path / "fused.keras", safe_mode=True)
    np.testing.assert_allclose(reloaded.predict(inputs, verbose=0), predicted, rtol=1e-5, atol=1e-6)


def test_a_certain_no_from_one_expert_is_not_minus_infinity():
    logits = ProductOfExperts()([np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]])])
    assert np.all(np.isfinite(keras.ops.convert_to_numpy(logits)))
    check_layer_config(ProductOfExperts(name="experts"))


@pytest.mark.parametrize("models, error, message", [
    ([1, 2], mmzoo.ArgumentTypeError, "models="),
    ({"image": None}, mmzoo.ConfigurationError, "at least two"),
    ({"image": "model", "audio": "model"}, mmzoo.ArgumentTypeError, "models\\['image'\\]='model'"),
])
def test_bad_models_are_named(models, error, message):
    with pytest.raises(error, match=message):
        mmzoo.product_of_experts(models)


def test_models_must_match_their_modality_and_classes():
    with pytest.raises(mmzoo.ConfigurationError, match="models\\['audio'\\]"):
        mmzoo.product_of_experts({"image": _classifier("image"), "audio": _classifier("image")})
    with pytest.raises(mmzoo.ConfigurationError, match="same classes"):
        mmzoo.product_of_experts({"image": _classifier("image", 4), "audio": _classifier("audio", 3)})
    regression = mmzoo.build_model({"audio": branches.dense(input_dim=64)}, head=heads.regression())
    with pytest.raises(mmzoo.ConfigurationError, match="multiclass head"):
        mmzoo.product_of_experts({"image": _classifier("image"), "audio": regression})


def test_product_of_experts_through_the_harness():
    probabilities = [np.array([[0.2, 0.8], [0.5, 0.5]], "float32"), np.array([[0.9, 0.1], [0.3, 0.7]], "float32")]
    # The log-probabilities are summed in float32 by design (no float16 underflow to -inf).
    run_layer_test(ProductOfExperts, {}, probabilities, expected_output_shape=(2, 2), run_precision_checks=False)
