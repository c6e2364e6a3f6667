"""`mmzoo --version` prints the package's one version; `--version` and every `--help` import no TensorFlow."""

import subprocess
import sys

import pytest
from cli_runner import run_mmzoo

import mmzoo


def test_version_prints_the_package_version():
    process = run_mmzoo("--version")
    assert process.returncode == 0, process.stderr
    assert process.stdout == f"mmzoo {mmzoo.__version__}\n"
    assert process.stderr == ""


@pytest.mark.parametrize("argument", ["--version", "--help", "list --help", "describe --help", "demo --help",
                                      "train --help", "evaluate --help", "export --help"])
def test_version_and_help_answer_without_importing_tensorflow_or_keras(argument):
    code = (
        "import sys\n"
        "from mmzoo.cli import main\n"
        "try:\n"
        f"    main({argument.split()!r})\n"
        "except SystemExit as stop:\n"
        "    status = stop.code\n"
        "print('status', status, 'loaded', sorted({'tensorflow', 'keras'} & set(sys.modules)), file=sys.stderr)\n"
    )
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert process.stderr.strip().splitlines()[-1] == "status 0 loaded []", process.stderr
    assert "mmzoo" in process.stdout
