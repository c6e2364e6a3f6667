"""Files the subcommands write."""

import json
import os

from mmzoo.training.checkpoints import atomic_write


def make_parent(path):
    """Creates the parent folders of an output path, if missing.

    Args:
        path: The output file or folder.
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)


def write_json(path, payload):
    """Writes a JSON file, indented, through a temporary file (never half-written).

    Args:
        path: The file; missing parent folders are created.
        payload: A JSON-serialisable object.
    """
    make_parent(path)

    def write(temporary):
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=1)
            handle.write("\n")

    atomic_write(path, write)
