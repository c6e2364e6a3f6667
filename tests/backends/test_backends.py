"""mmzoo on the TensorFlow, JAX and PyTorch backends of Keras, each in its own process.

Keras reads `KERAS_BACKEND` once, at import, so every backend runs in a
subprocess of `bench/backend_table.py`, several features per process (an
import costs 10-20 s). The default suite runs the library's core on JAX;
the slow tests measure the whole feature x backend table and check that
the README shows exactly what they measured.
"""

import importlib.util
import pathlib

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
        with pytest.raises(ConfigurationError, match=r"JAX backend .*Received: strategy='multi_worker'"):
            strategy.choose_strategy("multi_worker")
        assert strategy.choose_strategy("mirrored")[0] == "mirrored"
        assert strategy.choose_strategy("auto")[0] == "default"


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
