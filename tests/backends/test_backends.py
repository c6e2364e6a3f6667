"""mmzoo on the TensorFlow, JAX and PyTorch backends of Keras, each in its own process.

Keras reads `KERAS_BACKEND` once, at import, so every backend runs in a
subprocess of `bench/backend_table.py`, several features per process (an
import costs 10-20 s). The default suite runs the library's core on JAX;
the slow tests measure the whole feature x backend table and check that
the README shows exactly what they measured.
"""

import importlib.util
import json
import os
import pathlib
import socket
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("backend_table", ROOT / "bench" / "backend_table.py")
backend_table = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backend_table)


def needs(backend):
    return pytest.mark.skipif(not backend_table.installed(backend), reason=f"{backend} is not installed")


SMOKE = ("log_mel_layer", "conditional_gan", "evaluate")
"""The default suite's share: three features that hold backend-specific code, in one JAX process."""


@needs("jax")
def test_the_backend_specific_parts_run_on_jax(tmp_path):
    assert backend_table.measure("jax", list(SMOKE), tmp_path) == {name: "yes" for name in SMOKE}


@pytest.mark.slow
@needs("torch")
def test_the_core_and_the_command_run_on_pytorch(tmp_path):
    names = list(backend_table.QUICK) + ["cli_list", "cli_train"]
    assert backend_table.measure("torch", names, tmp_path) == {name: "yes" for name in names}


@pytest.mark.slow
def test_the_readme_table_is_the_measured_one():
    """Every cell of the README's table is measured again; columns of backends not installed are skipped."""
    backends = [backend for backend in backend_table.BACKENDS if backend_table.installed(backend)]
    measured = backend_table.markdown(backend_table.measure_all(backends), backends)
    shown = backend_table.readme_table(backend_table.README.read_text(encoding="utf-8"))
    columns = [0] + [1 + backend_table.BACKENDS.index(backend) for backend in backends]
    assert [[row[index] for index in columns] for row in map(cells, shown.splitlines())] == \
        list(map(cells, measured.splitlines()))


def cells(line):
    """The cells of a Markdown table row."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_a_tf_distribute_strategy_on_another_backend_is_a_clear_error(tmp_path):
    """Runs in this process: the check only reads the backend's name."""
    from unittest import mock

    import keras

    from mmzoo.errors import ConfigurationError
    from mmzoo.training import strategy

    with mock.patch.object(keras.backend, "backend", return_value="torch"):
        with pytest.raises(ConfigurationError, match=r"PyTorch backend .*KERAS_BACKEND=torch.*Received: strategy='mirrored'"):
            strategy.choose_strategy("mirrored")
    with mock.patch.object(keras.backend, "backend", return_value="jax"):
        with pytest.raises(ConfigurationError, match=r"JAX backend .*Received: strategy='tpu'"):
            strategy.choose_strategy("tpu")
        assert strategy.choose_strategy("mirrored")[0] == "mirrored"
        assert strategy.choose_strategy("multi_worker")[0] == "multi_worker"
        assert strategy.choose_strategy("auto")[0] == "default"


def test_a_jax_cluster_is_chosen_from_the_environment_and_named_when_incomplete(monkeypatch):
    """Runs in this process: only the choice and the checks, no cluster is joined."""
    from unittest import mock

    import keras

    from mmzoo.errors import ConfigurationError
    from mmzoo.training import strategy

    for variable in strategy.JAX_CLUSTER_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    with mock.patch.object(keras.backend, "backend", return_value="jax"):
        assert strategy.choose_strategy("auto")[0] == "default"
        monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "2")
        assert strategy.choose_strategy("auto") == (
            "multi_worker", "KERAS_DISTRIBUTION_NUM_PROCESSES describes a cluster of 2 processes")
        with pytest.raises(ConfigurationError, match=r"KERAS_DISTRIBUTION_JOB_ADDRESSES, .*Received: "
                                                     r"strategy='multi_worker' without KERAS_DISTRIBUTION_JOB_"
                                                     r"ADDRESSES, KERAS_DISTRIBUTION_PROCESS_ID"):
            strategy.get_strategy("auto")
        monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "two")
        with pytest.raises(ConfigurationError, match=r"Received: KERAS_DISTRIBUTION_NUM_PROCESSES='two'"):
            strategy.choose_strategy("auto")


