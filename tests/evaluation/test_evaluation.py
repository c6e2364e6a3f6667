"""Tests of `mmzoo.evaluation`: metrics against hand-computed values, reports of trained models, bad arguments.

Expected numbers are worked out by hand in the comments next to them (not
by calling scikit-learn again). ROC-AUC by hand is the share of (positive,
negative) pairs where the positive sample scores higher.
"""

import json
import math

import numpy as np
import pytest
import tensorflow as tf

import mmzoo
from mmzoo import branches, heads
from mmzoo.datasets import synthetic
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.evaluation import classification_metrics, evaluate, regression_metrics
from mmzoo.evaluation.metrics import predicted_classes

IMAGE_SIZE = 16

# Six samples, three classes; the argmax of each row is the prediction.
MULTICLASS_LABELS = [0, 0, 1, 1, 2, 2]
MULTICLASS_PROBABILITIES = [
    [0.7, 0.2, 0.1],  # true 0, predicted 0
    [0.3, 0.6, 0.1],  # true 0, predicted 1
    [0.2, 0.7, 0.1],  # true 1, predicted 1
    [0.1, 0.8, 0.1],  # true 1, predicted 1
    [0.1, 0.3, 0.6],  # true 2, predicted 2
    [0.5, 0.1, 0.4],  # true 2, predicted 0
]


def test_multiclass_metrics_by_hand():
    report = classification_metrics(MULTICLASS_LABELS, MULTICLASS_PROBABILITIES, class_names=["a", "b", "c"])
    # Rows true, columns predicted: a -> (a, b), b -> (b, b), c -> (c, a).
    assert report.confusion_matrix.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert report.accuracy == pytest.approx(4 / 6)  # 4 of 6 on the diagonal
    # precision: a 1 right of 2 predicted a; b 2 of 3; c 1 of 1.
    np.testing.assert_allclose(report.precision, [0.5, 2 / 3, 1.0])
    # recall: a 1 of 2; b 2 of 2; c 1 of 2.
    np.testing.assert_allclose(report.recall, [0.5, 1.0, 0.5])
    # F1 = 2PR/(P+R): a 2*.5*.5/1 = .5; b 2*(2/3)*1/(5/3) = .8; c 2*1*.5/1.5 = 2/3.
    np.testing.assert_allclose(report.f1, [0.5, 0.8, 2 / 3])
    np.testing.assert_array_equal(report.support, [2, 2, 2])
    assert report.macro_precision == pytest.approx((0.5 + 2 / 3 + 1.0) / 3)  # 0.7222
    assert report.macro_recall == pytest.approx((0.5 + 1.0 + 0.5) / 3)  # 0.6667
    assert report.macro_f1 == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)  # 0.6556
    # One-vs-rest AUC. a: positives {.7, .3} vs negatives {.2, .1, .1, .5}: .7 beats 4, .3 beats 3 -> 7/8.
    # b: positives {.7, .8} beat all of {.2, .6, .3, .1} -> 8/8. c: {.6, .4} beat all of {.1 x4} -> 8/8.
    np.testing.assert_allclose(report.roc_auc_per_class, [0.875, 1.0, 1.0])
    assert report.roc_auc == pytest.approx((0.875 + 1.0 + 1.0) / 3)  # 0.9583
    assert report.class_names == ["a", "b", "c"]
    assert report.threshold is None
    assert report.notes == []


def test_binary_metrics_by_hand():
    # Threshold 0.5: predictions [0, 1, 0, 1, 1].
    report = classification_metrics([0, 0, 1, 1, 1], [0.1, 0.6, 0.4, 0.8, 0.9], task="binary")
    # true 0: one predicted 0, one predicted 1; true 1: one predicted 0, two predicted 1.
    assert report.confusion_matrix.tolist() == [[1, 1], [1, 2]]
    assert report.accuracy == pytest.approx(3 / 5)
    # class 0: precision 1 of 2 predicted 0, recall 1 of 2; class 1: 2 of 3 and 2 of 3.
    np.testing.assert_allclose(report.precision, [0.5, 2 / 3])
    np.testing.assert_allclose(report.recall, [0.5, 2 / 3])
    np.testing.assert_allclose(report.f1, [0.5, 2 / 3])
    assert report.macro_f1 == pytest.approx((0.5 + 2 / 3) / 2)  # 0.5833
    # positives {.4, .8, .9} vs negatives {.1, .6}: .4 beats 1, .8 and .9 beat 2 each -> 5/6.
    assert report.roc_auc == pytest.approx(5 / 6)
    assert report.threshold == 0.5
    np.testing.assert_allclose(report.probabilities, [0.1, 0.6, 0.4, 0.8, 0.9])


