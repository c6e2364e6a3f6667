"""Every notebook runs top to bottom without errors (small-data setting)."""

import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


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


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MMZOO_NOTEBOOK_SMALL", "1")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    assert not errors
    assert not list(tmp_path.iterdir()), "the notebook left files behind"
