"""`import mmzoo` is light for the command, and still registers mmzoo's layers for Keras users."""

import subprocess
import sys

import mmzoo
from mmzoo import branches, heads


def _run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_import_mmzoo_alone_does_not_import_tensorflow():
    process = _run("import sys, mmzoo; print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    assert process.returncode == 0, process.stderr
    assert process.stdout.split() == ["False", "False"]


def test_a_saved_model_loads_in_a_fresh_process_after_import_keras_then_mmzoo(tmp_path):
    model = mmzoo.build_model(
        {"audio": branches.dense(input_dim=4, hidden_units=(3,)), "image": branches.dense(input_dim=5, hidden_units=(3,), name="image_dense")},
        fusion="gated", head=heads.multiclass(2))
    path = tmp_path / "model.keras"
    model.save(path)
    process = _run(f"import keras, mmzoo; model = keras.saving.load_model({str(path)!r}, safe_mode=True); "
                   "print(sorted({type(layer).__name__ for layer in model.layers}))")
    assert process.returncode == 0, process.stderr
    assert "DotGatedFusion" in process.stdout and "Prediction" in process.stdout
