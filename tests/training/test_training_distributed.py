"""Training through `mmzoo.training.fit` on several replicas and several worker processes.

Each run is a child process (`child.py`): logical CPU devices must be set
up before TensorFlow starts, and each worker of a cluster is a process.
"""

import json
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest
from cluster import free_ports, wait_for_all

CHILD = pathlib.Path(__file__).with_name("child.py")
TIMEOUT = 300


def _start(mode, output, log, env=None, checkpoint_dir=None):
    extra = [str(checkpoint_dir)] if checkpoint_dir else []
    return subprocess.Popen([sys.executable, str(CHILD), mode, str(output), *extra], stdout=log,
                            stderr=subprocess.STDOUT, env=env)


def _result(path):
    return json.loads(pathlib.Path(path).read_text())


def _run_cluster(folder, mode, checkpoint_dir=None):
    """Runs `child.py MODE` as the two workers of a TF_CONFIG cluster; returns the chief's and the other's results."""
    addresses = [f"127.0.0.1:{port}" for port in free_ports(2)]
    logs = [open(folder / f"worker{index}.log", "w") for index in range(2)]
    try:
        running = []
        for index, log in enumerate(logs):
            tf_config = {"cluster": {"worker": addresses}, "task": {"type": "worker", "index": index}}
            env = dict(os.environ, TF_CONFIG=json.dumps(tf_config))
            running.append((_start(mode, folder / f"worker{index}.json", log, env=env,
                                   checkpoint_dir=checkpoint_dir), log))
        wait_for_all(running, TIMEOUT)
    finally:
        for log in logs:
            log.close()
    return tuple(_result(folder / f"worker{index}.json") for index in range(2))


@pytest.mark.slow
def test_two_replicas_match_one_device_with_the_same_global_batch(tmp_path):
    results = {}
    for mode in ("single", "mirrored"):
        with open(tmp_path / f"{mode}.log", "w") as log:
            wait_for_all([(_start(mode, tmp_path / f"{mode}.json", log), log)], TIMEOUT)
        results[mode] = _result(tmp_path / f"{mode}.json")
    single, mirrored = results["single"]["history"], results["mirrored"]["history"]
    assert single["loss"][-1] < single["loss"][0]
    np.testing.assert_allclose(mirrored["loss"], single["loss"], rtol=1e-4)
    np.testing.assert_allclose(mirrored["val_loss"], single["val_loss"], rtol=1e-4)
    np.testing.assert_allclose(mirrored["accuracy"], single["accuracy"], atol=1e-6)


@pytest.mark.slow
def test_two_workers_train_to_identical_weights(tmp_path):
    checkpoints = tmp_path / "run"
    chief, other = _run_cluster(tmp_path, "worker", checkpoint_dir=checkpoints)
    assert chief["epochs"] == [0, 1, 2, 3]
    losses = chief["history"]["loss"]
    assert losses[-1] < 0.8 * losses[0], losses
    assert sorted(chief["history"]) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert chief["history"] == other["history"]
    assert len(chief["weights"]) == len(other["weights"]) > 0
    for mine, theirs in zip(chief["weights"], other["weights"]):
        np.testing.assert_array_equal(np.array(mine), np.array(theirs))
    assert "Epoch 4/4" in (tmp_path / "worker0.log").read_text(), "the chief shows progress"

    assert sorted(os.listdir(checkpoints)) == ["best.json", "best.keras"]
    best = keras.saving.load_model(checkpoints / "best.keras", safe_mode=True)
    val_losses = chief["history"]["val_loss"]
    assert json.loads((checkpoints / "best.json").read_text())["best"] == pytest.approx(min(val_losses))
    assert best.output.shape == (None, 4)


@pytest.mark.slow
def test_two_workers_train_a_dual_encoder_as_one_device_on_the_whole_batch(tmp_path):
    """The contrastive loss gathers both workers' pairs: 16 + 16 pairs step as one device on 32."""
    with open(tmp_path / "single.log", "w") as log:
        wait_for_all([(_start("dual_single", tmp_path / "single.json", log), log)], TIMEOUT)
    chief, other = _run_cluster(tmp_path, "dual_worker")
    single = _result(tmp_path / "single.json")
    losses = single["history"]["loss"]
    assert losses[-1] < 0.9 * losses[0], losses
    assert chief["history"] == other["history"]
    np.testing.assert_allclose(chief["history"]["loss"], losses, rtol=1e-4)
    for mine, reference in zip(chief["weights"], single["weights"]):
        np.testing.assert_allclose(np.array(mine), np.array(reference), atol=1e-4)
