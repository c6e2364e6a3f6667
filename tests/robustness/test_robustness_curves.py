"""`robustness` and `ablation` on a small model trained on a task only the image solves."""

import numpy as np
import pytest
import tensorflow as tf

import mmzoo
from mmzoo import branches, heads
from mmzoo.datasets import synthetic
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.robustness import RobustnessResult, ablation, robustness

LEVELS = (0.0, 0.25, 0.5, 1.0)


def build(modality_dropout=None):
    return mmzoo.build_model(
        {"image": branches.conv2d(input_shape=(16, 16, 1), filters=(8,), units=16),
         "audio": branches.dense(input_dim=64, hidden_units=(8,))},
        head=heads.multiclass(4), modality_dropout=modality_dropout,
    )


@pytest.fixture(scope="module")
def trained():
    """A model whose 4-class label is the image's shape, and its test data."""
    inputs, labels = synthetic.generate(640, task="image", image_size=16, modalities=("image", "audio"), seed=2,
                                        noise=0.05, jitter=False)
    train = ({name: values[:512] for name, values in inputs.items()}, labels[:512])
    test = ({name: values[512:] for name, values in inputs.items()}, labels[512:])
    model, _ = mmzoo.training.fit(lambda: build(), train, epochs=10, batch_size=32, verbose=0, seed=0)
    return model, test


def test_result_fields_follow_the_curve(trained):
    model, test = trained
    result = robustness(model, test, modality="image", noise="gaussian", levels=LEVELS, seed=0)
    assert isinstance(result, RobustnessResult)
    assert (result.modality, result.noise, result.levels) == ("image", "gaussian", LEVELS)
    assert len(result.accuracies) == len(LEVELS)
    assert result.clean_accuracy == result.accuracies[0] > 0.8
    assert result.accuracies[-1] < result.clean_accuracy - 0.2
    area = sum((a + b) / 2 * (y - x) for x, y, a, b in zip(LEVELS, LEVELS[1:], result.accuracies,
                                                             result.accuracies[1:]))
    assert result.relative_robustness == pytest.approx(area)
    assert result.effective_robustness is None and result.reference_accuracies is None
    predictions = model.predict(test[0], verbose=0).argmax(-1)
    assert result.clean_accuracy == pytest.approx(np.mean(predictions == test[1]))


def test_effective_robustness_against_a_reference(trained):
    model, test = trained
    against_itself = robustness(model, test, "image", "occlusion", levels=LEVELS, reference=model)
    assert against_itself.effective_robustness == pytest.approx(0.0)
    assert against_itself.reference_accuracies == against_itself.accuracies

    chance = np.full(len(LEVELS), 0.25)
    reference = RobustnessResult("image", "occlusion", LEVELS, tuple(chance), 0.25, label="chance")
    result = robustness(model, test, "image", "occlusion", levels=LEVELS, reference=reference,
                        reference_label="chance")
    drops = np.array(result.accuracies) - result.accuracies[0]
    expected = sum((a + b) / 2 * (y - x) for x, y, a, b in zip(LEVELS, LEVELS[1:], drops, drops[1:]))
    assert result.effective_robustness == pytest.approx(expected)
    assert result.effective_robustness < 0.0  # loses more than a flat reference
    assert set(result.curves()) == {"model", "chance"}


def test_audio_noise_matters_less_than_image_noise_to_an_image_task(trained):
    model, test = trained
    audio = robustness(model, test, "audio", "white_noise", levels=LEVELS)
    image = robustness(model, test, "image", "salt_and_pepper", levels=LEVELS)
    assert audio.relative_robustness > 0.9
    assert audio.relative_robustness > image.relative_robustness + 0.2


def test_ablation_shows_reliance_on_the_image(trained):
    model, test = trained
    result = ablation(model, test)
    assert result.clean_accuracy > 0.8
    assert result.reliance["image"] > 0.4
    assert abs(result.reliance["audio"]) < 0.1
    assert result.accuracies["image"] == pytest.approx(result.clean_accuracy - result.reliance["image"])


def test_dataset_input_gives_the_same_numbers(trained):
    model, test = trained
    dataset = tf.data.Dataset.from_tensor_slices(test).batch(32)
    assert ablation(model, dataset) == ablation(model, test)


def test_missing_noise_uses_the_model_convention(trained):
    model, test = trained
    result = robustness(model, test, "image", "missing", levels=(0.0, 1.0))
    zeros = {**test[0], "image": np.zeros_like(test[0]["image"])}
    assert result.accuracies[1] == pytest.approx(np.mean(model.predict(zeros, verbose=0).argmax(-1) == test[1]))

    with_dropout = build(modality_dropout=0.3)
    missing = robustness(with_dropout, test, "image", "missing", levels=(0.0, 1.0))
    assert 0.0 <= missing.accuracies[1] <= 1.0


def test_plot_writes_a_png(trained, tmp_path):
    model, test = trained
    result = robustness(model, test, "image", "blur", levels=LEVELS, reference=model, label="cnn")
    figure = result.plot(path=tmp_path / "curve.png")
    assert (tmp_path / "curve.png").stat().st_size > 1000
    assert figure is not None


@pytest.mark.parametrize("kwargs,error,match", [
    ({"model": "model"}, ArgumentTypeError, "model='model'"),
    ({"data": [1, 2, 3]}, ArgumentTypeError, "data="),
    ({"modality": "text"}, ConfigurationError, "modality='text'"),
    ({"noise": "fog"}, ConfigurationError, "noise='fog'"),
    ({"levels": (0.0,)}, ConfigurationError, "levels="),
    ({"levels": (0.0, 0.5, 0.3)}, ConfigurationError, "strictly increasing"),
    ({"levels": (0.0, 2.0)}, ConfigurationError, "levels=2.0"),
    ({"seed": -1}, ConfigurationError, "seed=-1"),
    ({"max_std": 0.3, "noise": "blur"}, ConfigurationError, r"options=\['max_std'\]"),
    ({"reference": RobustnessResult("image", "blur", (0.0, 1.0), (1.0, 0.5), 0.75)}, ConfigurationError,
     "share the modality"),
])
def test_bad_arguments(trained, kwargs, error, match):
    model, test = trained
    arguments = {"model": model, "data": test, "modality": "image", "noise": "gaussian", "levels": LEVELS, **kwargs}
    with pytest.raises(error, match=match):
        robustness(**arguments)


def test_multitask_models_are_refused(trained):
    _, test = trained
    model = mmzoo.build_model({"image": branches.conv2d(input_shape=(16, 16, 1), filters=(4,))},
                              head=heads.multitask({"a": heads.multiclass(4), "b": heads.regression(1)}))
    with pytest.raises(ConfigurationError, match="one multiclass or binary"):
        ablation(model, test)
