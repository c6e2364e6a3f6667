import keras
import numpy as np
import pytest

from mmzoo import zoo
from mmzoo.zoo import captioner
from harness import assert_no_lambda

OVERRIDES = {"image_shape": (32, 32, 1), "audio_dim": 64, "vocab_size": len(captioner.CAPTION_VOCABULARY),
             "units": 64, "embedding_dim": 32}


def _train(variant, epochs):
    keras.utils.set_random_seed(0)
    overrides = {**OVERRIDES, "variant": variant}
    model = zoo.build("trimodal_captioner", **overrides)
    inputs, targets = zoo.example_data("trimodal_captioner", 2000, seed=1, **overrides)
    model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(inputs, targets, epochs=epochs, batch_size=64, verbose=0)
    test_inputs, test_targets = zoo.example_data("trimodal_captioner", 200, seed=2, **overrides)
    return model, test_inputs, test_targets


def _token_accuracy(model, inputs, targets):
    predicted = model.predict(inputs, verbose=0).argmax(axis=-1)
    real = targets != 0
    return (predicted[real] == targets[real]).mean()


def _references(targets):
    return [list(row[:list(row).index(captioner.END_ID)]) for row in targets]


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["lstm", "transformer"])
def test_captioner_learns_and_decodes_the_reference_captions(variant, tmp_path):
    model, inputs, targets = _train(variant, epochs=12)
    assert _token_accuracy(model, inputs, targets) >= 0.95
    references = _references(targets)
    greedy = captioner.greedy_decode(model, inputs)
    assert np.mean([caption == reference for caption, reference in zip(greedy, references)]) >= 0.9
    first = {name: value[:20] for name, value in inputs.items()}
    beams = captioner.beam_search_decode(model, first, beam_width=3)
    assert np.mean([caption == reference for caption, reference in zip(beams, references[:20])]) >= 0.9
    assert captioner.caption_words(greedy[0]).startswith("a ")

    assert_no_lambda(model)
    path = tmp_path / "captioner.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(first, verbose=0), model.predict(first, verbose=0), rtol=1e-5, atol=1e-6)
    assert captioner.greedy_decode(loaded, first) == greedy[:20]


def test_decoding_stops_at_the_end_token_or_the_maximum_length():
    model = zoo.build("trimodal_captioner", **OVERRIDES)
    inputs, _ = zoo.example_data("trimodal_captioner", 4, seed=3, **OVERRIDES)
    for caption in captioner.greedy_decode(model, inputs, max_length=5):
        assert len(caption) <= 4 and captioner.END_ID not in caption
    for caption in captioner.beam_search_decode(model, inputs, beam_width=2, max_length=5):
        assert len(caption) <= 4 and captioner.END_ID not in caption


def test_teacher_forcing_targets_are_the_inputs_shifted_left():
    inputs, targets = zoo.example_data("trimodal_captioner", 5, seed=4, **OVERRIDES)
    assert (inputs["tokens"][:, 0] == captioner.START_ID).all()
    np.testing.assert_array_equal(inputs["tokens"][:, 1:], targets[:, :-1])


def test_beam_width_must_be_positive():
    model = zoo.build("trimodal_captioner", **OVERRIDES)
    with pytest.raises(ValueError, match="beam_width=0"):
        captioner.beam_search_decode(model, {"image": np.zeros((1, 32, 32, 1)), "audio": np.zeros((1, 64))},
                                     beam_width=0)