def test_binary_threshold_changes_predictions():
    # Threshold 0.7: predictions [0, 0, 0, 1, 1]; 4 of 5 right. AUC does not depend on it.
    report = classification_metrics([[0], [0], [1], [1], [1]], [[0.1], [0.6], [0.4], [0.8], [0.9]],
                                     task="binary", threshold=0.7)
    assert report.confusion_matrix.tolist() == [[2, 0], [1, 2]]
    assert report.accuracy == pytest.approx(4 / 5)
    assert report.roc_auc == pytest.approx(5 / 6)


def test_multilabel_metrics_by_hand():
    labels = [[1, 0], [1, 1], [0, 1], [0, 0]]
    probabilities = [[0.9, 0.45], [0.6, 0.4], [0.3, 0.7], [0.2, 0.1]]
    # Threshold 0.5: predictions [[1, 0], [1, 0], [0, 1], [0, 0]]; row 2 misses its second label.
    report = classification_metrics(labels, probabilities, task="multilabel", class_names=["cat", "dog"])
    assert report.accuracy == pytest.approx(3 / 4)  # exact match in 3 rows of 4
    # cat: predictions equal labels. dog: labels [0, 1, 1, 0], predictions [0, 0, 1, 0]: tp 1, fp 0, fn 1.
    np.testing.assert_allclose(report.precision, [1.0, 1.0])
    np.testing.assert_allclose(report.recall, [1.0, 0.5])
    np.testing.assert_allclose(report.f1, [1.0, 2 / 3])  # dog: 2*1*.5/1.5
    np.testing.assert_array_equal(report.support, [2, 2])
    assert report.macro_recall == pytest.approx(0.75)
    assert report.macro_f1 == pytest.approx((1 + 2 / 3) / 2)
    # cat: positives {.9, .6} beat negatives {.3, .2} -> 1. dog: positives {.4, .7} vs negatives {.45, .1}:
    # .4 beats 1, .7 beats 2 -> 3/4.
    np.testing.assert_allclose(report.roc_auc_per_class, [1.0, 0.75])
    assert report.roc_auc == pytest.approx(0.875)
    # [[tn, fp], [fn, tp]] per label: cat [[2, 0], [0, 2]], dog [[2, 0], [1, 1]].
    assert report.confusion_matrix.tolist() == [[[2, 0], [0, 2]], [[2, 0], [1, 1]]]


def test_regression_metrics_by_hand():
    report = regression_metrics([1.0, 2.0, 3.0, 4.0], [1.5, 2.0, 2.0, 5.0])
    # errors [0.5, 0, -1, 1]
    assert report.mae == pytest.approx(0.625)  # (0.5 + 0 + 1 + 1) / 4
    assert report.mse == pytest.approx(0.5625)  # (0.25 + 0 + 1 + 1) / 4
    assert report.rmse == pytest.approx(0.75)  # sqrt(0.5625)
    # R^2 = 1 - SS_res / SS_tot = 1 - 2.25 / (2.25 + 0.25 + 0.25 + 2.25) = 1 - 0.45
    assert report.r2 == pytest.approx(0.55)
    assert report.num_samples == 4
    assert report.notes == []


def test_regression_with_several_units_averages_them():
    report = regression_metrics([[0.0, 0.0], [2.0, 4.0]], [[1.0, 0.0], [2.0, 2.0]])
    # unit 1 errors [1, 0]: MAE .5, MSE .5; unit 2 errors [0, -2]: MAE 1, MSE 2.
    assert report.mae == pytest.approx(0.75)
    assert report.mse == pytest.approx(1.25)
    assert report.rmse == pytest.approx((math.sqrt(0.5) + math.sqrt(2.0)) / 2)  # RMSE per unit, averaged
    # unit 1: 1 - 1/2 (SS_tot of [0, 2] is 2); unit 2: 1 - 4/8 (SS_tot of [0, 4] is 8).
    assert report.r2 == pytest.approx(0.5)


