"""`import mmzoo` is light for the command, and still registers mmzoo's layers for Keras users."""

import subprocess
import sys

import pytest

import mmzoo
from mmzoo import branches, heads


def _run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_import_mmzoo_alone_does_not_import_tensorflow():
    process = _run("import sys, mmzoo; print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    assert process.returncode == 0, process.stderr
    assert process.stdout.split() == ["False", "False"]


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    model = mmzoo.build_model(
        {"audio": branches.dense(input_dim=4, hidden_units=(3,)), "image": branches.dense(input_dim=5, hidden_units=(3,), name="image_dense")},
        fusion="gated", head=heads.multiclass(2), modality_dropout=0.2)
    path = tmp_path_factory.mktemp("saved") / "model.keras"
    model.save(path)
    return path


@pytest.mark.parametrize("imports", [
    "import keras, mmzoo",
    "import mmzoo, keras",
    "import mmzoo; import tensorflow; import keras",
    "import mmzoo; from keras import saving; import keras",
])
def test_a_saved_model_loads_in_a_fresh_process_whatever_the_import_order(saved_model, imports):
    process = _run(f"{imports}; model = keras.saving.load_model({str(saved_model)!r}, safe_mode=True); "
                   "print(sorted({type(layer).__name__ for layer in model.layers}))")
    assert process.returncode == 0, process.stderr
    for name in ("DotGatedFusion", "ModalityDropout", "Prediction"):
        assert name in process.stdout


def test_the_finder_waiting_for_keras_leaves_once_keras_is_imported():
    process = _run("import sys, mmzoo; waiting = [type(f).__module__ for f in sys.meta_path].count('mmzoo'); "
                   "import keras; left = [type(f).__module__ for f in sys.meta_path].count('mmzoo'); "
                   "print(waiting == 1, left == 0, 'mmzoo.fusion' in sys.modules)")
    assert process.returncode == 0, process.stderr
    assert process.stdout.split()[-3:] == ["True", "True", "True"]


def test_a_subpackage_imported_first_loads_every_subpackage_and_a_saved_model(saved_model):
    process = _run("from mmzoo.fusion import DotGatedFusion; import sys, keras, mmzoo; "
                   f"model = keras.saving.load_model({str(saved_model)!r}, safe_mode=True); "
                   "print(all(f'mmzoo.{name}' in sys.modules for name in mmzoo.SUBPACKAGES), "
                   "[type(f).__module__ for f in sys.meta_path].count('mmzoo'), "
                   "'DotGatedFusion' in {type(layer).__name__ for layer in model.layers})")
    assert process.returncode == 0, process.stderr
    assert process.stdout.split()[-3:] == ["True", "0", "True"]


def test_python_m_mmzoo_runs_the_command():
    process = subprocess.run([sys.executable, "-m", "mmzoo", "--help"], capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr
    assert "usage: mmzoo" in process.stdout


@pytest.mark.slow
@pytest.mark.parametrize("subpackage", [name for name in mmzoo.SUBPACKAGES if name != "fusion"])
def test_every_subpackage_imports_first_in_a_fresh_process(subpackage):
    process = _run(f"import mmzoo.{subpackage}, sys, mmzoo; "
                   "print(all(f'mmzoo.{name}' in sys.modules for name in mmzoo.SUBPACKAGES))")
    assert process.returncode == 0, process.stderr
    assert process.stdout.split()[-1] == "True"
