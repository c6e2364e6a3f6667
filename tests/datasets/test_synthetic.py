import numpy as np
import pytest

from mmzoo.datasets import synthetic


def test_same_seed_same_samples_other_seed_other_samples():
    first_inputs, first_labels = synthetic.generate(50, task="image+text+audio", seed=7)
    again_inputs, again_labels = synthetic.generate(50, task="image+text+audio", seed=7)
    other_inputs, _ = synthetic.generate(50, task="image+text+audio", seed=8)
    for name in synthetic.MODALITIES:
        np.testing.assert_array_equal(first_inputs[name], again_inputs[name])
        assert not np.array_equal(first_inputs[name], other_inputs[name])
    np.testing.assert_array_equal(first_labels, again_labels)


def test_shapes_dtypes_and_formats():
    inputs, labels = synthetic.generate(20, image_size=16, sequence_length=6, audio_dim=32)
    assert inputs["image"].shape == (20, 16, 16, 1) and inputs["image"].dtype == np.float32
    assert inputs["text"].shape == (20, 6) and inputs["text"].dtype == np.int32
    assert inputs["audio"].shape == (20, 32) and inputs["audio"].dtype == np.float32
    assert labels.dtype == np.int32
    raw, _ = synthetic.generate(5, audio_format="waveform", text_format="strings", modalities=("text", "audio"))
    assert sorted(raw) == ["audio", "text"]
    assert raw["audio"].shape == (5, int(synthetic.SAMPLE_RATE * synthetic.TONE_SECONDS))
    assert all(isinstance(text, str) and text for text in raw["text"])


@pytest.mark.parametrize("task, classes", [("image", 4), ("audio", 4), ("text", 4), ("image+audio", 2),
                                           ("image+text+audio", 2)])
def test_labels_cover_the_task_classes(task, classes):
    _, labels = synthetic.generate(400, task=task)
    assert synthetic.num_classes(task) == classes
    assert sorted(np.unique(labels)) == list(range(classes))


def test_text_holds_exactly_one_colour_word_naming_the_text_class():
    inputs, labels = synthetic.generate(200, task="text", text_format="strings", noise=0.0)
    for text, label in zip(inputs["text"], labels):
        colours = [word for word in text.split() if word in synthetic.COLOURS]
        assert colours == [synthetic.COLOURS[label]]


def test_tone_pitch_is_the_audio_class():
    inputs, labels = synthetic.generate(100, task="audio", audio_format="waveform", noise=0.0)
    spectrum = np.abs(np.fft.rfft(inputs["audio"], axis=-1))
    peak_hz = spectrum.argmax(axis=-1) * synthetic.SAMPLE_RATE / inputs["audio"].shape[-1]
    expected = np.asarray(synthetic.PITCHES_HZ)[labels]
    assert np.all(np.abs(peak_hz - expected) <= 0.06 * expected)


def test_image_shapes_differ_by_class():
    inputs, labels = synthetic.generate(400, task="image", noise=0.0, image_size=32)
    filled = inputs["image"].reshape(400, -1).mean(axis=1)
    means = [filled[labels == shape].mean() for shape in range(4)]
    assert len({round(value, 3) for value in means}) == 4


def test_noise_changes_the_signal():
    clean, _ = synthetic.generate(30, noise=0.0, seed=3)
    noisy, _ = synthetic.generate(30, noise=0.5, seed=3)
    assert set(np.unique(clean["image"])) <= {0.0, 1.0}
    assert not np.allclose(clean["audio"], noisy["audio"])


def _best_accuracy_from(factors, labels, modalities):
    """Bayes-optimal accuracy of a predictor that sees only these factors."""
    keys = np.stack([factors[name] for name in modalities], axis=1) if modalities else np.zeros((len(labels), 1))
    correct = 0
    for key in np.unique(keys, axis=0):
        group = labels[(keys == key).all(axis=1)]
        correct += np.bincount(group).max()
    return correct / len(labels)


@pytest.mark.parametrize("task, partial, expected_partial", [
    ("image+audio", [("image",), ("audio",)], 0.5),
    ("image+text+audio", [("image",), ("text",), ("audio",), ("image", "text"), ("text", "audio"),
                          ("image", "audio")], 0.75),
])
def test_multimodal_tasks_need_every_involved_modality(task, partial, expected_partial):
    _, labels, factors = synthetic.generate(4000, task=task, seed=5, return_factors=True)
    for modalities in partial:
        assert _best_accuracy_from(factors, labels, modalities) == pytest.approx(expected_partial, abs=0.03)
    assert _best_accuracy_from(factors, labels, synthetic.TASKS[task]) == 1.0


def test_sum_and_threshold_rules():
    _, labels, factors = synthetic.generate(2000, task="image+text+audio", rule="sum", seed=2, return_factors=True)
    np.testing.assert_array_equal(labels, factors["image"] + factors["text"] + factors["audio"])
    assert synthetic.num_classes("image+text+audio", "sum") == 10 == len(np.unique(labels))
    assert _best_accuracy_from(factors, labels, ("image", "text")) < 0.5
    _, binary, factors = synthetic.generate(2000, task="image+text", rule="threshold", seed=2, return_factors=True)
    np.testing.assert_array_equal(binary, (factors["image"] + factors["text"] > 3).astype(int))
    assert synthetic.num_classes("image+text", "threshold") == 2
    assert _best_accuracy_from(factors, binary, ("image",)) == pytest.approx(0.75, abs=0.03)
