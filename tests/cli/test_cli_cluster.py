"""`mmzoo train --strategy multi_worker`: two worker processes of a TF_CONFIG cluster train one model.

Every worker runs the same command, `--out` included, with its own
TF_CONFIG task, as on a real cluster with a shared file system: the chief
writes the run, the other worker nothing. (That the workers hold the same
weights is tested on `mmzoo.training.fit` in tests/training.)
"""

import json
import os
import subprocess

import numpy as np
import pytest
from cli_runner import COMMAND
from cluster import free_ports, wait_for_all
from pairs_manifest import TEST_ROWS, write_pairs

from mmzoo import export

TIMEOUT = 600


def _train_on_two_workers(folder, *options):
    """Runs `mmzoo train OPTIONS --strategy multi_worker --out folder/run` as the two workers of a cluster.

    Returns:
        The chief's printed output, the history and the trained model of the run folder.
    """
    addresses = [f"127.0.0.1:{port}" for port in free_ports(2)]
    workers = []
    try:
        for index in range(2):
            tf_config = {"cluster": {"worker": addresses}, "task": {"type": "worker", "index": index}}
            env = {**{key: value for key, value in os.environ.items() if key != "MMZOO_TF_LOG"},
                   "TF_CONFIG": json.dumps(tf_config)}
            command = [*COMMAND, "train", *map(str, options), "--strategy", "multi_worker",
                       "--out", str(folder / "run")]
            log = open(folder / f"worker{index}.log", "w")
            workers.append((subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env), log))
        wait_for_all(workers, TIMEOUT)
    finally:
        for _, log in workers:
            log.close()
    logs = [(folder / f"worker{index}.log").read_text() for index in range(2)]
    assert "its chief writes" in logs[1], "the other worker leaves the run to the chief"
    for log in logs:  # both start a new run, whichever worker makes --out first
        assert "Resuming" not in log and any(line.startswith("Training ") for line in log.splitlines()), log
    history = json.loads((folder / "run" / "history.json").read_text())
    model, _ = export.load_keras(folder / "run" / "model.keras")
    return logs[0], history, model


def _assert_trained(history, model, epochs):
    """The run folder holds the chief's whole run: a falling loss over every epoch and a model that predicts."""
    assert len(history["loss"]) == epochs
    assert history["loss"][-1] < history["loss"][0], history
    assert all(np.isfinite(weight).all() for weight in model.get_weights())


@pytest.mark.slow
def test_two_workers_train_one_dual_encoder(tmp_path):
    manifest = write_pairs(tmp_path, labels=False)
    printed, history, model = _train_on_two_workers(
        tmp_path, "dual_encoder", "--data", manifest, "--image-col", "photo", "--text-col", "caption",
        "--epochs", 3, "--batch-size", 4)
    assert "(2 replica(s), batch 8)" in printed and "Epoch 3/3" in printed
    _assert_trained(history, model, 3)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["batch_size"] == 8 and metrics["samples"] == len(TEST_ROWS)
    assert sorted(path.name for path in (tmp_path / "run").glob("*.index.npz")) == ["model.image.index.npz",
                                                                                   "model.text.index.npz"]


@pytest.mark.slow
def test_two_workers_train_a_fusion_on_a_manifest(tmp_path):
    """The cluster's strategy is made before the manifest is decoded (TensorFlow refuses it after its first op)."""
    manifest = write_pairs(tmp_path)
    printed, history, model = _train_on_two_workers(
        tmp_path, "concat", "--data", manifest, "--image-col", "photo", "--text-col", "caption",
        "--epochs", 3, "--batch-size", 4)
    assert "Epoch 3/3" in printed and "test accuracy" in printed
    _assert_trained(history, model, 3)
