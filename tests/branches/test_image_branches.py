import keras
import numpy as np
import pytest

import mmzoo
from mmzoo import branches, heads
from harness import check_model
from mmzoo.errors import ArgumentTypeError, ConfigurationError


def _images(count, size, channels):
    return np.random.default_rng(0).random((count, size, size, channels), dtype="float32")


@pytest.mark.parametrize(
    "pooling, expected_shape",
    [("flatten", (None, 512)), ("avg", (None, 512)), ("max", (None, 512)), ("tokens", (None, 1, 512))],
)
def test_vgg16_output_shapes(pooling, expected_shape):
    branch = branches.vgg16(input_shape=(32, 32, 3), pooling=pooling)
    assert branch.output.shape == expected_shape


def test_vgg16_tokens_follow_the_feature_map():
    branch = branches.vgg16(input_shape=(64, 96, 3), pooling="tokens")
    assert branch.output.shape == (None, 2 * 3, 512)


def test_vgg16_is_frozen_by_default_and_trainable_on_request():
    frozen = branches.vgg16(input_shape=(32, 32, 3))
    assert frozen.trainable_weights == []
    trainable = branches.vgg16(input_shape=(32, 32, 3), trainable=True, name="vgg_trainable")
    assert len(trainable.trainable_weights) == 26


def test_vgg16_loads_a_local_weights_file(tmp_path):
    source = branches.vgg16(input_shape=(32, 32, 3), pooling="avg")
    backbone = source.get_layer("vgg16")
    path = tmp_path / "vgg16_notop.weights.h5"
    backbone.save_weights(path)
    restored = branches.vgg16(input_shape=(32, 32, 3), pooling="avg", weights=str(path), name="restored")
    images = _images(2, 32, 3)
    np.testing.assert_allclose(restored.predict(images, verbose=0), source.predict(images, verbose=0), rtol=1e-6)


def test_vgg16_model_trains_saves_and_reloads(tmp_path):
    model = mmzoo.build_model({"image": branches.vgg16(input_shape=(32, 32, 3), pooling="max")},
                              head=heads.multiclass(3))
    loaded = check_model(model, {"image": _images(8, 32, 3)}, np.arange(8) % 3, tmp_path)
    assert loaded.get_layer("image_vgg16").get_layer("vgg16").trainable is False


def test_conv2d_tutorial_setting_shape():
    branch = branches.conv2d(input_shape=(64, 64, 3), filters=(32,), padding="valid")
    assert branch.output.shape == (None, 31 * 31 * 32)
    assert [layer.name for layer in branch.layers[1:]] == [
        "image_conv2d_block1_conv", "image_conv2d_block1_pool", "image_conv2d_flatten"]


@pytest.mark.parametrize(
    "kwargs, expected_shape",
    [
        ({"pooling": "avg"}, (None, 16)),
        ({"pooling": "tokens"}, (None, 16, 16)),
        ({"units": 10}, (None, 10)),
        ({"batch_norm": True, "dropout": 0.2, "pooling": "max"}, (None, 16)),
    ],
)
def test_conv2d_options(kwargs, expected_shape, tmp_path):
    branch = branches.conv2d(input_shape=(16, 16, 1), filters=(8, 16), **kwargs)
    assert branch.output.shape == expected_shape
    model = mmzoo.build_model({"image": branch}, head=heads.multiclass(2))
    check_model(model, {"image": _images(8, 16, 1)}, np.arange(8) % 2, tmp_path)


def test_application_loads_a_local_weights_file_and_preprocesses_inside(tmp_path):
    source = branches.application("MobileNet", input_shape=(32, 32, 3), weights=None)
    path = tmp_path / "mobilenet_notop.weights.h5"
    source.get_layer("mobilenet_1.00_32").save_weights(path)
    restored = branches.application("MobileNet", input_shape=(32, 32, 3), weights=str(path), branch_name="restored")
    images = _images(2, 32, 3) * 255.0
    np.testing.assert_allclose(restored.predict(images, verbose=0), source.predict(images, verbose=0), rtol=1e-5)
    preprocess = source.get_layer("image_mobilenet_preprocess")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(preprocess(images)),
                               keras.applications.mobilenet.preprocess_input(images.copy()), rtol=1e-6)
    assert source.trainable_weights == []


@pytest.mark.slow
def test_application_model_trains_saves_and_reloads(tmp_path):
    model = mmzoo.build_model({"image": branches.application("MobileNetV3Small", input_shape=(32, 32, 3),
                                                             weights=None, pooling="tokens")},
                              fusion="attention", head=heads.multiclass(3))
    loaded = check_model(model, {"image": _images(8, 32, 3) * 255.0}, np.arange(8) % 3, tmp_path)
    assert loaded.get_layer("image_mobilenetv3small").trainable_weights == []


@pytest.mark.parametrize("kwargs, error, received", [
    ({"name": "ResNet5"}, ConfigurationError, "name='ResNet5'"),
    ({"name": "InceptionV3"}, ConfigurationError, r"input_shape=\(32, 32, 3\)"),
    ({"weights": "missing.weights.h5"}, ConfigurationError, "weights='missing.weights.h5'"),
    ({"weights": 3}, ArgumentTypeError, "weights=3"),
    ({"input_shape": (32, 32, 1), "weights": "imagenet"}, ConfigurationError, r"input_shape=\(32, 32, 1\)"),
    ({"preprocess": "yes"}, ArgumentTypeError, "preprocess='yes'"),
    ({"pooling": "mean"}, ConfigurationError, "pooling='mean'"),
])
def test_application_refuses_bad_arguments(kwargs, error, received):
    arguments = {"name": "MobileNet", "input_shape": (32, 32, 3), "weights": None, **kwargs}
    with pytest.raises(error, match=f"Received: {received}"):
        branches.application(**arguments)
