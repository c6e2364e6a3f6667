"""`mmzoo train --strategy multi_worker`: two worker processes of a TF_CONFIG cluster train one model.

Every worker runs the same command with its own TF_CONFIG task, as on a
real cluster; each writes its run into its own `--out` here.
"""

import json
import os
import subprocess

import keras
import numpy as np
import pytest
from cli_runner import COMMAND
from cluster import free_ports, wait_for_all
from pairs_manifest import TEST_ROWS, write_pairs

TIMEOUT = 600


def _train_on_two_workers(folder, *options):
    """Runs `mmzoo train OPTIONS --strategy multi_worker --out folder/run<i>` as the two workers of a cluster.

    Returns:
        The chief's printed output, both histories and both trained models.
    """
    addresses = [f"127.0.0.1:{port}" for port in free_ports(2)]
    workers = []
    try:
        for index in range(2):
            tf_config = {"cluster": {"worker": addresses}, "task": {"type": "worker", "index": index}}
            env = {**{key: value for key, value in os.environ.items() if key != "MMZOO_TF_LOG"},
                   "TF_CONFIG": json.dumps(tf_config)}
            command = [*COMMAND, "train", *map(str, options), "--strategy", "multi_worker",
                       "--out", str(folder / f"run{index}")]
            log = open(folder / f"worker{index}.log", "w")
            workers.append((subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env), log))
        wait_for_all(workers, TIMEOUT)
    finally:
        for _, log in workers:
            log.close()
    histories = [json.loads((folder / f"run{index}" / "history.json").read_text()) for index in range(2)]
    models = [keras.saving.load_model(folder / f"run{index}" / "model.keras", safe_mode=True) for index in range(2)]
    return (folder / "worker0.log").read_text(), histories, models


def _assert_one_model(histories, models, epochs):
    """Both workers logged the same falling loss and hold the same weights."""
    assert histories[0] == histories[1] and len(histories[0]["loss"]) == epochs
    assert histories[0]["loss"][-1] < histories[0]["loss"][0], histories[0]
    # Each worker saw half of every batch: equal weights mean every step used both halves.
    for mine, theirs in zip(*(model.get_weights() for model in models)):
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.slow
def test_two_workers_train_one_dual_encoder(tmp_path):
    manifest = write_pairs(tmp_path, labels=False)
    printed, histories, models = _train_on_two_workers(
        tmp_path, "dual_encoder", "--data", manifest, "--image-col", "photo", "--text-col", "caption",
        "--epochs", 3, "--batch-size", 4)
    assert "(2 replica(s), batch 8)" in printed and "Epoch 3/3" in printed
    _assert_one_model(histories, models, 3)
    metrics = json.loads((tmp_path / "run0" / "metrics.json").read_text())
    assert metrics["batch_size"] == 8 and metrics["samples"] == len(TEST_ROWS)


@pytest.mark.slow
def test_two_workers_train_a_fusion_on_a_manifest(tmp_path):
    """The cluster's strategy is made before the manifest is decoded (TensorFlow refuses it after its first op)."""
    manifest = write_pairs(tmp_path)
    printed, histories, models = _train_on_two_workers(
        tmp_path, "concat", "--data", manifest, "--image-col", "photo", "--text-col", "caption",
        "--epochs", 3, "--batch-size", 4)
    assert "Epoch 3/3" in printed and "test accuracy" in printed
    _assert_one_model(histories, models, 3)
