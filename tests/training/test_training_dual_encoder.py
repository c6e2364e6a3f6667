"""`mmzoo.training.fit` on a model without heads: a contrastive dual encoder trains on its inputs alone."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import mmzoo
import mmzoo.training
from mmzoo import branches, retrieval

CLASSES = 4


def _pairs(count=320, seed=0):
    """Image and audio vectors of the same class: noisy views of the class's centre."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, CLASSES, count)
    centres = rng.normal(size=(CLASSES, 12))
    inputs = {"image": (centres[labels, :8] + 0.3 * rng.normal(size=(count, 8))).astype("float32"),
              "audio": (centres[labels, 4:] + 0.3 * rng.normal(size=(count, 8))).astype("float32")}
    return inputs, labels


def _builder(num_classes=None):
    def build():
        return retrieval.dual_encoder({"image": branches.dense(input_dim=8, hidden_units=(16,)),
                                       "audio": branches.dense(input_dim=8, hidden_units=(16,))},
                                      embedding_dim=8, num_classes=num_classes)
    return build


def test_fit_trains_a_dual_encoder_on_pairs_and_keeps_the_best_model(tmp_path):
    inputs, labels = _pairs()
    validation = {name: value[:64] for name, value in inputs.items()}
    model, history = mmzoo.training.fit(_builder(), inputs, validation=validation, epochs=6, batch_size=32,
                                        seed=0, verbose=0, learning_rate=1e-2, checkpoint_dir=tmp_path)
    assert sorted(history.history) == ["loss", "val_loss"]
    assert history.history["loss"][-1] < 0.8 * history.history["loss"][0], history.history
    best = keras.saving.load_model(tmp_path / "best.keras", safe_mode=True)
    assert sorted(best.input) == ["audio", "image"]
    embeddings = {modality: retrieval.embed(model, inputs, modality) for modality in ("image", "audio")}
    recall = mmzoo.evaluation.cross_modal_metrics(embeddings, labels)["audio->image"]["class"]["recall@1"]
    assert recall > 0.6, recall   # chance: 0.25


def test_numpy_pairs_and_a_dataset_of_pairs_train_alike():
    inputs, _ = _pairs(128)
    weights = []
    for data in (inputs, tf.data.Dataset.from_tensor_slices(inputs)):
        model, _ = mmzoo.training.fit(_builder(), data, epochs=2, batch_size=32, seed=1, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for from_numpy, from_dataset in zip(*weights):
        np.testing.assert_allclose(from_numpy, from_dataset, atol=1e-6)


def test_a_class_aware_dual_encoder_takes_its_labels_as_the_label_input():
    inputs, labels = _pairs()
    model, history = mmzoo.training.fit(_builder(CLASSES), {**inputs, "label": labels}, epochs=6, batch_size=32,
                                        seed=0, verbose=0, learning_rate=1e-2)
    assert history.history["loss"][-1] < history.history["loss"][0]
    predicted = np.argmax(retrieval.embed(model, inputs, "audio") @ retrieval.class_prototypes(model).T, axis=1)
    assert np.mean(predicted == labels) > 0.6   # chance: 0.25


@pytest.mark.parametrize("case, data, fragments", [
    ("labels beside the pairs", lambda x, y: (x, y), ["`train`", "inputs alone", "Received: train of type tuple"]),
    ("a NaN input", lambda x, y: {**x, "image": np.where(np.arange(len(y))[:, None] == 5, np.nan, x["image"])},
     ["'image'", "NaN", "samples [5]"]),
    ("a class id above the prototypes", lambda x, y: {**x, "label": np.where(np.arange(len(y)) == 9, CLASSES, y)},
     ["'label'", "class ids 0..3", "values from 0 to 4"]),
    ("a negative class id", lambda x, y: {**x, "label": y - 1}, ["'label'", "values from -1 to 2"]),
])
def test_bad_pairs_are_clear_errors_before_training(case, data, fragments, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("training started before the bad data was reported")
    monkeypatch.setattr(keras.Model, "fit", fail)
    inputs, labels = _pairs(64)
    build = _builder(CLASSES if "class" in case else None)
    with pytest.raises(mmzoo.MmzooError) as raised:
        mmzoo.training.fit(build, data(inputs, labels), epochs=1, verbose=0)
    for fragment in fragments:
        assert fragment in str(raised.value), str(raised.value)


def test_auxiliary_heads_need_a_model_with_heads():
    inputs, _ = _pairs(64)
    with pytest.raises(mmzoo.MmzooError, match=r"no head .* Received: auxiliary_heads=0.3"):
        mmzoo.training.fit(_builder(), inputs, epochs=1, verbose=0, auxiliary_heads=0.3)

