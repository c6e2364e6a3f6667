"""Every notebook runs top to bottom without errors (small-data setting)."""

import importlib.util
import pathlib

import nbformat
import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
_spec = importlib.util.spec_from_file_location("execute", NOTEBOOKS[0].parent / "execute.py")
execute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(execute)


def test_every_zoo_entry_appears_in_a_notebook():
    from mmzoo import zoo

    text = " ".join(path.read_text(encoding="utf-8") for path in NOTEBOOKS)
    missing = [name for name in zoo.available() if name not in text]
    assert not missing, missing


def test_notebooks_are_stored_with_outputs():
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert all(cell.get("execution_count") for cell in code_cells), f"{path.name} has unexecuted cells"
        assert any(cell.get("outputs") for cell in code_cells), f"{path.name} has no outputs"


def test_stored_notebooks_hold_no_tensorflow_start_up_noise():
    noisy = {path.name: execute.noise_lines(nbformat.read(path, as_version=4))[:2] for path in NOTEBOOKS}
    assert not {name: lines for name, lines in noisy.items() if lines}


def test_the_noise_filter_keeps_results():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("stream", name="stderr", text="WARNING: All log messages before absl::InitializeLog() "
                               "is called are written to STDERR\nI0000 port.cc:153] oneDNN custom operations are on.\n"),
        nbformat.v4.new_output("stream", name="stdout", text="accuracy 0.91\nE0000 failed call to cuInit: INTERNAL\n")])])
    assert len(execute.noise_lines(notebook)) == 3
    assert [output["text"] for output in execute.clean(notebook).cells[0].outputs] == ["accuracy 0.91\n"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    notebook = execute.execute(path, tmp_path, small=True)
    assert not execute.noise_lines(notebook)
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    assert not errors
    assert not list(tmp_path.iterdir()), "the notebook left files behind"
