"""SIGKILL in the middle of a write leaves the previous good file or none, never a half-written one.

Each writer (`.keras` save, SavedModel and TFLite export, dataset
preparation) runs in a child process that writes over and over; the child
is killed at several moments: before and during the first write, at fixed
delays after a complete write, and as soon as a temporary name appears
(so that at least one kill lands in the middle of a write on a machine of
any speed). Only the temporary `.partial-*` names may hold a half-written
file.
"""

import os
import pathlib
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

from mmzoo import datasets, export
from mmzoo._files import TEMPORARY_PREFIX

WRITER = pathlib.Path(__file__).with_name("writer.py")
MID_WRITE = "mid-write"
KILL_AFTER = (0.0, 0.15, 0.8, MID_WRITE, MID_WRITE)
"""When the child dies: seconds after its first complete write (0.0: as soon as it starts, before any
write), or `MID_WRITE`: after a complete write, as soon as a temporary name shows that the next one began."""
MID_WRITE_TIMEOUT = 120.0


def _temporaries(folder):
    return list(folder.rglob(f"{TEMPORARY_PREFIX}*"))


def _run_and_kill(writer, folder, moment):
    """Starts the writer and kills it at `moment` (see `KILL_AFTER`)."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(pathlib.Path.cwd()), *sys.path])}
    child = subprocess.Popen([sys.executable, str(WRITER), writer, str(folder)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, env=environment)
    try:
        if not moment:
            time.sleep(3.0)  # importing mmzoo and TensorFlow, perhaps the start of the first write
            return
        assert child.stdout.readline().strip() == "written", "the writer died before its first write"
        if moment == MID_WRITE:
            deadline = time.monotonic() + MID_WRITE_TIMEOUT
            while not _temporaries(folder):
                assert time.monotonic() < deadline, f"no temporary name appeared in {MID_WRITE_TIMEOUT:.0f} s"
                time.sleep(0.0005)
        else:
            time.sleep(moment)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()


def _final_files(folder):
    return sorted(name for name in os.listdir(folder) if not name.startswith(TEMPORARY_PREFIX))


def _check_keras(folder):
    files = _final_files(folder)
    if "model.keras" in files:
        model, _ = export.load_keras(folder / "model.keras")
        assert model.count_params() > 1_000_000
    return files


def _check_saved_model(folder):
    files = _final_files(folder)
    if "model_saved" in files:
        served = tf.saved_model.load(str(folder / "model_saved"))
        assert served.serve({"audio": np.zeros((1, 256), np.float32)}).shape == (1, 10)
    return files


def _check_tflite(folder):
    files = _final_files(folder)
    if "model.tflite" in files:
        assert export.TFLitePredictor(folder / "model.tflite").predict(
            {"audio": np.zeros((1, 256), np.float32)}).shape == (1, 10)
    return files


def _check_prepare(folder):
    """Every finished shard reads in full; a folder with metadata streams every row."""
    for prepared in sorted(folder.glob("prepared-*")):
        for shard in prepared.glob("shard-*.tfrecord"):
            count = sum(1 for _ in tf.data.TFRecordDataset(str(shard)))  # raises DataLossError if truncated
            assert count > 0
        if (prepared / "metadata.json").exists():
            rows = sum(int(labels.shape[0]) for _, labels in datasets.from_prepared(prepared, batch_size=500))
            assert rows == 3000
    return _final_files(folder)


CHECKS = {"keras": _check_keras, "saved_model": _check_saved_model, "tflite": _check_tflite,
          "prepare": _check_prepare}
MOSTLY_WRITING = {"keras", "saved_model", "prepare"}
"""Writers whose temporary lives long enough that a kill as soon as it appears finds it still there (a TFLite
model is converted in memory, then written in a few milliseconds, and may be renamed before the kill lands)."""


@pytest.mark.slow
@pytest.mark.parametrize("writer", sorted(CHECKS))
def test_a_killed_writer_leaves_the_previous_file_or_none(writer, tmp_path):
    interrupted = 0
    for number, moment in enumerate(KILL_AFTER):
        folder = tmp_path / f"killed-{number}-{moment}"
        folder.mkdir()
        _run_and_kill(writer, folder, moment)
        files = CHECKS[writer](folder)
        if moment:
            assert files, "the previous good file is gone"
            interrupted += bool(_temporaries(folder))
    if writer in MOSTLY_WRITING:
        assert interrupted, "no kill landed in the middle of a write: the test proved nothing"
