"""Files that are never half-written: written under a temporary name, then renamed over the final one.

`os.replace` is atomic on POSIX and Windows, so a process killed at any
moment leaves either the previous file or the new one.
"""

import json
import os
import tempfile


def atomic_write(path, write):
    """Writes a file through a temporary file renamed over `path`.

    The file gets mode 0644 (the temporary file is created private).

    Args:
        path: The final file path. Its extensions (".keras",
            ".weights.h5", ".json") are kept on the temporary file, for
            writers that check them.
        write: Callable taking the temporary path and writing the file.

    Raises:
        Whatever `write` raises; the temporary file is then removed and
        `path` is left as it was.
    """
    directory, base = os.path.split(os.fspath(path))
    suffix = base[base.index("."):] if "." in base else ""
    handle, temporary = tempfile.mkstemp(dir=directory or ".", prefix=".partial-", suffix=suffix)
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def write_json(path, content):
    """Writes `content` as JSON to `path` atomically."""
    def write(temporary):
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(content, file)
    atomic_write(path, write)


def read_json(path):
    """Returns the JSON content of `path`, or None when there is no such file."""
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except FileNotFoundError:
        return None
