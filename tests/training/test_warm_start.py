"""`mmzoo.training.warm_start`: a fusion's branches start from single-modality models trained before."""

import keras
import numpy as np
import pytest

import mmzoo
from mmzoo import branches, heads
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.experiments import av_mnist
from mmzoo.training import warm_start


def _branch(modality):
    return branches.dense(input_dim=6 if modality == "image" else 5, hidden_units=(8,), name=f"{modality}_dense")


def _single(modality):
    return mmzoo.build_model({modality: _branch(modality)}, head=heads.multiclass(3), name=f"{modality}_only")


def _fused(fusion="gated"):
    return mmzoo.build_model({modality: _branch(modality) for modality in ("image", "audio")}, fusion=fusion,
                             head=heads.multiclass(3))


def _data(count=64, seed=0):
    generator = np.random.default_rng(seed)
    labels = generator.integers(0, 3, size=count)
    inputs = {"image": generator.normal(size=(count, 6)).astype("float32") + labels[:, None],
              "audio": generator.normal(size=(count, 5)).astype("float32") - labels[:, None]}
    return inputs, labels


def _trained_singles():
    inputs, labels = _data()
    singles = []
    for modality in ("image", "audio"):
        model = _single(modality)
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit({modality: inputs[modality]}, labels, epochs=2, verbose=0)
        singles.append(model)
    return singles


@pytest.mark.parametrize("fusion", ["gated", "tensor", "late"])
def test_the_fused_branches_compute_the_single_models_features_and_the_rest_stays_fresh(fusion):
    singles = _trained_singles()
    model = _fused(fusion)
    fresh = {layer.name: [weight.copy() for weight in layer.get_weights()]
             for layer in model.layers if not isinstance(layer, keras.Model)}

    assert warm_start(model, singles) == ["audio_dense", "image_dense"]

    inputs, _ = _data(count=16, seed=1)
    for single, modality in zip(singles, ("image", "audio")):
        name = f"{modality}_dense"
        np.testing.assert_allclose(np.asarray(model.get_layer(name)(inputs[modality])),
                                   np.asarray(single.get_layer(name)(inputs[modality])), rtol=1e-6)
    for layer in model.layers:
        if layer.name in fresh:
            for before, after in zip(fresh[layer.name], layer.get_weights()):
                np.testing.assert_array_equal(before, after)


def test_one_trained_model_starts_only_its_own_branch():
    image_only, _ = _trained_singles()
    model = _fused()
    audio_before = [weight.copy() for weight in model.get_layer("audio_dense").get_weights()]

    assert warm_start(model, image_only) == ["image_dense"]

    trained = image_only.get_layer("image_dense").get_weights()
    for got, expected in zip(model.get_layer("image_dense").get_weights(), trained):
        np.testing.assert_array_equal(got, expected)
    for got, expected in zip(model.get_layer("audio_dense").get_weights(), audio_before):
        np.testing.assert_array_equal(got, expected)


def test_a_branch_of_other_shapes_copies_nothing():
    image_only = _single("image")
    other_audio = mmzoo.build_model({"audio": branches.dense(input_dim=7, hidden_units=(8,), name="audio_dense")},
                                    head=heads.multiclass(3))
    model = _fused()
    before = [weight.copy() for weight in model.get_layer("image_dense").get_weights()]

    with pytest.raises(ConfigurationError, match=r"audio_dense.*Received: audio_dense weight shapes=\[\(7, 8\)"):
        warm_start(model, [image_only, other_audio])

    for got, expected in zip(model.get_layer("image_dense").get_weights(), before):
        np.testing.assert_array_equal(got, expected)


def test_two_trained_models_with_the_same_branch_are_ambiguous():
    with pytest.raises(ConfigurationError, match="Two trained models hold a branch named 'image_dense'"):
        warm_start(_fused(), [_single("image"), _single("image")])


def test_the_model_must_be_a_keras_model():
    with pytest.raises(ArgumentTypeError, match="Received: model='fused'"):
        warm_start("fused", [_single("image")])


def test_the_experiment_refuses_a_warm_start_of_a_single_modality_model():
    data = av_mnist.subset(mmzoo.datasets.load("av_mnist", split="test", as_dataset=False), 20)
    image_only = av_mnist.Result("image only", 0.5, 0.5, 1, 1.0, _single("image"), {}, None)
    with pytest.raises(ConfigurationError, match=r"'audio only' is one of them. Received: warm_start=\['image only'\]"):
        av_mnist.train_and_evaluate("audio only", data, data, epochs=1, warm_start=[image_only])
    with pytest.raises(ArgumentTypeError, match="Received: warm_start="):
        av_mnist.train_and_evaluate("concat", data, data, epochs=1, warm_start=[image_only.model])


def test_the_experiments_tensor_fusion_multiplies_the_raw_branch_features(tmp_path):
    model = av_mnist.build("tensor", (32, 32))
    fusion = next(layer for layer in model.layers if isinstance(layer, mmzoo.fusion.TensorFusion))
    assert fusion.units is None and fusion.projections == []
    # (64 image features + 1) x (128 audio features + 1): nothing projected away before the product.
    assert fusion.output.shape[-1] == 65 * 129
    path = tmp_path / "tensor.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    inputs = {"image": np.random.default_rng(0).random((2, 28, 28, 1), dtype="float32"),
              "audio": np.random.default_rng(1).random((2, 32, 32), dtype="float32")}
    np.testing.assert_allclose(loaded.predict(inputs, verbose=0), model.predict(inputs, verbose=0), rtol=1e-5)