def test_class_absent_from_labels_is_zero_division_and_nan_auc():
    # Labels hold classes 0 and 1 of 3; predictions [0, 1, 1, 1], class 2 never predicted.
    report = classification_metrics([0, 0, 1, 1], MULTICLASS_PROBABILITIES[:4])
    np.testing.assert_allclose(report.precision, [1.0, 2 / 3, 0.0])  # class 2: 0/0 -> zero_division 0
    np.testing.assert_allclose(report.recall, [0.5, 1.0, 0.0])
    assert report.macro_recall == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    # class 0: {.7, .3} beat {.2, .1}; class 1: {.7, .8} beat {.2, .6}; class 2 has no positive.
    assert report.roc_auc_per_class[:2].tolist() == [1.0, 1.0]
    assert np.isnan(report.roc_auc_per_class[2])
    assert report.roc_auc == 1.0  # the mean of the defined classes
    assert any("No true samples of ['2']" in note for note in report.notes)
    assert any("ROC-AUC is undefined (NaN) for ['2']" in note for note in report.notes)
    assert "note: ROC-AUC is undefined" in str(report)


def test_zero_division_nan_leaves_undefined_classes_out_of_macro_averages():
    report = classification_metrics([0, 0, 1, 1], MULTICLASS_PROBABILITIES[:4], zero_division=float("nan"))
    assert np.isnan(report.precision[2]) and np.isnan(report.recall[2])
    assert report.macro_precision == pytest.approx((1.0 + 2 / 3) / 2)
    assert report.macro_recall == pytest.approx((0.5 + 1.0) / 2)
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)  # class 0: 2*1*.5/1.5; class 1: .8


def test_binary_with_one_class_only_has_nan_auc_and_a_note():
    report = classification_metrics([1, 1, 1], [0.9, 0.2, 0.7], task="binary")
    assert report.accuracy == pytest.approx(2 / 3)
    assert math.isnan(report.roc_auc)
    assert len(report.notes) == 2  # class 0 absent; ROC-AUC undefined


