import numpy as np
import pytest

import mmzoo
from mmzoo import branches, fusion, heads
from harness import check_layer_config, check_model

BATCH = 8


def _inputs():
    rng = np.random.default_rng(0)
    ids = rng.integers(1, 30, size=(BATCH, 6)).astype("int32")
    ids[:, 4:] = 0
    return {
        "image": rng.random((BATCH, 16, 16, 1), dtype="float32"),
        "text": ids,
        "audio": rng.normal(size=(BATCH, 12)).astype("float32"),
    }


def _branches(tokens=False):
    return {
        "image": branches.conv2d(input_shape=(16, 16, 1), filters=(4,), pooling="tokens" if tokens else "avg"),
        "text": branches.lstm(30, 6, embedding_dim=8, units=8, pooling="tokens" if tokens else "vector"),
        "audio": branches.dense(12, hidden_units=(6,)),
    }


def _feature_shapes(tokens=False):
    return {name: tuple(branch.output.shape) for name, branch in _branches(tokens).items()}


EXPECTED_SIZES = {
    "concat": 4 + 8 + 6,
    "weighted": 64,
    "nonlinear": 64,
    "gated": 3 * 64 + 3,
    "gmu": 64,
    "attention": 64,
    "tensor": 17**3,
    "late": 3,
}


@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_every_fusion_by_name_builds_trains_and_reloads(name, tmp_path):
    model = mmzoo.build_model(_branches(), fusion=name, head=heads.multiclass(3))
    fused = model.get_layer(f"{name}_fusion").output
    assert fused.shape == (None, EXPECTED_SIZES[name])
    check_model(model, _inputs(), np.arange(BATCH) % 3, tmp_path)


@pytest.mark.parametrize("name", ["concat", "weighted", "nonlinear", "gated", "gmu", "attention", "tensor", "late"])
def test_every_fusion_takes_token_sequences(name, tmp_path):
    model = mmzoo.build_model(_branches(tokens=True), fusion=name, head=heads.multiclass(3))
    check_model(model, _inputs(), np.arange(BATCH) % 3, tmp_path)


