"""Bad input raises a clear ValueError/TypeError before any graph is built.

During each call `keras.Input` and `keras.applications.VGG16` are replaced by
functions that fail the test, so an error raised only after graph
construction started would show up as a test failure.
"""

import keras
import pytest

import mmzoo
from mmzoo import branches, fusion, heads
from mmzoo.datasets import synthetic


def _two_input_model():
    first, second = keras.Input((3,)), keras.Input((3,))
    return keras.Model([first, second], keras.layers.Add()([first, second]), name="two_inputs")


def _two_output_model():
    inputs = keras.Input((3,))
    return keras.Model(inputs, [keras.layers.Dense(2)(inputs), keras.layers.Dense(2)(inputs)], name="two_outputs")


def _feature_map_model():
    inputs = keras.Input((8, 8, 1))
    return keras.Model(inputs, keras.layers.Conv2D(2, 3)(inputs), name="feature_map")


def _dense(size=8, name="audio_dense"):
    return branches.dense(size, hidden_units=(size,), name=name)


@pytest.fixture()
def prebuilt():
    """Branches built before graph construction is forbidden."""
    return {
        "audio": _dense(),
        "text": _dense(12, name="text_dense"),
        "named_audio": _dense(name="audio"),
        "two_inputs": _two_input_model(),
        "two_outputs": _two_output_model(),
        "feature_map": _feature_map_model(),
        "unbuilt": keras.Sequential([keras.layers.Dense(2)], name="unbuilt"),
        "huge_a": _dense(200, name="huge_a"),
        "huge_b": _dense(200, name="huge_b"),
        "huge_c": _dense(200, name="huge_c"),
    }


