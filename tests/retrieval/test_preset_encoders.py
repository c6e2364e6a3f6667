"""A dual encoder over pretrained keras-hub towers: tiny random presets saved to disk, as a user's downloaded ones."""

import keras
import numpy as np
import pytest

from mmzoo import branches
from mmzoo.evaluation import cross_modal_metrics
from mmzoo.retrieval import dual_encoder, embed

pytest.importorskip("keras_hub")  # the "hub" extra: pip install -e ".[dev,hub]"

from hub_presets import example_data, save_tiny_presets  # noqa: E402


def test_preset_towers_learn_a_shared_space_search_it_and_reload(tmp_path):
    presets = save_tiny_presets(str(tmp_path / "presets"))
    inputs, labels = example_data(64)
    pairs = {"text": inputs["text"], "image": inputs["image"]}
    model = dual_encoder({"text": branches.from_preset(presets["text"], "text", sequence_length=12, trainable=True),
                          "image": branches.from_preset(presets["image"], "image")}, embedding_dim=8)
    before = cross_modal_metrics({modality: embed(model, pairs, modality) for modality in pairs}, labels)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    losses = model.fit(pairs, epochs=10, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < 0.8 * losses[0], losses
    embeddings = {modality: embed(model, pairs, modality) for modality in pairs}
    after = cross_modal_metrics(embeddings, labels)
    for direction in ("text->image", "image->text"):
        assert after[direction]["class"]["recall@1"] >= 0.9, (before[direction], after[direction])
    as_bytes = np.array([text.encode("utf-8") for text in pairs["text"]], dtype=object)   # as tf.data gives texts
    np.testing.assert_allclose(embed(model, as_bytes, "text"), embeddings["text"], atol=1e-6)
    model.save(tmp_path / "towers.keras")
    loaded = keras.saving.load_model(tmp_path / "towers.keras", safe_mode=True)
    for modality in pairs:
        np.testing.assert_allclose(embed(loaded, pairs, modality), embeddings[modality], atol=1e-5)
