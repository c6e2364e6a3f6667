"""Tests of `mmzoo.plots`: each figure is drawn from real inputs, saved as a PNG and inspected."""

import os

import keras
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest

import mmzoo
from mmzoo import branches, heads, plots
from mmzoo.datasets import synthetic
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.evaluation import classification_metrics

IMAGE_SIZE = 16
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path, min_bytes=5000):
    """Checks that `path` is a complete PNG image of some size, and no temporary file is left."""
    with open(path, "rb") as file:
        assert file.read(8) == PNG_SIGNATURE
    assert os.path.getsize(path) > min_bytes
    height, width = matplotlib.image.imread(path).shape[:2]
    assert height > 200 and width > 200
    leftovers = [name for name in os.listdir(os.path.dirname(path)) if name.startswith(".partial-")]
    assert not leftovers
    assert os.stat(path).st_mode & 0o777 == 0o644  # an ordinary file, not a private temporary one


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def tick_texts(labels):
    return [label.get_text() for label in labels]


@pytest.fixture(autouse=True)
def no_open_figures():
    """Every plot leaves pyplot without open figures."""
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


HISTORY = {
    "loss": [1.2, 0.8, 0.5], "accuracy": [0.5, 0.7, 0.8],
    "val_loss": [1.3, 0.9, 0.7], "val_accuracy": [0.45, 0.6, 0.75],
}


def test_training_curves_from_a_history_dict(tmp_path):
    path = tmp_path / "curves.png"
    figure = plots.training_curves(HISTORY, path=path)
    assert_png(path)
    axes = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    assert axes[0].get_xlabel() == "epoch"
    assert legend_texts(axes[0]) == ["training", "validation"]
    np.testing.assert_allclose(axes[1].lines[1].get_ydata(), [0.45, 0.6, 0.75])
    np.testing.assert_array_equal(axes[1].lines[0].get_xdata(), [1, 2, 3])


def test_training_curves_from_a_keras_history(tmp_path):
    inputs, labels = synthetic.generate(32, task="audio", image_size=IMAGE_SIZE, modalities=("image", "audio"))
    model = mmzoo.build_model(
        {"image": branches.conv2d(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 1), filters=(4,), units=8),
         "audio": branches.dense(input_dim=64, hidden_units=(8,))},
        head=heads.multiclass(4),
    )
    _, history = mmzoo.training.fit(model, (inputs, labels), validation=(inputs, labels), epochs=2, verbose=0)
    assert isinstance(history, keras.callbacks.History)
    figure = plots.training_curves(history, metrics=["accuracy"], path=tmp_path / "history.png")
    assert_png(tmp_path / "history.png")
    (ax,) = [ax for ax in figure.axes if ax.get_visible()]
    assert ax.get_title() == "accuracy" and len(ax.lines) == 2


def test_training_curves_bad_arguments(tmp_path):
    with pytest.raises(ArgumentTypeError, match="Received: history=\\[1, 2\\]"):
        plots.training_curves([1, 2])
    with pytest.raises(ConfigurationError, match="unknown: \\['f1'\\]. Received: metrics=\\['loss', 'f1'\\]"):
        plots.training_curves(HISTORY, metrics=["loss", "f1"])
    with pytest.raises(ConfigurationError, match="holds no training values. Received: history=\\{\\}"):
        plots.training_curves({})
    with pytest.raises(ConfigurationError, match="folder of `path` must exist. Received: path="):
        plots.training_curves(HISTORY, path=tmp_path / "missing" / "curves.png")


@pytest.fixture()
def multiclass_report():
    # Predictions a->a, a->b, b->b, b->b, c->c, c->a (see tests/evaluation/test_evaluation.py).
    probabilities = [[0.7, 0.2, 0.1], [0.3, 0.6, 0.1], [0.2, 0.7, 0.1],
                     [0.1, 0.8, 0.1], [0.1, 0.3, 0.6], [0.5, 0.1, 0.4]]
    return classification_metrics([0, 0, 1, 1, 2, 2], probabilities, class_names=["cat", "dog", "bird"])