CASES = [
    # (id, call(prebuilt), exception type, fragments the message must contain)
    ("unknown fusion name", lambda b: mmzoo.build_model({"audio": b["audio"]}, fusion="sum", head=heads.binary()),
     ValueError, ["fusion='sum'", "concat", "Received"]),
    ("fusion of wrong type", lambda b: mmzoo.build_model({"audio": b["audio"]}, fusion=3, head=heads.binary()),
     TypeError, ["fusion=3", "Received"]),
    ("branches not a dict", lambda b: mmzoo.build_model([b["audio"]], head=heads.binary()),
     TypeError, ["branches", "list", "Received"]),
    ("empty branches", lambda b: mmzoo.build_model({}, head=heads.binary()),
     ValueError, ["branches={}", "Received"]),
    ("branch not a model", lambda b: mmzoo.build_model({"audio": keras.layers.Dense(3)}, head=heads.binary()),
     TypeError, ["audio=", "Dense", "Received"]),
    ("branch with several inputs", lambda b: mmzoo.build_model({"audio": b["two_inputs"]}, head=heads.binary()),
     ValueError, ["audio='two_inputs'", "2 inputs", "Received"]),
    ("branch with several outputs", lambda b: mmzoo.build_model({"audio": b["two_outputs"]}, head=heads.binary()),
     ValueError, ["audio='two_outputs'", "2 outputs", "Received"]),
    ("branch without input", lambda b: mmzoo.build_model({"audio": b["unbuilt"]}, head=heads.binary()),
     ValueError, ["no defined input", "audio='unbuilt'", "Received"]),
    ("modality name not an identifier", lambda b: mmzoo.build_model({"my audio": b["audio"]}, head=heads.binary()),
     ValueError, ["modality='my audio'", "Received"]),
    ("head missing", lambda b: mmzoo.build_model({"audio": b["audio"]}),
     TypeError, ["head=None", "Received"]),
    ("names clash", lambda b: mmzoo.build_model({"audio": b["audio"], "text": b["named_audio"]},
                                               head=heads.binary()),
     ValueError, ["'audio'", "more than once", "Received"]),
    ("feature map into concat", lambda b: mmzoo.build_model({"image": b["feature_map"]}, head=heads.binary()),
     ValueError, ["'image'", "(None, 6, 6, 2)", "Received"]),
    ("gated fusion on unequal sizes", lambda b: mmzoo.build_model(
        {"audio": b["audio"], "text": b["text"]}, fusion=fusion.DotGatedFusion(units=None), head=heads.binary()),
     ValueError, ["units", "'audio': 8", "'text': 12", "Received"]),
    ("gated fusion on one modality", lambda b: mmzoo.build_model({"audio": b["audio"]}, fusion="gated",
                                                                 head=heads.binary()),
     ValueError, ["at least 2 modalities", "modalities=['audio']", "Received"]),
    ("tensor fusion too large", lambda b: mmzoo.build_model(
        {"a": b["huge_a"], "b": b["huge_b"], "c": b["huge_c"]}, fusion=fusion.TensorFusion(units=None),
        head=heads.binary()),
     ValueError, ["8120601", "max_output_dim=65536", "units=None", "Received"]),
    ("late fusion with regression head", lambda b: mmzoo.build_model({"audio": b["audio"]}, fusion="late",
                                                                     head=heads.regression()),
     ValueError, ["late", "task='regression'", "Received"]),
    ("late fusion with multitask head", lambda b: mmzoo.build_model(
        {"audio": b["audio"]}, fusion="late",
        head=heads.multitask({"x": heads.multiclass(2), "y": heads.multiclass(3)})),
     ValueError, ["multitask", "outputs=['x', 'y']", "Received"]),
    ("late fusion size mismatch", lambda b: mmzoo.build_model({"audio": b["audio"]}, fusion=fusion.LateFusion(4),
                                                              head=heads.multiclass(3)),
     ValueError, ["num_outputs=4", "Received"]),
    ("vgg16 input below 32x32", lambda b: branches.vgg16(input_shape=(31, 64, 3)),
     ValueError, ["32x32", "input_shape=(31, 64, 3)", "Received"]),
    ("vgg16 weights not a file", lambda b: branches.vgg16(input_shape=(32, 32, 3), weights="no/such/file.h5"),
     ValueError, ["weights='no/such/file.h5'", "Received"]),
    ("vgg16 weights wrong type", lambda b: branches.vgg16(input_shape=(32, 32, 3), weights=3),
     TypeError, ["weights=3", "Received"]),
    ("vgg16 imagenet on grayscale", lambda b: branches.vgg16(input_shape=(32, 32, 1), weights="imagenet"),
     ValueError, ["3-channel", "input_shape=(32, 32, 1)", "Received"]),
    ("vgg16 unknown pooling", lambda b: branches.vgg16(input_shape=(32, 32, 3), pooling="mean"),
     ValueError, ["pooling='mean'", "Received"]),
    ("vgg16 trainable not a bool", lambda b: branches.vgg16(input_shape=(32, 32, 3), trainable="yes"),
     TypeError, ["trainable='yes'", "Received"]),
    ("multiclass with one class", lambda b: heads.multiclass(1),
     ValueError, ["num_classes=1", "binary", "Received"]),
    ("multiclass with a string", lambda b: heads.multiclass("10"),
     TypeError, ["num_classes='10'", "Received"]),
    ("conv2d input too small", lambda b: branches.conv2d(input_shape=(8, 8, 1), filters=(8, 8, 8, 8)),
     ValueError, ["input_shape=(8, 8, 1)", "Received"]),
    ("conv2d 2-D input", lambda b: branches.conv2d(input_shape=(64, 64)),
     ValueError, ["input_shape=(64, 64)", "Received"]),
    ("conv2d tokens with units", lambda b: branches.conv2d(pooling="tokens", units=8),
     ValueError, ["units=8", "pooling='tokens'", "Received"]),
    ("conv2d negative filters", lambda b: branches.conv2d(filters=(32, -1)),
     ValueError, ["filters=(32, -1)", "Received"]),
    ("lstm zero vocabulary", lambda b: branches.lstm(0),
     ValueError, ["vocab_size=0", "Received"]),
    ("lstm unknown pooling", lambda b: branches.lstm(10, pooling="all"),
     ValueError, ["pooling='all'", "Received"]),
    ("embedding unknown pooling", lambda b: branches.embedding(10, pooling="sum"),
     ValueError, ["pooling='sum'", "Received"]),
    ("dense no layers", lambda b: branches.dense(hidden_units=()),
     ValueError, ["hidden_units=()", "Received"]),
    ("dense dropout out of range", lambda b: branches.dense(dropout=1.5),
     ValueError, ["dropout=1.5", "Received"]),
    ("audio conv2d 1-D input", lambda b: branches.audio_conv2d(input_shape=(128,)),
     ValueError, ["input_shape=(128,)", "Received"]),
    ("attention zero heads", lambda b: fusion.AttentionFusion(num_heads=0),
     ValueError, ["num_heads=0", "Received"]),
    ("multitask unknown loss weight", lambda b: heads.multitask(
        {"x": heads.binary(), "y": heads.binary()}, loss_weights={"z": 2.0}),
     ValueError, ["['z']", "Received"]),
    ("multitask of one task", lambda b: heads.multitask({"x": heads.binary()}),
     ValueError, ["tasks=['x']", "Received"]),
    ("head name not an identifier", lambda b: heads.binary(name="is spam"),
     ValueError, ["name='is spam'", "Received"]),
    ("synthetic unknown task", lambda b: synthetic.generate(10, task="smell"),
     ValueError, ["task='smell'", "Received"]),
    ("synthetic noise out of range", lambda b: synthetic.generate(10, noise=2),
     ValueError, ["noise=2", "Received"]),
]


@pytest.mark.parametrize("call, error_type, fragments", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_bad_input_is_a_clear_error_before_any_graph(call, error_type, fragments, prebuilt, monkeypatch):
    def graph_started(*args, **kwargs):
        raise AssertionError("graph construction started before the argument was checked")

    monkeypatch.setattr(keras, "Input", graph_started)
    monkeypatch.setattr(keras.applications, "VGG16", graph_started)
    with pytest.raises(error_type) as raised:
        call(prebuilt)
    assert isinstance(raised.value, mmzoo.MmzooError)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_there_are_at_least_twenty_cases():
    assert len(CASES) >= 20


def test_errors_are_catchable_as_builtin_types():
    with pytest.raises(ValueError):
        heads.multiclass(1)
    assert issubclass(mmzoo.ConfigurationError, ValueError)
    assert issubclass(mmzoo.ArgumentTypeError, TypeError)