@pytest.mark.parametrize(
    "layer",
    [
        fusion.ConcatFusion(),
        fusion.WeightedFusion(units=8, normalize=False),
        fusion.NonlinearFusion(units=8),
        fusion.DotGatedFusion(units=None, scaled=False),
        fusion.GatedMultimodalUnit(units=8),
        fusion.AttentionFusion(num_heads=1, key_dim=4, units=8, dropout=0.1, pooling="tokens"),
        fusion.TensorFusion(units=3, max_output_dim=100),
        fusion.LateFusion(num_outputs=4),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_fusion_config_round_trip(layer):
    rebuilt = check_layer_config(layer)
    assert type(rebuilt) is type(layer)


def test_fusion_accepts_a_list():
    layer = fusion.ConcatFusion()
    fused = layer([np.ones((2, 3), "float32"), np.zeros((2, 4), "float32")])
    assert fused.shape == (2, 7)
    assert layer.modalities == ["input_0", "input_1"]


def test_concat_pools_tokens_over_unmasked_steps():
    tokens = np.array([[[1.0], [3.0], [100.0]]], "float32")
    mask = np.array([[True, True, False]])
    fused = fusion.ConcatFusion()({"text": tokens}, mask={"text": mask})
    np.testing.assert_allclose(fused, [[2.0]])


def test_dot_gate_is_the_sigmoid_of_the_dot_product():
    layer = fusion.DotGatedFusion(units=None, scaled=False)
    image = np.array([[1.0, 2.0]], "float32")
    text = np.array([[0.5, -1.0]], "float32")
    fused = np.asarray(layer({"image": image, "text": text}))
    gate = 1 / (1 + np.exp(-(0.5 - 2.0)))
    np.testing.assert_allclose(fused, [[1.0, 2.0, 0.5, -1.0, gate]], rtol=1e-6)


def test_dot_gated_fusion_has_one_gate_per_pair_of_modalities():
    layer = fusion.DotGatedFusion(units=5)
    fused = layer({name: np.ones((2, 3), "float32") for name in ("a", "b", "c", "d")})
    assert fused.shape == (2, 4 * 5 + 6)


def test_tensor_fusion_is_the_outer_product_with_ones():
    layer = fusion.TensorFusion(units=None)
    audio = np.array([[2.0]], "float32")
    image = np.array([[3.0, 5.0]], "float32")
    fused = np.asarray(layer({"audio": audio, "image": image}))
    # [2, 1] (x) [3, 5, 1] in sorted modality order (audio, image)
    np.testing.assert_allclose(fused, [[6.0, 10.0, 2.0, 3.0, 5.0, 1.0]])
    assert layer.output_dim({"audio": (None, 1), "image": (None, 2)}) == 6


def test_weighted_fusion_weights_are_readable_after_training():
    model = mmzoo.build_model(_branches(), fusion="weighted", head=heads.multiclass(3))
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(_inputs(), np.arange(BATCH) % 3, epochs=3, verbose=0)
    weights = model.get_layer("weighted_fusion").modality_weights()
    assert list(weights) == ["audio", "image", "text"]
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-6)
    assert len(set(round(value, 6) for value in weights.values())) > 1


def test_late_fusion_combines_per_modality_decisions():
    layer = fusion.LateFusion(num_outputs=2)
    inputs = {"audio": np.ones((1, 3), "float32"), "image": np.ones((1, 4), "float32")}
    combined = np.asarray(layer(inputs))
    audio_scores = np.asarray(layer.classifiers[0](inputs["audio"]))
    image_scores = np.asarray(layer.classifiers[1](inputs["image"]))
    np.testing.assert_allclose(combined, 0.5 * audio_scores + 0.5 * image_scores, rtol=1e-5)
    assert layer.modality_weights() == {"audio": 0.5, "image": 0.5}


def test_late_fusion_model_applies_softmax_to_combined_scores(tmp_path):
    model = mmzoo.build_model(_branches(), fusion="late", head=heads.multiclass(3))
    probabilities = model.predict(_inputs(), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert model.get_layer("late_fusion").num_outputs == 3
    assert "label_logits" not in [layer.name for layer in model.layers]


def test_attention_scores_cover_every_token_and_skip_padding():
    model = mmzoo.build_model(_branches(tokens=True), fusion="attention", head=heads.multiclass(3))
    scores, token_names = fusion.attention_scores(model, _inputs())
    assert scores.shape == (BATCH, 2, 1 + 64 + 6, 1 + 64 + 6)
    assert token_names[:2] == ["audio", "image"] and token_names[-6:] == ["text"] * 6
    np.testing.assert_allclose(scores.sum(axis=-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(scores[..., -2:], 0.0, atol=1e-7)


def test_attention_scores_need_an_attention_fusion():
    model = mmzoo.build_model(_branches(), fusion="concat", head=heads.multiclass(3))
    with pytest.raises(ValueError, match="exactly one AttentionFusion"):
        fusion.attention_scores(model, _inputs())


def test_attention_dropout_follows_the_training_argument():
    layer = fusion.AttentionFusion(num_heads=2, key_dim=4, units=8, dropout=0.5)
    rng = np.random.default_rng(0)
    features = {"a": rng.normal(size=(4, 3, 5)).astype("float32"), "b": rng.normal(size=(4, 6)).astype("float32")}
    inference = [np.asarray(layer(features, training=False)) for _ in range(2)]
    np.testing.assert_array_equal(inference[0], inference[1])
    assert not np.allclose(np.asarray(layer(features, training=True)), inference[0])
    fused, scores = layer(features, training=False, return_attention_scores=True)
    np.testing.assert_array_equal(np.asarray(fused), inference[0])
    assert tuple(scores.shape) == (4, 2, 4, 4)