def test_confusion_matrix_from_a_report(tmp_path, multiclass_report):
    path = tmp_path / "confusion.png"
    figure = plots.confusion_matrix(multiclass_report, path=path)
    assert_png(path)
    ax = figure.axes[0]
    assert tick_texts(ax.get_xticklabels()) == ["cat", "dog", "bird"]
    assert tick_texts(ax.get_yticklabels()) == ["cat", "dog", "bird"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    assert [text.get_text() for text in ax.texts] == ["1", "1", "0", "0", "2", "0", "1", "0", "1"]


def test_confusion_matrix_normalized_from_an_array(tmp_path):
    path = tmp_path / "normalized.png"
    # Row sums 4 and 2 (and an empty row): shares 3/4, 1/4; 1/2, 1/2; 0, 0.
    figure = plots.confusion_matrix(np.array([[3, 1, 0], [1, 1, 0], [0, 0, 0]]), normalize="true", path=path)
    assert_png(path)
    ax = figure.axes[0]
    assert [text.get_text() for text in ax.texts] == ["0.75", "0.25", "0.00", "0.50", "0.50", "0.00",
                                                       "0.00", "0.00", "0.00"]
    assert tick_texts(ax.get_xticklabels()) == ["0", "1", "2"]
    assert "normalized over true" in ax.get_title()


def test_confusion_matrix_bad_arguments(multiclass_report):
    multilabel = classification_metrics([[1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8]], task="multilabel")
    with pytest.raises(ConfigurationError, match="one 2x2 matrix per label"):
        plots.confusion_matrix(multilabel)
    with pytest.raises(ConfigurationError, match="Received: report_or_matrix of shape \\(2, 3\\)"):
        plots.confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ConfigurationError, match="Received: normalize='rows'"):
        plots.confusion_matrix(multiclass_report, normalize="rows")
    with pytest.raises(ConfigurationError, match="Received: class_names=\\['a', 'b'\\]"):
        plots.confusion_matrix(multiclass_report, class_names=["a", "b"])
    with pytest.raises(ArgumentTypeError, match="Received: report_or_matrix='matrix'"):
        plots.confusion_matrix("matrix")