def test_export_on_another_backend_is_a_clear_error_before_any_file(tmp_path):
    """Runs in this process: the check reads the backend's name and the model's variables."""
    from unittest import mock

    import keras

    import mmzoo
    from mmzoo import branches, export, heads
    from mmzoo.errors import ConfigurationError

    plain = mmzoo.build_model({"audio": branches.dense(input_dim=8, hidden_units=(4,))}, head=heads.multiclass(3))
    random = mmzoo.build_model({"audio": branches.dense(input_dim=8, hidden_units=(4,), dropout=0.3)},
                               head=heads.multiclass(3))
    with mock.patch.object(keras.backend, "backend", return_value="torch"):
        with pytest.raises(ConfigurationError, match=r"SavedModel export needs the TensorFlow backend.*PyTorch "
                                                     r"\(KERAS_BACKEND=torch\).*KERAS_BACKEND=tensorflow"):
            export.export_saved_model(plain, tmp_path / "saved")
        with pytest.raises(ConfigurationError, match="TFLite export needs the TensorFlow backend"):
            export.export_tflite(plain, tmp_path / "model.tflite")
    with mock.patch.object(keras.backend, "backend", return_value="jax"):
        with pytest.raises(ConfigurationError, match=r"runs JAX .*random layers"):
            export.export_tflite(random, tmp_path / "model.tflite")
    assert not list(tmp_path.iterdir())


WORKER = ROOT / "tests" / "backends" / "jax_cluster_worker.py"


def _jax_environment(**variables):
    environment = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", **variables,
                   "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    environment.pop("XLA_FLAGS", None)
    return environment


def _jax_cluster(tmp_path, *arguments):
    """Runs `jax_cluster_worker.py` as the two processes of a local JAX cluster; returns their reports."""
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        port = probe.getsockname()[1]
    workers = []
    for process in range(2):
        environment = _jax_environment(KERAS_DISTRIBUTION_JOB_ADDRESSES=f"localhost:{port}",
                                       KERAS_DISTRIBUTION_NUM_PROCESSES="2",
                                       KERAS_DISTRIBUTION_PROCESS_ID=str(process))
        workers.append(subprocess.Popen(
            [sys.executable, str(WORKER), str(tmp_path / f"checkpoints-{process}"), "auto", *arguments],
            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    try:
        outputs = [worker.communicate(timeout=300) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:  # a timeout: the other one waits for it forever
                worker.kill()
    reports = []
    for worker, (out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err[-3000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    assert [report["process"] for report in reports] == [0, 1]
    for report in reports:
        assert (report["processes"], report["strategy"], report["replicas"]) == (2, "KerasDataParallel", 2)
    assert reports[0]["weights"] == reports[1]["weights"], "the two processes hold different models"
    assert reports[0]["history"] == reports[1]["history"]
    assert (tmp_path / "checkpoints-0" / "best.keras").is_file(), "process 0 wrote no checkpoint"
    assert not (tmp_path / "checkpoints-1").exists(), "process 1 wrote checkpoints too"
    return reports


@needs("jax")
def test_multi_worker_on_jax_trains_one_model_over_two_processes(tmp_path):
    """Two local processes form a JAX cluster (`keras.distribution.initialize`, gloo on CPU)."""
    reports = _jax_cluster(tmp_path)
    assert reports[0]["history"]["accuracy"][-1] > 0.9


@pytest.mark.slow
@needs("jax")
def test_a_dual_encoder_on_a_jax_cluster_trains_as_on_one_device_with_the_whole_batch(tmp_path):
    """The contrastive loss sees the global batch: two processes of 16 pairs step as one device on 32."""
    reports = _jax_cluster(tmp_path, "dual_encoder")
    reference = subprocess.run([sys.executable, str(WORKER), str(tmp_path / "reference"), "default", "dual_encoder"],
                               env=_jax_environment(), capture_output=True, text=True, timeout=300)
    assert reference.returncode == 0, reference.stderr[-3000:]
    one_device = json.loads(reference.stdout.strip().splitlines()[-1])
    assert one_device["replicas"] == 1
    losses = reports[0]["history"]["loss"]
    assert losses[-1] < 0.8 * losses[0], losses
    np.testing.assert_allclose(losses, one_device["history"]["loss"], rtol=1e-4)
    np.testing.assert_allclose(reports[0]["weights"], one_device["weights"], rtol=1e-3, atol=1e-3)