def test_regression_r2_of_constant_labels_is_nan_with_a_note():
    report = regression_metrics([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    assert report.mae == pytest.approx(2 / 3)
    assert math.isnan(report.r2)
    assert "R^2 is undefined" in report.notes[0]


def test_report_renderings():
    report = classification_metrics(MULTICLASS_LABELS, MULTICLASS_PROBABILITIES, class_names=["a", "b", "c"])
    as_dict = report.to_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict["confusion_matrix"] == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert "labels" not in as_dict and "probabilities" not in as_dict
    frame = report.to_frame()
    assert list(frame.index) == ["a", "b", "c"]
    assert list(frame.columns) == ["precision", "recall", "f1", "support", "roc_auc"]
    markdown = report.to_markdown().splitlines()
    assert markdown[0] == "| class | precision | recall | f1 | support | roc_auc |"
    assert markdown[2] == "| a | 0.5000 | 0.5000 | 0.5000 | 2 | 0.8750 |"
    text = str(report)
    assert "Output 'label' (multiclass, 6 samples)" in text
    assert "accuracy 0.6667" in text and "roc_auc 0.9583" in text
    assert "confusion matrix (rows: true class, columns: predicted class)" in text


CLASSIFICATION_ERRORS = [
    ("unknown task", dict(task="ranking"), ConfigurationError, "Received: task='ranking'"),
    ("one-hot multiclass labels", dict(labels=np.eye(3)[[0, 1, 2]]), ConfigurationError,
     "labels.argmax(-1)"),
    ("labels beyond the classes", dict(labels=[0, 1, 3]), ConfigurationError, "Received: labels from 0 to 3"),
    ("fewer labels than predictions", dict(labels=[0, 1]), ConfigurationError, "Received: labels of shape (2,)"),
    ("string labels", dict(labels=["a", "b", "c"]), ArgumentTypeError, "Received: labels of dtype <U1"),
    ("NaN probabilities", dict(probabilities=[[np.nan, 1], [0, 1], [1, 0]]), ConfigurationError,
     "Received: probabilities with NaN or inf"),
    ("binary probabilities with two columns", dict(task="binary", labels=[0, 1, 1]), ConfigurationError,
     "Received: probabilities of shape (3, 2)"),
    ("binary labels not 0 or 1", dict(task="binary", labels=[0, 2, 1], probabilities=[0.1, 0.2, 0.3]),
     ConfigurationError, "must be 0 or 1"),
    ("multilabel shapes differ", dict(task="multilabel", labels=[[1, 0], [0, 1], [1, 1]],
                                      probabilities=[[0.5], [0.5], [0.5]]), ConfigurationError,
     "Received: labels of shape (3, 2), probabilities of shape (3, 1)"),
    ("class names of wrong length", dict(class_names=["a", "b", "c"]), ConfigurationError,
     "Received: class_names=['a', 'b', 'c']"),
    ("class names repeated", dict(class_names=["a", "a"]), ConfigurationError, "distinct"),
    ("class names a string", dict(class_names="ab"), ArgumentTypeError, "Received: class_names='ab'"),
    ("threshold of 1", dict(threshold=1), ConfigurationError, "Received: threshold=1"),
    ("zero_division of 0.5", dict(zero_division=0.5), ConfigurationError, "Received: zero_division=0.5"),
    ("no samples", dict(labels=[], probabilities=np.zeros((0, 2))), ConfigurationError,
     "Received: labels of shape (0,)"),
]


@pytest.mark.parametrize("case", CLASSIFICATION_ERRORS, ids=[case[0] for case in CLASSIFICATION_ERRORS])
def test_classification_metrics_bad_arguments(case):
    _, changes, error, fragment = case
    arguments = dict(labels=[0, 1, 1], probabilities=[[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    arguments.update(changes)
    with pytest.raises(error) as caught:
        classification_metrics(**arguments)
    assert fragment in str(caught.value)
    assert "Received: " in str(caught.value)


def test_regression_metrics_bad_arguments():
    with pytest.raises(ConfigurationError, match=r"Received: labels of shape \(3, 1\), predictions of shape \(3, 2\)"):
        regression_metrics([1.0, 2.0, 3.0], np.zeros((3, 2)))
    with pytest.raises(ConfigurationError, match="Received: predictions with NaN or inf"):
        regression_metrics([1.0, 2.0], [np.inf, 1.0])
    with pytest.raises(ArgumentTypeError, match="Received: labels of dtype object"):
        regression_metrics(None, [1.0])


# Real models, trained briefly on a synthetic task whose label is the audio tone.


def _build(head, fusion="concat"):
    return mmzoo.build_model(
        {"image": branches.conv2d(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 1), filters=(4,), units=8),
         "audio": branches.dense(input_dim=64, hidden_units=(16,))},
        fusion=fusion, head=head,
    )


def _multitask_labels(tones):
    return {
        "tone": tones,
        "high": (tones >= 2).astype("float32"),
        "tags": np.stack([tones == 0, tones == 3, tones % 2 == 1], axis=1).astype("float32"),
        "pitch": tones.astype("float32"),
    }


@pytest.fixture(scope="module")
def audio_data():
    """Train and test splits `(inputs, tones)` whose 4-class label is the audio tone."""
    def split(seed, size):
        return synthetic.generate(size, task="audio", image_size=IMAGE_SIZE, seed=seed, modalities=("image", "audio"))
    return split(1, 256), split(2, 96)


@pytest.fixture(scope="module")
def multitask_model(audio_data):
    """A model with multiclass, binary, multilabel and regression outputs, trained a few epochs."""
    (train_inputs, train_tones), _ = audio_data
    model = _build(heads.multitask({
        "tone": heads.multiclass(4), "high": heads.binary(), "tags": heads.multilabel(3), "pitch": heads.regression(),
    }))
    model, _ = mmzoo.training.fit(model, (train_inputs, _multitask_labels(train_tones)), epochs=12,
                                  batch_size=32, learning_rate=0.01, verbose=0)
    return model


def test_multitask_report_of_a_trained_model(multitask_model, audio_data):
    _, (inputs, tones) = audio_data
    report = evaluate(multitask_model, (inputs, _multitask_labels(tones)),
                      class_names={"tone": list(synthetic.PITCHES_HZ), "tags": ["lowest", "highest", "odd"]})
    assert set(report.outputs) == {"tone", "high", "tags", "pitch"}
    tone, high, tags, pitch = report["tone"], report["high"], report["tags"], report["pitch"]
    assert (tone.task, high.task, tags.task, pitch.task) == ("multiclass", "binary", "multilabel", "regression")
    assert tone.class_names == ["250.0", "500.0", "1000.0", "2000.0"]
    assert high.class_names == ["0", "1"] and tags.class_names == ["lowest", "highest", "odd"]
    assert tone.num_samples == high.num_samples == tags.num_samples == pitch.num_samples == 96
    assert tone.confusion_matrix.shape == (4, 4) and tone.confusion_matrix.sum() == 96
    np.testing.assert_array_equal(tone.support, np.bincount(tones, minlength=4))
    assert tags.confusion_matrix.shape == (3, 2, 2)
    # The tone is easy to hear: every output is far better than chance.
    assert tone.accuracy > 0.8 and tone.roc_auc > 0.9
    assert high.accuracy > 0.8 and tags.roc_auc > 0.8
    assert pitch.r2 > 0.5 and pitch.rmse == pytest.approx(math.sqrt(pitch.mse))
    # The same numbers as Keras' own metrics on the same data.
    keras_results = multitask_model.evaluate(inputs, _multitask_labels(tones), verbose=0, return_dict=True)
    assert tone.accuracy == pytest.approx(keras_results["tone_accuracy"], abs=1e-6)
    assert high.accuracy == pytest.approx(keras_results["high_accuracy"], abs=1e-6)
    assert pitch.mae == pytest.approx(keras_results["pitch_mae"], rel=1e-4)
    frame = report.to_frame()
    assert list(frame.columns) == ["task", "samples", "accuracy", "macro_precision", "macro_recall", "macro_f1",
                                   "roc_auc", "mae", "mse", "rmse", "r2"]
    assert np.isnan(frame.loc["pitch", "accuracy"]) and np.isnan(frame.loc["tone", "mae"])
    assert json.loads(json.dumps(report.to_dict()))["tone"]["class_names"][0] == "250.0"
    assert "Output 'pitch' (regression, 96 samples)" in str(report)


def test_shuffled_dataset_pairs_each_prediction_with_its_label(multitask_model, audio_data):
    _, (inputs, tones) = audio_data
    labels = _multitask_labels(tones)
    from_arrays = evaluate(multitask_model, (inputs, labels))
    shuffled = tf.data.Dataset.from_tensor_slices((inputs, labels)).shuffle(96, seed=3).batch(10)
    from_dataset = evaluate(multitask_model, shuffled)
    for name in ("tone", "high", "tags"):
        np.testing.assert_array_equal(from_dataset[name].confusion_matrix, from_arrays[name].confusion_matrix)
        assert from_dataset[name].roc_auc == pytest.approx(from_arrays[name].roc_auc)
    assert from_dataset["pitch"].mse == pytest.approx(from_arrays["pitch"].mse, rel=1e-5)


def test_binary_model_on_a_bundled_dataset_takes_its_class_names():
    data = dict(task="image+audio", rule="threshold", image_size=IMAGE_SIZE, modalities=("image", "audio"))
    train = mmzoo.datasets.load("synthetic", split="train", num_samples=64, **data)
    test = mmzoo.datasets.load("synthetic", split="test", num_samples=40, batch_size=None, **data)
    model, history = mmzoo.training.fit(_build(heads.binary()), train, epochs=1, verbose=0)
    report = evaluate(model, test)
    assert report["label"].class_names == ["0", "1"]  # the dataset's class_names, as strings
    assert report["label"].task == "binary" and report["label"].num_samples == 40
    assert report["label"].confusion_matrix.sum() == 40
    named = evaluate(model, test, class_names=["low", "high"], threshold=0.3)
    assert named["label"].class_names == ["low", "high"] and named["label"].threshold == 0.3


@pytest.fixture(scope="module")
def small_model():
    return _build(heads.multiclass(4))


EVALUATE_ERRORS = [
    ("model not a model", lambda model, data: dict(model="resnet"), ArgumentTypeError, "Received: model='resnet'"),
    ("data a list", lambda model, data: dict(data=[data[0]]), ArgumentTypeError, "Received: data of type list"),
    ("missing modality", lambda model, data: dict(data=({"image": data[0]["image"]}, data[1])), ConfigurationError,
     "missing ['audio']"),
    ("labels beyond the classes", lambda model, data: dict(data=(data[0], data[1] + 4)), ConfigurationError,
     "class ids 0..3"),
    ("one-hot labels", lambda model, data: dict(data=(data[0], np.eye(4)[data[1]])), ConfigurationError,
     "labels.argmax(-1)"),
    ("class names of wrong length", lambda model, data: dict(class_names=["a", "b"]), ConfigurationError,
     "Received: class_names=['a', 'b']"),
    ("class names for an unknown output", lambda model, data: dict(class_names={"digit": list("abcd")}),
     ConfigurationError, "not classification outputs of the model: ['digit']"),
    ("class names a number", lambda model, data: dict(class_names=4), ArgumentTypeError, "Received: class_names=4"),
    ("zero batch size", lambda model, data: dict(batch_size=0), ConfigurationError, "Received: batch_size=0"),
    ("threshold of 0", lambda model, data: dict(threshold=0.0), ConfigurationError, "Received: threshold=0.0"),
    ("empty dataset", lambda model, data: dict(data=tf.data.Dataset.from_tensor_slices(data).take(0)),
     ConfigurationError, "Received: data=<empty dataset>"),
]


@pytest.mark.parametrize("case", EVALUATE_ERRORS, ids=[case[0] for case in EVALUATE_ERRORS])
def test_evaluate_bad_arguments(case, small_model, audio_data):
    _, changes, error, fragment = case
    _, (inputs, tones) = audio_data
    data = ({name: value[:8] for name, value in inputs.items()}, tones[:8])
    arguments = dict(model=small_model, data=data)
    arguments.update(changes(small_model, data))
    with pytest.raises(error) as caught:
        evaluate(**arguments)
    assert fragment in str(caught.value)
    assert "Received: " in str(caught.value)


def test_evaluate_multitask_needs_class_names_by_output(multitask_model, audio_data):
    _, (inputs, tones) = audio_data
    with pytest.raises(ConfigurationError, match=r"give `class_names` as a dict"):
        evaluate(multitask_model, (inputs, _multitask_labels(tones)), class_names=["a", "b", "c", "d"])
    with pytest.raises(ConfigurationError, match=r"has no output 'digit'.*Received: name='digit'"):
        evaluate(multitask_model, (inputs, _multitask_labels(tones)))["digit"]


def test_predicted_classes_is_the_one_rule_a_probability_must_exceed_the_threshold():
    # As keras.metrics.binary_accuracy: exactly 0.5 is negative.
    assert predicted_classes([0.5, 0.51, 0.2], "binary").tolist() == [0, 1, 0]
    assert predicted_classes([[0.5], [0.9]], "binary").tolist() == [0, 1]
    assert predicted_classes([[0.3, 0.7], [0.5, 0.5]], "binary").tolist() == [1, 0]
    assert predicted_classes([[0.5, 0.6]], "multilabel").tolist() == [[0, 1]]
    assert predicted_classes([[0.2, 0.5, 0.3]], "multiclass").tolist() == [1]
    assert predicted_classes([0.6, 0.8], "binary", threshold=0.7).tolist() == [0, 1]


def test_evaluating_model_after_model_traces_each_predict_function_once(caplog):
    """A smaller last batch is padded: TensorFlow sees one batch shape and warns of no retracing."""
    inputs = {"audio": np.random.default_rng(0).normal(size=(100, 8)).astype("float32")}
    labels = np.arange(100) % 3
    for _ in range(6):
        model = mmzoo.build_model({"audio": branches.dense(input_dim=8, hidden_units=(4,))}, head=heads.multiclass(3))
        report = evaluate(model, (inputs, labels), batch_size=32)
    assert "retracing" not in caplog.text
    expected = np.mean(model.predict(inputs, verbose=0).argmax(-1) == labels)
    assert report["label"].accuracy == pytest.approx(expected), "the padding is dropped from the predictions"
