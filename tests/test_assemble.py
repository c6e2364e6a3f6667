import numpy as np

import keras
import mmzoo
from mmzoo import branches, heads
from mmzoo.datasets import synthetic
from harness import check_model


def test_three_modalities_with_dict_inputs(tmp_path):
    inputs, labels = synthetic.generate(16, task="image+text+audio", image_size=16, seed=3)
    model = mmzoo.build_model(
        branches={
            "image": branches.conv2d(input_shape=(16, 16, 1), filters=(4,)),
            "text": branches.lstm(len(synthetic.VOCABULARY), 8, embedding_dim=8, units=8),
            "audio": branches.dense(64, hidden_units=(8,)),
        },
        fusion="gmu",
        head=heads.multiclass(2),
    )
    assert sorted(model.input_names if hasattr(model, "input_names") else
                  [tensor.name for tensor in model.inputs]) == ["audio", "image", "text"]
    assert model.inputs[0].dtype in ("float32", "int32")
    check_model(model, inputs, labels, tmp_path)


def test_model_refuses_a_modality_in_the_wrong_slot():
    model = mmzoo.build_model(
        {"image": branches.conv2d(input_shape=(16, 16, 1), filters=(4,)), "audio": branches.dense(64)},
        head=heads.multiclass(2),
    )
    try:
        model.predict({"image": np.zeros((2, 64), "float32"), "audio": np.zeros((2, 16, 16, 1), "float32")},
                      verbose=0)
    except ValueError as error:
        assert "image" in str(error) or "shape" in str(error)
    else:
        raise AssertionError("swapped modalities were accepted")


def test_user_model_is_a_branch(tmp_path):
    inputs = keras.Input((5,))
    user_branch = keras.Model(inputs, keras.layers.Dense(3, name="mine")(inputs), name="my_sensor")
    sequential = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)], name="my_sequential")
    model = mmzoo.build_model({"sensor": user_branch, "other": sequential}, head=heads.binary())
    rng = np.random.default_rng(0)
    data = {"sensor": rng.normal(size=(8, 5)).astype("float32"), "other": rng.normal(size=(8, 4)).astype("float32")}
    check_model(model, data, np.arange(8) % 2, tmp_path)


def test_one_modality_works_with_every_fusion_that_allows_it():
    for fusion_name in ("concat", "weighted", "nonlinear", "attention", "tensor", "late"):
        model = mmzoo.build_model({"audio": branches.dense(8, hidden_units=(4,))}, fusion=fusion_name,
                                  head=heads.multiclass(2))
        assert model.predict({"audio": np.ones((2, 8), "float32")}, verbose=0).shape == (2, 2)


def test_fusion_layer_name_and_instance():
    layer = mmzoo.fusion.TensorFusion(units=4, name="my_tensor")
    model = mmzoo.build_model({"a": branches.dense(8, name="a_dense"), "b": branches.dense(8, name="b_dense")},
                              fusion=layer, head=heads.binary())
    assert model.get_layer("my_tensor") is layer
    assert layer.output.shape == (None, 25)


def test_the_head_only_checks_a_late_fusion_and_build_model_sizes_it():
    late = mmzoo.fusion.LateFusion()
    heads.multiclass(3).check_fusion(late)
    assert late.num_outputs is None
    image = branches.conv2d(input_shape=(8, 8, 1), filters=(4,), units=8)
    mmzoo.build_model({"image": image, "audio": branches.dense(input_dim=6, units=(8,))}, fusion=late,
                      head=heads.multiclass(3))
    assert late.num_outputs == 3
