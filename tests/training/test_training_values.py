"""Values, not only shapes: bad values are caught before they spoil a model, or the first time they do."""

import warnings

import numpy as np
import pytest
import tensorflow as tf

import mmzoo
from mmzoo import branches, heads, training
from mmzoo.training.data import check_data


def _model(modality_dropout=None, num_classes=3):
    return mmzoo.build_model({"audio": branches.dense(input_dim=4, hidden_units=(4,))},
                             head=heads.multiclass(num_classes), modality_dropout=modality_dropout)


def _data(samples=16):
    rng = np.random.default_rng(0)
    return {"audio": rng.random((samples, 4)).astype("float32")}, np.arange(samples) % 3


def _batches(inputs, labels, batch_size=4):
    return tf.data.Dataset.from_tensor_slices((inputs, labels)).batch(batch_size)


def test_a_nan_in_numpy_inputs_stops_fit_before_training():
    model = _model()
    before = [weights.copy() for weights in model.get_weights()]
    inputs, labels = _data()
    inputs["audio"][5, 2] = np.nan
    with pytest.raises(mmzoo.ConfigurationError, match=r"train\['audio'\] with 1 non-finite value\(s\) in samples \[5\]"):
        training.fit(model, (inputs, labels), epochs=1, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_an_all_nan_sample_is_a_missing_mark_for_a_model_that_reads_them():
    inputs, labels = _data()
    inputs["audio"][5] = np.nan
    check_data((inputs, labels), "train", _model(modality_dropout=0.2))
    inputs["audio"][6, 0] = np.nan  # partly NaN: not a mark
    with pytest.raises(mmzoo.ConfigurationError, match=r"samples \[6\]"):
        check_data((inputs, labels), "train", _model(modality_dropout=0.2))


def test_a_non_finite_loss_later_on_stops_training_naming_the_batch():
    inputs, labels = _data()
    inputs["audio"][13, 0] = np.inf  # batch 3, beyond the first two batches that are checked
    with pytest.raises(mmzoo.ConfigurationError, match=r"epoch 1, batch 3 of `train`"):
        training.fit(_model(), _batches(inputs, labels), epochs=1, verbose=0)


def test_dataset_labels_beyond_the_head_are_a_clear_error():
    inputs, labels = _data()
    with pytest.raises(mmzoo.ConfigurationError, match=r"class ids 0..2 .*Received: train labels from 3 to 5"):
        training.fit(_model(), _batches(inputs, labels + 3), epochs=1, verbose=0)
    late = labels.copy()
    late[14] = 9  # beyond the first batches: TensorFlow's error, translated
    with pytest.raises(mmzoo.ConfigurationError, match=r"is 9, and the head has 3 classes.*Received: label=9"):
        training.fit(_model(), _batches(inputs, late), epochs=1, verbose=0)


def test_nan_labels_of_a_binary_head_are_refused():
    inputs, _ = _data()
    labels = np.zeros(16, "float32")
    labels[3] = np.nan
    model = mmzoo.build_model({"audio": branches.dense(input_dim=4, hidden_units=(4,))}, head=heads.binary())
    with pytest.raises(mmzoo.ConfigurationError, match="1 NaN or inf"):
        check_data((inputs, labels), "train", model)


def test_blank_texts_and_images_out_of_range_warn():
    text_model = mmzoo.build_model({"text": branches.lstm(20, sequence_length=5, units=4)}, head=heads.binary())
    ids = np.ones((6, 5), "int32")
    ids[2] = 0
    with pytest.warns(UserWarning, match=r"1 sample\(s\) of input 'text' .* all padding"):
        check_data(({"text": ids}, np.zeros(6)), "train", text_model)
    image_model = mmzoo.build_model({"image": branches.conv2d(input_shape=(8, 8, 1), filters=(2,))},
                                    head=heads.binary())
    pixels = np.full((4, 8, 8, 1), 255.0, "float32")
    with pytest.warns(UserWarning, match=r"values from 255 to 255, and image branches expect \[0, 1\]"):
        check_data(({"image": pixels}, np.zeros(4)), "train", image_model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_data(({"image": pixels}, np.zeros(4)), "train", image_model)  # once per input


def test_multitask_takes_a_list_of_named_heads():
    head = heads.multitask([heads.multiclass(10, name="digit"), heads.multiclass(6, name="speaker")],
                           loss_weights={"speaker": 0.5})
    assert head.output_names == ["digit", "speaker"]
    assert head.tasks["speaker"].loss_weight == 0.5
