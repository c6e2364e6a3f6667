"""Runs the `mmzoo` command in a subprocess, as a user would."""

import os
import shutil
import subprocess
import sys

COMMAND = [shutil.which("mmzoo")] if shutil.which("mmzoo") else [sys.executable, "-m", "mmzoo"]


def run_mmzoo(*arguments, cwd=None, timeout=600):
    """Runs `mmzoo ARGUMENTS` and returns the completed process (text stdout and stderr)."""
    env = {key: value for key, value in os.environ.items() if key != "MMZOO_TF_LOG"}
    return subprocess.run([*COMMAND, *map(str, arguments)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


def assert_one_line_error(process, *fragments):
    """Asserts a failed run: non-zero status, one `mmzoo: error:` line naming every fragment, no traceback."""
    assert process.returncode != 0, process.stdout
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1, process.stderr
    assert lines[0].startswith("mmzoo: error: "), process.stderr
    for fragment in fragments:
        assert str(fragment) in lines[0], (fragment, lines[0])
