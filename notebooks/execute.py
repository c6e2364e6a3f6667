"""Runs the notebooks top to bottom and stores them with their outputs, without TensorFlow's start-up noise.

TensorFlow's C++ runtime writes start-up notes to the process's stderr
(`absl::InitializeLog`, oneDNN, CUDA drivers, `cuInit`) before its
`TF_CPP_MIN_LOG_LEVEL` applies. A Jupyter kernel forwards what the process
writes to its file descriptors into the notebook, so these lines landed
between the results. Here the kernel starts with `TF_CPP_MIN_LOG_LEVEL=3`
and without that forwarding (`--IPKernelApp.capture_fd_output=False`), so
the C++ notes stay in the terminal while Python's own output (prints,
progress bars, warnings) is kept:

    python notebooks/execute.py notebooks/quickstart.ipynb   # runs it, stores it with outputs
    python notebooks/execute.py --clean notebooks/*.ipynb    # only drops noise lines from stored outputs
"""

import argparse
import os
import pathlib
import re
from unittest import mock

import nbformat
from nbclient import NotebookClient

KERNEL_ARGUMENTS = ["--IPKernelApp.capture_fd_output=False"]
"""The kernel keeps writes to its file descriptors (TensorFlow's C++ logs) out of the notebook."""
NOISE = re.compile(r"absl::InitializeLog|oneDNN|cuInit|cuda drivers|cudart_stub|cpu_feature_guard|"
                   r"rebuild TensorFlow with the appropriate compiler flags|tf\.function retracing")
"""A line of TensorFlow's start-up or tracing noise, never a result."""


def execute(path, directory, small=False, timeout=900):
    """Runs a notebook in `directory` and returns it with its outputs.

    Args:
        path: The `.ipynb` file.
        directory: The working folder of the kernel.
        small: Sets `MMZOO_NOTEBOOK_SMALL=1` (the notebooks' small-data setting).
        timeout: Seconds allowed per cell.

    Returns:
        The executed `nbformat` notebook.
    """
    notebook = nbformat.read(path, as_version=4)
    environment = {"TF_CPP_MIN_LOG_LEVEL": "3", **({"MMZOO_NOTEBOOK_SMALL": "1"} if small else {})}
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", extra_arguments=KERNEL_ARGUMENTS,
                            resources={"metadata": {"path": str(directory)}})
    with mock.patch.dict(os.environ, environment):
        client.execute()
    return notebook


def noise_lines(notebook):
    """Returns the lines of the notebook's stream outputs that are TensorFlow noise."""
    return [line for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
            if output.get("output_type") == "stream" for line in output["text"].splitlines() if NOISE.search(line)]


def clean(notebook):
    """Drops the noise lines from the stream outputs (and outputs left empty); returns the notebook."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = "".join(line for line in output["text"].splitlines(keepends=True)
                                         if not NOISE.search(line))
                if not output["text"]:
                    continue
            kept.append(output)
        cell["outputs"] = kept
    return notebook


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--clean", action="store_true", help="only drop noise lines from the stored outputs")
    arguments = parser.parse_args()
    for path in arguments.notebooks:
        notebook = clean(nbformat.read(path, as_version=4)) if arguments.clean else execute(path, path.parent)
        nbformat.write(notebook, path)
        print(f"{path}: {'cleaned' if arguments.clean else 'executed'}")


if __name__ == "__main__":
    main()
