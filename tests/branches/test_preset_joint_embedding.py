"""`from_preset(..., pooling="embedding")`: a two-tower preset's own joint space, checked against keras-hub's CLIP."""

import shutil

import keras
import numpy as np
import pytest

from mmzoo import branches, retrieval, zoo
from mmzoo.errors import ConfigurationError
from mmzoo.layers import PresetEncoder
from hub_presets import IMAGE_SIZE, save_tiny_clip, save_tiny_presets, save_tiny_siglip

keras_hub = pytest.importorskip("keras_hub")  # the "hub" extra: pip install -e ".[dev,hub]"

SEQUENCE_LENGTH = 16
TEXTS = np.array(["A photo of a Cat", "the red car", "a BIG dog near the tree", "blue", "a small tree"], dtype=object)


@pytest.fixture(scope="module")
def presets(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("presets"))
    return {**save_tiny_presets(folder), "clip": save_tiny_clip(folder), "siglip": save_tiny_siglip(folder)}


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(0, 255, (6, IMAGE_SIZE, IMAGE_SIZE, 3)).astype("float32")


def _clip_reference(preset, images, texts):
    """CLIP's embeddings as keras-hub computes them: its preprocessor, then the backbone's own embedding methods."""
    backbone = keras_hub.models.Backbone.from_preset(preset)
    preprocessor = keras_hub.models.CLIPPreprocessor.from_preset(preset, sequence_length=SEQUENCE_LENGTH)
    text_inputs = preprocessor({"images": images[: len(texts)], "prompts": texts})
    image_inputs = preprocessor({"images": images, "prompts": np.array([""] * len(images))})
    return (np.array(backbone.get_vision_embeddings(image_inputs["images"])),
            np.array(backbone.get_text_embeddings(text_inputs["token_ids"])))


