"""Bad arguments to `mmzoo.training.fit` are clear errors raised before training starts.

Argument errors are raised before the model is built (the build function
is never called); errors about the data, which need the model's inputs and
heads, are raised after building and before training (`keras.Model.fit` is
replaced by a function that fails the test).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from training_models import build_small

import mmzoo.training
from mmzoo import heads


@pytest.fixture()
def no_training(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("training started before the bad argument was reported")
    monkeypatch.setattr(keras.Model, "fit", fail)


def _subset(inputs, names):
    return {name: inputs[name] for name in names}


def _multitask():
    return build_small(heads.multitask({"tone": heads.multiclass(4), "high": heads.binary()}))


# (id, fit arguments from (inputs, labels), error type, fragments of the message, whether the model gets built)
CASES = [
    ("unknown strategy", lambda x, y: dict(strategy="mirror"), ValueError,
     ["'auto'", "Received: strategy='mirror'"], False),
    ("strategy of wrong type", lambda x, y: dict(strategy=2), TypeError, ["Received: strategy=2"], False),
    ("zero epochs", lambda x, y: dict(epochs=0), ValueError, ["Received: epochs=0"], False),
    ("negative epochs", lambda x, y: dict(epochs=-3), ValueError, ["Received: epochs=-3"], False),
    ("fractional epochs", lambda x, y: dict(epochs=2.5), TypeError, ["Received: epochs=2.5"], False),
    ("zero batch size", lambda x, y: dict(batch_size=0), ValueError, ["Received: batch_size=0"], False),
    ("negative batch size", lambda x, y: dict(batch_size=-8), ValueError, ["Received: batch_size=-8"], False),
    # Inputs alone are the data of a model without heads: the model is built to tell.
    ("train without labels", lambda x, y: dict(train=x), TypeError,
     ["`train`", "(inputs, labels)", "Received: train of type dict"], True),
    ("train not data", lambda x, y: dict(train=[x]), TypeError, ["`train`", "Received: train of type list"], True),
    ("train a number", lambda x, y: dict(train=3), TypeError, ["`train`", "Received: train of type int"], False),
    ("negative seed", lambda x, y: dict(seed=-1), ValueError, ["Received: seed=-1"], False),
    ("mixed precision not a bool", lambda x, y: dict(mixed_precision="yes"), TypeError,
     ["Received: mixed_precision='yes'"], False),
    ("cache_frozen not a bool", lambda x, y: dict(cache_frozen=1), TypeError, ["Received: cache_frozen=1"], False),
    ("checkpoint_dir of wrong type", lambda x, y: dict(checkpoint_dir=3), TypeError,
     ["Received: checkpoint_dir=3"], False),
    ("zero patience", lambda x, y: dict(early_stopping=0), ValueError, ["Received: early_stopping=0"], False),
    ("callbacks not callbacks", lambda x, y: dict(callbacks=[print]), TypeError, ["Received: callbacks="], False),
    ("unknown verbosity", lambda x, y: dict(verbose=3), ValueError, ["Received: verbose=3"], False),
    ("not a build function", lambda x, y: dict(build_fn_or_model="vgg"), TypeError,
     ["Received: build_fn_or_model='vgg'"], False),
    ("model built beforehand on mirrored", lambda x, y: dict(build_fn_or_model=build_small(), strategy="mirrored"),
     ValueError, ["pass a function that builds it", "Received: strategy='mirrored'"], False),
    ("model built beforehand with mixed precision",
     lambda x, y: dict(build_fn_or_model=build_small(), mixed_precision=True), ValueError,
     ["pass a function that builds the model", "Received: mixed_precision=True"], False),
    ("model built outside the given strategy",
     lambda x, y: dict(build_fn_or_model=build_small(), strategy=tf.distribute.OneDeviceStrategy("/cpu:0")),
     ValueError, ["OneDeviceStrategy.scope()", "Received: strategy="], False),
    ("build function returning no model", lambda x, y: dict(build_fn_or_model=lambda: "model"), TypeError,
     ["must return a keras.Model", "Received: build_fn_or_model returning str"], True),
    ("missing and extra inputs", lambda x, y: dict(train=({"image": x["image"], "text": x["audio"]}, y)),
     ValueError, ["missing ['audio']", "unexpected ['text']", "Received: train inputs=['image', 'text']"], True),
    ("dataset with missing input",
     lambda x, y: dict(train=tf.data.Dataset.from_tensor_slices((_subset(x, ["image"]), y))),
     ValueError, ["missing ['audio']", "unexpected []", "Received: train inputs=['image']"], True),
    ("validation with extra input",
     lambda x, y: dict(validation=({**x, "text": x["audio"]}, y)),
     ValueError, ["unexpected ['text']", "Received: validation inputs=['audio', 'image', 'text']"], True),
    ("class id too large", lambda x, y: dict(train=(x, y + 4)), ValueError,
     ["class ids 0..3", "Received: train labels from 4 to 7"], True),
    ("negative class id", lambda x, y: dict(validation=(x, y - 1)), ValueError,
     ["class ids 0..3", "Received: validation labels from -1 to 2"], True),
    ("one-hot labels for a sparse head", lambda x, y: dict(train=(x, np.eye(4)[y])), ValueError,
     ["per-sample shape () or (1,)", "argmax", "Received: train labels per-sample shape=(4,)"], True),
    ("dataset labels of wrong shape",
     lambda x, y: dict(train=tf.data.Dataset.from_tensor_slices((x, np.eye(4)[y])).batch(8)), ValueError,
     ["per-sample shape () or (1,)", "Received: train labels per-sample shape=(4,)"], True),
    ("binary labels outside [0, 1]",
     lambda x, y: dict(build_fn_or_model=lambda: build_small(heads.binary()), train=(x, y)), ValueError,
     ["in [0, 1]", "Received: train labels from 0 to 3"], True),
    ("text labels", lambda x, y: dict(train=(x, y.astype(str))), ValueError,
     ["must be numbers", "Received: train labels dtype=<U"], True),
    ("multitask labels not a dict",
     lambda x, y: dict(build_fn_or_model=_multitask, train=(x, y)), ValueError,
     ["dict keyed by output name", "Received: train labels of type ndarray"], True),
    ("multitask label missing",
     lambda x, y: dict(build_fn_or_model=_multitask, train=(x, {"tone": y})), ValueError,
     ["missing ['high']", "Received: train label names=['tone']"], True),
    ("inputs and labels of different sizes", lambda x, y: dict(train=(x, y[:-1])), ValueError,
     ["same, non-zero number of samples", "Received: train sizes="], True),
    ("input of the wrong shape",
     lambda x, y: dict(train=({**x, "image": np.zeros((len(y), 32, 32, 1), "float32")}, y)), ValueError,
     ["per-sample shape (16, 16, 1)", "Received: train['image'] per-sample shape=(32, 32, 1)"], True),
    ("text for a numeric input",
     lambda x, y: dict(train=({**x, "audio": x["audio"].astype(str)}, y)), ValueError,
     ["dtype float32", "Received: train['audio'] dtype=str"], True),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_bad_argument_is_a_clear_error_before_training(case, audio_task, no_training):
    _, arguments, error, fragments, builds = case
    inputs, labels = audio_task
    built = []

    def build():
        built.append(True)
        return build_small()

    call = dict(build_fn_or_model=build, train=(inputs, labels), epochs=1, batch_size=8, verbose=0)
    call.update(arguments(inputs, labels))
    with pytest.raises(error) as raised:
        mmzoo.training.fit(**call)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, message
    assert isinstance(raised.value, mmzoo.MmzooError), type(raised.value)
    if not builds:
        assert not built, "the model was built before the argument was checked"
