"""The dual encoder: trains on pairs without labels, round-trips .keras, embeds, searches, classifies zero-shot."""

import keras
import numpy as np
import pytest
from harness import assert_no_lambda

from mmzoo import branches, zoo
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.evaluation import cross_modal_metrics
from mmzoo.retrieval import (Index, build_index, class_prototypes, class_queries, dual_encoder, embed, encoder,
                             modalities_of, search, zero_shot_classify)


def _pairs(num_samples, seed=0, classes=4):
    """Image and feature-vector 'audio' of the same class: the class sets a bright square and a vector pattern."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, num_samples)
    images = rng.normal(0, 0.3, (num_samples, 8, 8, 1)).astype("float32")
    for number, label in enumerate(labels):
        row, column = divmod(int(label), 2)
        images[number, 4 * row:4 * row + 4, 4 * column:4 * column + 4] += 2.0
    audio = rng.normal(0, 0.3, (num_samples, 12)).astype("float32")
    audio[np.arange(num_samples), 3 * labels] += 3.0
    return {"image": images, "audio": audio}, labels


def _model(**kwargs):
    return dual_encoder({"image": branches.conv2d(input_shape=(8, 8, 1), filters=(4,), units=16),
                         "audio": branches.dense(input_dim=12, hidden_units=(16,))}, embedding_dim=8, **kwargs)


@pytest.mark.parametrize("loss", ["softmax", "sigmoid"])
def test_trains_on_unlabelled_pairs_round_trips_and_finds_the_class(tmp_path, loss):
    keras.utils.set_random_seed(0)
    inputs, labels = _pairs(512)
    model = _model(loss=loss)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    history = model.fit(inputs, epochs=8, batch_size=64, verbose=0).history
    assert history["loss"][-1] < history["loss"][0] - 0.5
    test_inputs, test_labels = _pairs(200, seed=1)
    embeddings = {modality: embed(model, test_inputs, modality) for modality in ("image", "audio")}
    np.testing.assert_allclose(np.linalg.norm(embeddings["image"], axis=1), 1.0, rtol=1e-5)
    metrics = cross_modal_metrics(embeddings, test_labels)
    assert metrics["audio->image"]["class"]["recall@1"] >= 0.8, metrics
    assert metrics["image->audio"]["class"]["recall@1"] >= 0.8, metrics

    assert_no_lambda(model)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    np.testing.assert_allclose(embed(loaded, test_inputs, "audio"), embeddings["audio"], rtol=1e-5, atol=1e-6)
    saved, reloaded = model.get_layer("contrastive_loss"), loaded.get_layer("contrastive_loss")
    assert [weight.name for weight in reloaded.weights] == [weight.name for weight in saved.weights]
    for ours, theirs in zip(saved.weights, reloaded.weights):  # the scale, and the sigmoid's bias, are saved
        np.testing.assert_allclose(keras.ops.convert_to_numpy(theirs), keras.ops.convert_to_numpy(ours))
    if loss == "sigmoid":
        assert float(keras.ops.convert_to_numpy(saved.logit_bias)) != -10.0, "the bias is learned"

    index = build_index(loaded, test_inputs, "image")
    ids, _ = search(loaded, index, test_inputs["audio"][:50], "audio", k=1)
    assert np.mean(test_labels[ids[:, 0]] == test_labels[:50]) >= 0.8
    prompts = [inputs["audio"][labels == label][:3] for label in range(4)]
    predicted, scores = zero_shot_classify(loaded, prompts, "audio", test_inputs, "image")
    assert scores.shape == (200, 4) and np.mean(predicted == test_labels) >= 0.8


def test_three_modalities_train_with_pairwise_losses():
    keras.utils.set_random_seed(0)
    inputs, _ = _pairs(64)
    inputs["text"] = inputs["audio"][:, ::-1].copy()
    model = dual_encoder({"image": branches.conv2d(input_shape=(8, 8, 1), filters=(4,), units=8),
                          "audio": branches.dense(input_dim=12, hidden_units=(8,)),
                          "text": branches.dense(input_dim=12, hidden_units=(8,), name="text_dense")},
                         embedding_dim=4)
    assert modalities_of(model) == ["audio", "image", "text"]
    model.compile(optimizer="adam")
    model.fit(inputs, epochs=1, batch_size=16, verbose=0)
    assert sorted(model.predict(inputs, verbose=0)) == ["audio", "image", "text"]


def test_zoo_entry_builds_for_av_mnist():
    model = zoo.build("dual_encoder", embedding_dim=32)
    assert {name: tuple(tensor.shape) for name, tensor in model.output.items()} == {
        "audio": (None, 32), "image": (None, 32)}
    inputs, labels = zoo.example_data("dual_encoder", num_samples=8)
    assert inputs["image"].shape == (8, 28, 28, 1) and inputs["audio"].shape == (8, 32, 32) and labels.shape == (8,)


def test_bad_input_names_the_argument_and_value():
    model = _model()
    inputs, _ = _pairs(4)
    with pytest.raises(ConfigurationError, match=r"one the model embeds, \['audio', 'image'\]. Received: modality='text'"):
        embed(model, inputs["audio"], "text")
    with pytest.raises(ConfigurationError, match=r"another modality's. Received: data.shape=\(4, 12\), modality='image'"):
        search(model, Index().add(np.eye(8, dtype="float32")), inputs["audio"], "image", k=1)
    with pytest.raises(ConfigurationError, match="has no 'image' samples"):
        embed(model, {"audio": inputs["audio"]}, "image")
    with pytest.raises(ConfigurationError, match=r"size of the index's embeddings, 3"):
        search(model, Index().add(np.eye(3, dtype="float32")), inputs, "image", k=1)
    with pytest.raises(ArgumentTypeError, match="Received: index="):
        search(model, np.eye(3), inputs, "image", k=1)
    with pytest.raises(ArgumentTypeError, match="no `<modality>_encoder` layers"):
        encoder(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), "image")
    with pytest.raises(ConfigurationError, match="at least two modalities"):
        dual_encoder({"image": branches.conv2d(input_shape=(8, 8, 1), filters=(4,), units=8)})
    with pytest.raises(ConfigurationError, match="embedding_dim=0"):
        dual_encoder(
            {"image": branches.conv2d(input_shape=(8, 8, 1), filters=(4,), units=8),
             "audio": branches.dense(input_dim=12)}, embedding_dim=0)
    with pytest.raises(ConfigurationError, match="Every class needs at least one prompt"):
        zero_shot_classify(model, [inputs["audio"][:1], inputs["audio"][:0]], "audio", inputs, "image")


def test_the_class_aware_variant_takes_labels_and_round_trips(tmp_path):
    keras.utils.set_random_seed(0)
    inputs, labels = _pairs(256)
    model = _model(num_classes=4)
    assert sorted(model.input) == ["audio", "image", "label"]
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    history = model.fit({**inputs, "label": labels}, epochs=3, batch_size=64, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    model.save(tmp_path / "aware.keras")
    loaded = keras.saving.load_model(tmp_path / "aware.keras", safe_mode=True)
    np.testing.assert_allclose(embed(loaded, inputs, "image"), embed(model, inputs, "image"), rtol=1e-5, atol=1e-6)


def test_class_queries_search_with_the_prototype_of_the_nearest_class(tmp_path):
    keras.utils.set_random_seed(0)
    inputs, labels = _pairs(512)
    model = _model(num_classes=4)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    model.fit({**inputs, "label": labels}, epochs=6, batch_size=64, verbose=0)
    prototypes = class_prototypes(model)
    assert prototypes.shape == (4, 8)
    np.testing.assert_allclose(np.linalg.norm(prototypes, axis=1), 1.0, rtol=1e-5)

    test_inputs, test_labels = _pairs(200, seed=1)
    clips = embed(model, test_inputs, "audio")
    nearest = np.argmax(clips @ prototypes.T, axis=1)
    assert np.mean(nearest == test_labels) >= 0.9     # the prototypes are the classes, in class order
    np.testing.assert_array_equal(class_queries(model, clips), prototypes[nearest])

    index = build_index(model, test_inputs, "image")
    ids, scores = search(model, index, test_inputs["audio"], "audio", k=5, by_class=True)
    expected_ids, expected_scores = index.search(prototypes[nearest], k=5)
    np.testing.assert_array_equal(ids, expected_ids)
    np.testing.assert_allclose(scores, expected_scores)
    assert np.mean(test_labels[ids[:, 0]] == test_labels) >= 0.9
    model.save(tmp_path / "aware.keras")
    loaded = keras.saving.load_model(tmp_path / "aware.keras", safe_mode=True)
    np.testing.assert_array_equal(class_prototypes(loaded), prototypes)


def test_class_queries_refuse_a_model_without_prototypes_and_bad_embeddings():
    label_free, aware = _model(), _model(num_classes=4)
    with pytest.raises(ConfigurationError, match="built with `num_classes`"):
        class_queries(label_free, np.ones((2, 8), dtype="float32"))
    with pytest.raises(ConfigurationError, match=r"Received: embeddings.shape=\(2, 5\)"):
        class_queries(aware, np.ones((2, 5), dtype="float32"))
    with pytest.raises(ArgumentTypeError, match="model="):
        class_prototypes("model.keras")
    inputs, _ = _pairs(4)
    index = Index().add(np.eye(8, dtype="float32"))
    with pytest.raises(ArgumentTypeError, match="by_class='yes'"):
        search(aware, index, inputs["audio"], "audio", k=1, by_class="yes")
    with pytest.raises(ConfigurationError, match="built with `num_classes`"):
        search(label_free, index, inputs["audio"], "audio", k=1, by_class=True)