def test_clip_branches_give_clips_own_embeddings(presets, images):
    image_branch = branches.from_preset(presets["clip"], "image", pooling="embedding")
    text_branch = branches.from_preset(presets["clip"], "text", pooling="embedding", sequence_length=SEQUENCE_LENGTH)
    expected_images, expected_texts = _clip_reference(presets["clip"], images, TEXTS)
    assert image_branch.output.shape == text_branch.output.shape == (None, 8)
    np.testing.assert_allclose(image_branch.predict(images, verbose=0), expected_images, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(text_branch.predict(TEXTS, verbose=0), expected_texts, rtol=1e-5, atol=1e-6)
    assert image_branch.trainable_weights == [] == text_branch.trainable_weights


@pytest.mark.parametrize("pooling", ["vector", "embedding"])
def test_clip_texts_are_lower_cased_as_clips_preprocessor_does(presets, pooling):
    branch = branches.from_preset(presets["clip"], "text", pooling=pooling, sequence_length=SEQUENCE_LENGTH)
    assert branch.get_layer("text_preset_encoder").standardize == "lower"
    lower = np.array([text.lower() for text in TEXTS], dtype=object)
    np.testing.assert_allclose(branch.predict(TEXTS, verbose=0), branch.predict(lower, verbose=0), rtol=1e-6)


def test_a_bert_branch_keeps_the_texts_its_tokenizer_takes(presets):
    layer = branches.from_preset(presets["text"], "text", sequence_length=12).get_layer("text_preset_encoder")
    assert layer.standardize is None


def test_an_unknown_standardization_is_refused(presets):
    backbone = keras_hub.models.Backbone.from_preset(presets["clip"])
    with pytest.raises(ConfigurationError, match="Received: standardize='upper'"):
        PresetEncoder(backbone.text_encoder, standardize="upper")


def test_an_embedding_branch_reloads_without_the_preset_folder(presets, images, tmp_path):
    copy = shutil.copytree(presets["clip"], tmp_path / "clip")
    for modality, samples in (("image", images), ("text", TEXTS)):
        branch = branches.from_preset(str(copy), modality, pooling="embedding", sequence_length=SEQUENCE_LENGTH)
        expected = branch.predict(samples, verbose=0)
        branch.save(tmp_path / f"{modality}.keras")
        if modality == "text":
            shutil.rmtree(copy)
        loaded = keras.saving.load_model(tmp_path / f"{modality}.keras", safe_mode=True)
        np.testing.assert_allclose(loaded.predict(samples, verbose=0), expected, rtol=1e-6)
        assert loaded.trainable_weights == []


def test_siglip_texts_are_canonicalised_and_encoded_as_keras_hub_does(presets):
    texts = np.array(["A photo, of a Cat!", "the  red car.", "  a BIG dog near the tree "], dtype=object)
    preprocessor = keras_hub.models.SigLIPPreprocessor.from_preset(presets["siglip"], sequence_length=SEQUENCE_LENGTH)
    token_ids = preprocessor({"images": np.zeros((3, IMAGE_SIZE, IMAGE_SIZE, 3), "float32"), "prompts": texts})
    backbone = keras_hub.models.Backbone.from_preset(presets["siglip"])
    expected = np.asarray(backbone.get_text_embeddings(token_ids["token_ids"]))
    for pooling in ("vector", "embedding"):
        branch = branches.from_preset(presets["siglip"], "text", pooling=pooling, sequence_length=SEQUENCE_LENGTH)
        assert branch.get_layer("text_preset_encoder").standardize == "lower_and_strip_punctuation"
        np.testing.assert_allclose(branch.predict(texts, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_a_tower_that_pools_itself_gives_its_vector(presets, images):
    backbone = keras_hub.models.Backbone.from_preset(presets["siglip"])
    converter = keras_hub.layers.ImageConverter.from_preset(presets["siglip"])
    expected = np.asarray(backbone.vision_encoder({"images": converter(images)}))
    for pooling in ("vector", "embedding"):
        branch = branches.from_preset(presets["siglip"], "image", pooling=pooling)
        assert branch.output.shape == (None, 16)
        np.testing.assert_allclose(branch.predict(images, verbose=0), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ConfigurationError, match="pools its tokens itself.*Received: pooling='tokens'"):
        branches.from_preset(presets["siglip"], "image", pooling="tokens")


def test_an_embedding_of_a_preset_without_two_towers_is_refused(presets):
    with pytest.raises(ConfigurationError, match="two-tower preset.*Received: preset='.*image', modality='image'"):
        branches.from_preset(presets["image"], "image", pooling="embedding")


def test_a_projection_needs_the_embedding_pooling(presets):
    backbone = keras_hub.models.Backbone.from_preset(presets["clip"])
    with pytest.raises(ConfigurationError, match="pooling='embedding'. Received: pooling='vector'"):
        PresetEncoder(backbone.vision_encoder, pooling="vector", projection=backbone.vision_projection)


def test_the_zero_shot_dual_encoder_searches_as_clip_ranks(presets, images, tmp_path):
    model = zoo.build("pretrained_dual_encoder", image_preset=presets["clip"], text_preset=presets["clip"],
                      image_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), sequence_length=SEQUENCE_LENGTH, embedding_dim=None)
    assert len(model.trainable_weights) == 1, "only the temperature trains: towers and projections are CLIP's, frozen"
    clip_images, clip_texts = _clip_reference(presets["clip"], images, TEXTS)
    clip_images /= np.linalg.norm(clip_images, axis=1, keepdims=True)
    clip_texts /= np.linalg.norm(clip_texts, axis=1, keepdims=True)
    image_embeddings = retrieval.embed(model, images, "image")
    np.testing.assert_allclose(image_embeddings, clip_images, atol=1e-5)
    photos = retrieval.build_index(model, {"image": images}, "image")
    ids, _ = retrieval.search(model, photos, TEXTS, "text", k=3)
    np.testing.assert_array_equal(ids, np.argsort(-(clip_texts @ clip_images.T), axis=1, kind="stable")[:, :3])
    model.save(tmp_path / "zero_shot.keras")
    loaded = keras.saving.load_model(tmp_path / "zero_shot.keras", safe_mode=True)
    np.testing.assert_allclose(retrieval.embed(loaded, TEXTS, "text"), retrieval.embed(model, TEXTS, "text"),
                               rtol=1e-6)


def test_branches_of_different_sizes_need_a_projection(presets):
    image = branches.from_preset(presets["clip"], "image", pooling="embedding")
    text = branches.from_preset(presets["text"], "text", sequence_length=12)
    with pytest.raises(ConfigurationError, match=r"one size. Received: output sizes \{'image': 8, 'text': 16\}"):
        retrieval.dual_encoder({"image": image, "text": text}, embedding_dim=None)


def test_joint_similarity_reads_the_loss_temperature_and_bias_of_the_presets_head(presets):
    assert branches.joint_similarity(presets["clip"]) == {
        "loss": "softmax", "temperature": pytest.approx(0.01, rel=1e-5), "bias": None}
    assert branches.joint_similarity(presets["siglip"]) == {
        "loss": "sigmoid", "temperature": pytest.approx(1 / 120.0, rel=1e-5), "bias": pytest.approx(-12.0)}
    with pytest.raises(ConfigurationError, match="logit scale.*Received: preset='.*image'"):
        branches.joint_similarity(presets["image"])


def _loss_of(model, inputs):
    model.compile(optimizer="sgd")
    return model.evaluate(inputs, batch_size=len(inputs["text"]), verbose=0, return_dict=True)["loss"]


def test_the_clip_joint_space_trains_with_clips_loss_and_temperature(presets, images):
    # keras-hub's CLIP scores a batch with its preprocessor and backbone; its loss is the cross-entropy both ways.
    model = zoo.build("pretrained_dual_encoder", image_preset=presets["clip"], text_preset=presets["clip"],
                      image_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), sequence_length=SEQUENCE_LENGTH, embedding_dim=None)
    backbone = keras_hub.models.Backbone.from_preset(presets["clip"])
    preprocessor = keras_hub.models.CLIPPreprocessor.from_preset(presets["clip"], sequence_length=SEQUENCE_LENGTH)
    inputs = preprocessor({"images": images[:5], "prompts": TEXTS})
    logits = backbone({"images": inputs["images"], "token_ids": inputs["token_ids"]})
    diagonal = np.arange(5)
    expected = np.mean([np.mean(keras.losses.sparse_categorical_crossentropy(diagonal, logits[name], from_logits=True))
                        for name in ("vision_logits", "text_logits")])
    assert _loss_of(model, {"image": images[:5], "text": TEXTS}) == pytest.approx(float(expected), rel=1e-4)


def test_the_siglip_joint_space_trains_with_siglips_own_loss_scale_and_bias(presets, images):
    from keras_hub.src.models.siglip.siglip_loss import SigLIPLoss

    model = zoo.build("pretrained_dual_encoder", image_preset=presets["siglip"], text_preset=presets["siglip"],
                      image_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), sequence_length=SEQUENCE_LENGTH, embedding_dim=None)
    loss_layer = model.get_layer("contrastive_loss")
    assert (loss_layer.loss, loss_layer.max_scale) == ("sigmoid", pytest.approx(120.0))
    backbone = keras_hub.models.Backbone.from_preset(presets["siglip"])
    preprocessor = keras_hub.models.SigLIPPreprocessor.from_preset(presets["siglip"], sequence_length=SEQUENCE_LENGTH)
    inputs = preprocessor({"images": images[:5], "prompts": TEXTS})
    logits = backbone({"images": inputs["images"], "token_ids": inputs["token_ids"]})["text_logits"]
    expected = SigLIPLoss()(2.0 * np.eye(5, dtype="float32") - 1.0, logits)
    assert _loss_of(model, {"image": images[:5], "text": TEXTS}) == pytest.approx(float(expected), rel=1e-4)
    softmax = zoo.build("pretrained_dual_encoder", image_preset=presets["siglip"], text_preset=presets["siglip"],
                        image_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), sequence_length=SEQUENCE_LENGTH, embedding_dim=None,
                        loss="softmax")
    assert softmax.get_layer("contrastive_loss").bias is None


def test_new_projections_start_from_clips_recipe_whatever_the_preset(presets):
    model = zoo.build("pretrained_dual_encoder", image_preset=presets["siglip"], text_preset=presets["siglip"],
                      image_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), sequence_length=SEQUENCE_LENGTH, embedding_dim=8)
    loss_layer = model.get_layer("contrastive_loss")
    assert (loss_layer.loss, loss_layer.temperature, loss_layer.max_scale) == ("softmax", 0.07, 100.0)


def test_an_unknown_loss_is_refused_before_any_preset_loads(tmp_path):
    with pytest.raises(ConfigurationError, match="Received: loss='hinge'"):
        zoo.build("pretrained_dual_encoder", image_preset=str(tmp_path / "missing"),
                  text_preset=str(tmp_path / "missing"), embedding_dim=None, loss="hinge")
