"""Old argument and function names still work for one release, with a DeprecationWarning naming the new one."""

import inspect

import keras
import numpy as np
import pytest

import mmzoo
from mmzoo import branches, fusion, heads, plots, robustness, training, zoo
from mmzoo._deprecation import renamed_arguments
from mmzoo.export import export_report
from mmzoo.zoo import classifiers


def _warns(new_name):
    return pytest.warns(DeprecationWarning, match=f"use `{new_name}")


@pytest.mark.parametrize("build, old, new", [
    (lambda: heads.multilabel(num_labels=3), "num_labels", "num_classes"),
    (lambda: heads.regression(units=2), "units", "num_outputs"),
])
def test_old_head_arguments(build, old, new):
    with _warns(new):
        head = build()
    assert head.units == (3 if old == "num_labels" else 2)


def test_old_dense_branch_units():
    with _warns("hidden_units"):
        branch = branches.dense(input_dim=8, units=(6, 4))
    assert branch.output.shape == (None, 4)


def test_old_lstm_output():
    with _warns("pooling"):
        branch = branches.lstm(20, 5, embedding_dim=4, units=3, output="tokens")
    assert branch.output.shape == (None, 5, 3)


def test_old_attention_fusion_output_and_its_saved_config():
    with _warns("pooling"):
        layer = fusion.AttentionFusion(num_heads=1, key_dim=4, units=8, output="tokens")
    assert layer.get_config()["pooling"] == "tokens"
    old_config = {**layer.get_config(), "output": "tokens"}
    del old_config["pooling"]
    with _warns("pooling"):
        loaded = fusion.AttentionFusion.from_config(old_config)
    assert loaded.get_config() == layer.get_config()


def test_a_model_config_with_the_old_attention_key_loads():
    model = mmzoo.build_model(
        {"image": branches.dense(input_dim=4, hidden_units=(3,), name="image_dense"),
         "audio": branches.dense(input_dim=5, hidden_units=(3,))},
        fusion=fusion.AttentionFusion(num_heads=1, key_dim=2, units=4, pooling="vector", name="attention"),
        head=heads.multiclass(2),
    )
    config = keras.saving.serialize_keras_object(model)
    layers = config["config"]["layers"]
    attention = next(layer for layer in layers if layer["config"]["name"] == "attention")
    attention["config"]["output"] = attention["config"].pop("pooling")
    with _warns("pooling"):
        reloaded = keras.saving.deserialize_keras_object(config, safe_mode=True)
    assert reloaded.get_layer("attention").get_config()["pooling"] == "vector"
    inputs = {"image": np.ones((2, 4), "float32"), "audio": np.ones((2, 5), "float32")}
    reloaded.set_weights(model.get_weights())
    np.testing.assert_allclose(reloaded.predict(inputs, verbose=0), model.predict(inputs, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("name, old, new, value", [
    ("conv_lstm_classifier", "input_shape", "image_shape", (16, 16, 3)),
    ("conv_lstm_classifier", "lstm_units", "units", 7),
    ("trimodal_captioner", "max_length", "sequence_length", 9),
    ("conditional_gan", "units", "hidden_units", (8, 16)),
])
def test_old_zoo_arguments_through_build_and_example_data(name, old, new, value):
    builder = zoo.get(name).builder
    with _warns(new):
        direct = builder(**{old: value})
    with _warns(new):
        built = zoo.build(name, **{old: value})
    assert [layer.name for layer in built.layers] == [layer.name for layer in direct.layers]
    with _warns(new):
        old_data = zoo.example_data(name, num_samples=4, **{old: value})
    new_data = zoo.example_data(name, num_samples=4, **{new: value})
    for old_array, new_array in zip(keras.tree.flatten(old_data), keras.tree.flatten(new_data), strict=True):
        np.testing.assert_array_equal(old_array, new_array)


def test_old_classifier_arguments_reach_the_builder():
    with _warns("image_shape"):
        model = classifiers.vgg16_lstm_classifier(input_shape=(32, 32, 3), weights=None, vocab_size=20,
                                                  sequence_length=4, lstm_units=5)
    assert model.get_layer("image").output.shape == (None, 32, 32, 3)
    assert model.get_layer("text_lstm").output.shape == (None, 5)


def test_old_registry_functions():
    with _warns("available()"):
        assert zoo.list() == zoo.available()
    with _warns("available()"):
        assert zoo.list_models() == zoo.available()
    with _warns("get()"):
        assert zoo.get_entry("conv_lstm_classifier") is zoo.get("conv_lstm_classifier")
    with _warns("available_noises()"):
        assert robustness.noise_types() == robustness.available_noises()
    with _warns("available_noises()"):
        assert robustness.noise_types("image") == robustness.available_noises("image")


def test_old_with_auxiliary_heads_weight():
    model = mmzoo.build_model(
        {"image": branches.dense(input_dim=4, hidden_units=(3,), name="image_dense"),
         "audio": branches.dense(input_dim=5, hidden_units=(3,))},
        head=heads.multiclass(2),
    )
    with _warns("loss_weight"):
        trainer = training.with_auxiliary_heads(model, weight=0.25)
    assert training.compiling.head_loss_weights(trainer) == {
        "label": 1.0, "image_auxiliary": 0.25, "audio_auxiliary": 0.25,
    }


def test_old_export_report_test_data_reaches_data(tmp_path):
    model = mmzoo.build_model({"audio": branches.dense(input_dim=4, hidden_units=(3,))}, head=heads.multiclass(2))
    with _warns("data"), pytest.raises(mmzoo.ArgumentTypeError, match="`data` must be a tuple"):
        export_report(model, test_data=[np.zeros((2, 4))], directory=tmp_path)


def test_old_attention_map_head():
    model = mmzoo.build_model(
        {"image": branches.dense(input_dim=4, hidden_units=(3,), name="image_dense"),
         "audio": branches.dense(input_dim=5, hidden_units=(3,))},
        fusion=fusion.AttentionFusion(num_heads=2, key_dim=2, units=4), head=heads.multiclass(2),
    )
    inputs = {"image": np.ones((2, 4), "float32"), "audio": np.ones((2, 5), "float32")}
    with _warns("attention_head"):
        figure = plots.attention_map(model, inputs, head=1)
    assert figure.axes[0].get_title() == "attention, sample 0, head 1"


def test_an_argument_under_both_names_is_an_error():
    with pytest.raises(mmzoo.ArgumentTypeError, match="Received: num_labels=3, num_classes=4"):
        heads.multilabel(num_labels=3, num_classes=4)


def test_renamed_arguments_keeps_the_signature():
    @renamed_arguments(old="new")
    def function(new=1):
        return new

    assert list(inspect.signature(function).parameters) == ["new"]
    assert function.renamed_arguments == {"old": "new"}


def test_a_token_embedding_saved_with_max_length_still_loads():
    from mmzoo.layers import TokenAndPositionEmbedding

    with pytest.warns(DeprecationWarning, match="sequence_length"):
        layer = TokenAndPositionEmbedding.from_config({"vocab_size": 5, "max_length": 3, "embedding_dim": 2})
    assert layer.sequence_length == 3 and layer.get_config()["sequence_length"] == 3
