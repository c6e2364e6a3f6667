"""The `mmzoo` command: list, describe, demo, train, evaluate and export from a shell.

Run `mmzoo --help` (or `python -m mmzoo --help`). Parsing and the checks of
the arguments import no TensorFlow, so help and argument errors answer at
once; a bad argument ends with one line `mmzoo: error: ...` on stderr and
exit status 2, a failure of the work itself with such a line and status 1.
"""

from mmzoo.cli.main import main

__all__ = ["main"]
