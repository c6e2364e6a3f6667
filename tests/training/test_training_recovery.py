"""A training run killed mid-way resumes from its last saved epoch; no checkpoint is ever half-written."""

import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

import keras
import numpy as np
import pytest
from training_models import build_small

import mmzoo.training
from mmzoo._files import atomic_write
from mmzoo.training.checkpoints import BackupAndRestore, BestModelCheckpoint

CHILD = pathlib.Path(__file__).with_name("child.py")


class Interrupt(keras.callbacks.Callback):
    """Raises at the end of an epoch, as a crash would, after the checkpoints are written."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt(f"interrupted after epoch {epoch + 1}")


def test_a_failed_write_leaves_the_previous_file(tmp_path):
    path = tmp_path / "best.keras"
    path.write_text("previous")

    def write_half_then_fail(temporary):
        with open(temporary, "w") as file:
            file.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, write_half_then_fail)
    assert path.read_text() == "previous"
    assert os.listdir(tmp_path) == ["best.keras"]

    atomic_write(path, lambda temporary: pathlib.Path(temporary).write_text("new"))
    assert path.read_text() == "new"
    assert os.listdir(tmp_path) == ["best.keras"]


def _worker_scratch():
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("mmzoo-worker-")}


@pytest.mark.parametrize("chief", [True, False], ids=["chief", "other worker"])
def test_only_the_chief_writes_to_the_checkpoint_folder(chief, audio_task, tmp_path):
    inputs, labels = audio_task
    scratch_before = _worker_scratch()
    model = mmzoo.training.compile(build_small())
    callbacks = [BestModelCheckpoint(tmp_path / "best.keras", monitor="loss", chief=chief),
                 BackupAndRestore(tmp_path / "backup", chief=chief), Interrupt(epoch=1)]
    with pytest.raises(KeyboardInterrupt):
        model.fit(inputs, labels, epochs=3, batch_size=64, callbacks=callbacks, verbose=0)
    written = sorted(os.listdir(tmp_path))
    assert written == (["backup", "best.json", "best.keras"] if chief else [])
    assert _worker_scratch() == scratch_before, "workers delete their scratch folders"


def test_an_interrupted_run_resumes_where_it_stopped(audio_task, tmp_path):
    inputs, labels = audio_task
    options = dict(validation=(inputs, labels), epochs=4, batch_size=32, learning_rate=5e-3, seed=2,
                   shuffle=False, verbose=0)
    uninterrupted, _ = mmzoo.training.fit(build_small, (inputs, labels), **options)

    checkpoints = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        mmzoo.training.fit(build_small, (inputs, labels), checkpoint_dir=checkpoints,
                           callbacks=[Interrupt(epoch=1)], **options)
    state = json.loads((checkpoints / "backup" / "state.json").read_text())
    assert state == {"epoch": 2, "weights": "epoch-2.weights.h5"}
    assert sorted(os.listdir(checkpoints / "backup")) == ["epoch-2.weights.h5", "state.json"]

    resumed, history = mmzoo.training.fit(build_small, (inputs, labels), checkpoint_dir=checkpoints, **options)
    assert history.epoch == [2, 3]
    for expected, actual in zip(uninterrupted.get_weights(), resumed.get_weights()):
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)
    assert keras.saving.load_model(checkpoints / "best.keras", safe_mode=True).name == resumed.name


def _run_child(checkpoint_dir, output, log):
    return subprocess.Popen([sys.executable, str(CHILD), "resumable", str(output), str(checkpoint_dir)],
                            stdout=log, stderr=subprocess.STDOUT, text=True)


def _wait_for(predicate, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process.poll() is not None:
            raise AssertionError(f"the training process ended early with code {process.returncode}")
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s")


@pytest.mark.slow
def test_a_killed_process_resumes_from_its_saved_epoch(tmp_path):
    checkpoints, output = tmp_path / "run", tmp_path / "history.json"
    state_file = checkpoints / "backup" / "state.json"
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    processes = []
    try:
        with open(first_log, "w") as log:
            first = _run_child(checkpoints, output, log)
            processes.append(first)
            _wait_for(lambda: state_file.exists() and json.loads(state_file.read_text())["epoch"] >= 2,
                      first, timeout=180)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        assert first.returncode == -signal.SIGKILL
        saved = json.loads(state_file.read_text())["epoch"]
        done_before = [line for line in first_log.read_text().splitlines() if line.endswith(" done")]
        assert len(done_before) < 6, "the first run was killed before it finished"

        with open(second_log, "w") as log:
            second = _run_child(checkpoints, output, log)
            processes.append(second)
            assert second.wait(timeout=180) == 0, second_log.read_text()[-3000:]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    resumed = [int(line.split()[1]) for line in second_log.read_text().splitlines() if line.endswith(" done")]
    assert resumed == list(range(saved + 1, 7)), "the second run resumes after the saved epoch"
    assert json.loads(output.read_text())["epochs"] == list(range(saved, 6))
    best = keras.saving.load_model(checkpoints / "best.keras", safe_mode=True)
    assert best.output.shape == (None, 4)
    assert not [name for name in os.listdir(checkpoints) if name.startswith(".partial")]
    assert not (checkpoints / "backup").exists()
