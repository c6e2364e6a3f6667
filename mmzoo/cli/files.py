"""Files the subcommands write."""

import json


def write_json(path, payload):
    """Writes a JSON file, indented.

    Args:
        path: The file.
        payload: A JSON-serialisable object.
    """
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=1)
        handle.write("\n")