def test_roc_curves_from_a_report(tmp_path, multiclass_report):
    path = tmp_path / "roc.png"
    figure = plots.roc_curves(multiclass_report, path=path)
    assert_png(path)
    ax = figure.axes[0]
    # One-vs-rest AUCs worked out in tests/evaluation/test_evaluation.py: 7/8, 1, 1.
    assert legend_texts(ax) == ["chance", "cat (AUC 0.875)", "dog (AUC 1.000)", "bird (AUC 1.000)"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("false positive rate", "true positive rate")
    # cat: positives {.7, .3}, negatives {.2, .1, .1, .5}: the curve passes (0, .5) then (.25, .5) and (.25, 1).
    cat = ax.lines[1]
    points = set(zip(cat.get_xdata().tolist(), cat.get_ydata().tolist()))
    assert {(0.0, 0.5), (0.25, 0.5), (0.25, 1.0), (1.0, 1.0)} <= points


def test_roc_curves_from_arrays_binary_and_multilabel(tmp_path):
    # Binary: positives {.4, .8, .9} vs negatives {.1, .6}: AUC 5/6.
    figure = plots.roc_curves([0, 0, 1, 1, 1], [0.1, 0.6, 0.4, 0.8, 0.9], class_names=["no", "yes"],
                              path=tmp_path / "binary.png")
    assert_png(tmp_path / "binary.png")
    assert legend_texts(figure.axes[0]) == ["chance", "yes (AUC 0.833)"]
    # Multilabel: the second label is always present, so its curve is undefined.
    figure = plots.roc_curves([[1, 1], [0, 1], [1, 1]], [[0.9, 0.2], [0.3, 0.8], [0.6, 0.5]],
                              path=tmp_path / "multilabel.png")
    assert_png(tmp_path / "multilabel.png")
    assert legend_texts(figure.axes[0]) == ["chance", "0 (AUC 1.000)", "1 (undefined)"]


def test_roc_curves_bad_arguments(multiclass_report):
    with pytest.raises(ConfigurationError, match="not both"):
        plots.roc_curves(multiclass_report, [[0.5, 0.5]])
    with pytest.raises(ConfigurationError, match="Received: probabilities=None"):
        plots.roc_curves([0, 1, 1])
    with pytest.raises(ConfigurationError, match="Received: labels from 0 to 5"):
        plots.roc_curves([0, 5], [[0.5, 0.5], [0.2, 0.8]])


def _two_modalities(fusion):
    return mmzoo.build_model(
        {"text": branches.embedding(len(synthetic.VOCABULARY), sequence_length=8, embedding_dim=8,
                                    pooling="tokens" if fusion == "attention" else "avg"),
         "audio": branches.dense(input_dim=64, hidden_units=(8,))},
        fusion=fusion, head=heads.multiclass(4),
    )


@pytest.mark.parametrize("fusion", ["weighted", "nonlinear", "late"])
def test_fusion_weights(tmp_path, fusion):
    model = _two_modalities(fusion)
    layer = model.get_layer(f"{fusion}_fusion")
    layer.set_weights([np.array([0.2, 0.7], "float32") if w.shape == (2,) else w for w in layer.get_weights()])
    path = tmp_path / f"{fusion}.png"
    figure = plots.fusion_weights(model, path=path)
    assert_png(path, min_bytes=3000)
    ax = figure.axes[0]
    assert tick_texts(ax.get_xticklabels()) == ["audio", "text"]
    assert ax.get_ylabel() == "weight" and fusion in ax.get_title()
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, list(layer.modality_weights().values()), rtol=1e-6)
    if fusion == "late":
        np.testing.assert_allclose(heights, [0.2, 0.7], rtol=1e-6)  # raw decision weights
    else:
        np.testing.assert_allclose(sum(heights), 1.0, rtol=1e-6)  # softmax of the scores
        assert heights[1] > heights[0]


def test_fusion_weights_of_a_layer_and_bad_arguments():
    model = _two_modalities("weighted")
    figure = plots.fusion_weights(model.get_layer("weighted_fusion"))
    assert len(figure.axes) == 1
    with pytest.raises(ConfigurationError, match="no weighted, nonlinear or late fusion layer"):
        plots.fusion_weights(_two_modalities("concat"))
    with pytest.raises(ArgumentTypeError, match="Received: model_or_layer='weighted'"):
        plots.fusion_weights("weighted")
    with pytest.raises(ConfigurationError, match="no weights until they are built"):
        plots.fusion_weights(mmzoo.fusion.WeightedFusion(name="unbuilt"))


@pytest.fixture()
def attention_model_and_inputs():
    inputs, _ = synthetic.generate(4, task="text", modalities=("text", "audio"))
    return _two_modalities("attention"), inputs


def test_attention_map(tmp_path, attention_model_and_inputs):
    model, inputs = attention_model_and_inputs
    path = tmp_path / "attention.png"
    figure = plots.attention_map(model, inputs, sample=2, path=path)
    assert_png(path)
    ax = figure.axes[0]
    expected = ["audio"] + [f"text {index}" for index in range(1, 9)]
    assert tick_texts(ax.get_xticklabels()) == expected
    assert tick_texts(ax.get_yticklabels()) == expected
    assert ax.get_title() == "attention, sample 2, mean over heads"
    scores, _ = mmzoo.fusion.attention_scores(model, inputs)
    np.testing.assert_allclose(ax.images[0].get_array(), scores[2].mean(axis=0), rtol=1e-6)
    figure = plots.attention_map(model, inputs, attention_head=1)
    np.testing.assert_allclose(figure.axes[0].images[0].get_array(), scores[0, 1], rtol=1e-6)


