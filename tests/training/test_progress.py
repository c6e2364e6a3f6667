"""The demo's training progress: a live bar on a terminal, one line per epoch elsewhere."""

import keras
import numpy as np

from mmzoo.training.progress import TrainingProgress


def _fit(progress):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(np.zeros((8, 3)), np.zeros(8), epochs=2, batch_size=4, verbose=0, callbacks=[progress])


def test_without_a_terminal_one_line_per_epoch(capsys):
    _fit(TrainingProgress("[1/1] concat", live=False))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[1/1] concat"
    assert [line.split(":")[0] for line in lines[1:]] == ["  epoch 1/2", "  epoch 2/2"]
    assert "loss" in lines[1] and "accuracy" in lines[1]


def test_on_a_terminal_one_bar_over_every_step(capsys):
    _fit(TrainingProgress("[1/1] concat", live=True))
    output = capsys.readouterr().out
    assert output.startswith("[1/1] concat\n") and "4/4" in output and "epoch" not in output


def test_the_fused_accuracy_shows_under_one_name_with_auxiliary_heads():
    from mmzoo.training.progress import TrainingProgress

    progress = TrainingProgress("concat", live=False)
    logs = {"loss": 1.5, "label_accuracy": 0.5, "image_auxiliary_accuracy": 0.4, "val_label_accuracy": 0.45}
    assert progress._values(logs) == [("loss", 1.5), ("accuracy", 0.5), ("val_accuracy", 0.45)]