def test_attention_map_bad_arguments(attention_model_and_inputs):
    model, inputs = attention_model_and_inputs
    with pytest.raises(ConfigurationError, match="below the batch size 4. Received: sample=4"):
        plots.attention_map(model, inputs, sample=4)
    with pytest.raises(ConfigurationError, match="below the number of heads 2. Received: attention_head=2"):
        plots.attention_map(model, inputs, attention_head=2)
    with pytest.raises(ConfigurationError, match="Received: sample=-1"):
        plots.attention_map(model, inputs, sample=-1)
    with pytest.raises(ArgumentTypeError, match="Received: inputs="):
        plots.attention_map(model, [inputs["text"], inputs["audio"]])
    with pytest.raises(ConfigurationError, match="exactly one AttentionFusion"):
        plots.attention_map(_two_modalities("concat"), inputs)


def test_robustness_curves(tmp_path):
    path = tmp_path / "robustness.png"
    curves = {"image, gaussian": ([0.0, 0.5, 1.0], [0.9, 0.7, 0.4]), "audio, missing": ((0, 1), (0.9, 0.6))}
    figure = plots.robustness_curves(curves, title="AV-MNIST", path=path)
    assert_png(path)
    ax = figure.axes[0]
    assert ax.get_title() == "AV-MNIST"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("noise level", "accuracy")
    assert legend_texts(ax) == ["image, gaussian", "audio, missing"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.9, 0.7, 0.4])
    # Saving again replaces the file.
    plots.robustness_curves({"one": ([0, 1], [1.0, 0.5])}, path=path)
    assert_png(path)


def test_robustness_curves_bad_arguments():
    with pytest.raises(ArgumentTypeError, match="Received: curves=\\[\\]"):
        plots.robustness_curves([])
    with pytest.raises(ConfigurationError, match="Received: curves=\\{\\}"):
        plots.robustness_curves({})
    with pytest.raises(ConfigurationError, match="2 levels and 3 accuracies"):
        plots.robustness_curves({"a": ([0, 1], [0.9, 0.8, 0.7])})
    with pytest.raises(ConfigurationError, match="pair \\(levels, accuracies\\). Received: curves\\['a'\\]=0.9"):
        plots.robustness_curves({"a": 0.9})
    with pytest.raises(ConfigurationError, match="Received: curves\\['a'\\] accuracies=\\['high'\\]"):
        plots.robustness_curves({"a": ([0], ["high"])})
    with pytest.raises(ArgumentTypeError, match="Received: title=3"):
        plots.robustness_curves({"a": ([0], [1.0])}, title=3)


def test_model_comparison_draws_a_bar_per_model_and_the_reference_line(tmp_path):
    path = tmp_path / "comparison.png"
    figure = plots.model_comparison({"image only": 0.61, "audio only": [0.66, 0.70], "concat": [0.88, 0.9]},
                                    single_modality=["image only", "audio only"],
                                    references={"plain Keras concat": 0.87}, path=path)
    ax = figure.axes[0]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["image only", "audio only", "concat"]
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == pytest.approx([0.61, 0.68, 0.89])
    assert [line.get_ydata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"] == [0.87]
    assert path.is_file() and path.stat().st_size > 0


@pytest.mark.parametrize("arguments, message", [
    ({"scores": {}}, "scores="),
    ({"scores": {"a": "high"}}, "scores\\['a'\\]"),
    ({"scores": {"a": 0.5}, "single_modality": ["b"]}, "single_modality=\\['b'\\]"),
    ({"scores": {"a": 0.5}, "references": [0.4]}, "references=\\[0.4\\]"),
])
def test_model_comparison_names_bad_arguments(arguments, message):
    with pytest.raises((mmzoo.ConfigurationError, mmzoo.ArgumentTypeError), match=message):
        plots.model_comparison(**arguments)


@pytest.mark.parametrize("epochs", [1, 3, 40])
def test_training_curves_tick_whole_epochs(epochs):
    figure = plots.training_curves({"loss": list(np.linspace(1, 0.5, epochs)), "val_loss": [1.0] * epochs})
    ticks = figure.axes[0].get_xticks()
    assert all(float(tick).is_integer() for tick in ticks)
    if epochs <= 15:
        assert list(ticks) == list(range(1, epochs + 1))
    assert len(figure.axes[0].get_lines()) == 2
