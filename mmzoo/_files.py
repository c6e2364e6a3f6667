"""Files that are never half-written, and the JSON files mmzoo keeps.

Every file or folder is written under a temporary name in its final folder,
then renamed over the final name (`os.replace`, atomic on POSIX and
Windows): a reader, or a run killed at any moment, sees either the previous
file or the new one. Checkpoints, exports, figures and reports all write
this way.
"""

import contextlib
import json
import os
import shutil
import uuid

from mmzoo.errors import DamagedFileError, MmzooError

TEMPORARY_PREFIX = ".partial-"
"""Prefix of the temporary names files are written under before the rename."""


@contextlib.contextmanager
def atomic_destination(path):
    """Yields a temporary path next to `path`, renamed onto `path` on success.

    The temporary name ends with the final name, so its extensions (Keras
    requires ".keras", ".weights.h5") are kept. A file gets mode 0644 (an
    ordinary file, whatever the writer created). If the body raises, the
    temporary file or folder is removed and `path` is left untouched. An
    existing folder at `path` is moved aside, replaced and only then deleted.

    Args:
        path: The final destination (file or folder).

    Yields:
        The temporary path to write to.
    """
    folder, name = os.path.split(os.path.abspath(path))
    token = uuid.uuid4().hex[:8]
    temporary = os.path.join(folder, f"{TEMPORARY_PREFIX}{token}-{name}")
    try:
        yield temporary
        if os.path.isfile(temporary):
            os.chmod(temporary, 0o644)
        if os.path.isdir(path) and not os.path.islink(path):
            retired = os.path.join(folder, f"{TEMPORARY_PREFIX}{token}-old-{name}")
            os.replace(path, retired)
            os.replace(temporary, path)
            shutil.rmtree(retired)
        else:
            os.replace(temporary, path)
    finally:
        _remove(temporary)


def atomic_write(path, write):
    """Writes a file through `atomic_destination`.

    Args:
        path: The final file path.
        write: Callable taking the temporary path and writing the file.

    Raises:
        Whatever `write` raises; the temporary file is then removed and
        `path` is left as it was.
    """
    with atomic_destination(path) as temporary:
        write(temporary)


def write_json(path, content, indent=None):
    """Writes `content` as UTF-8 JSON to `path` atomically, ending with a newline.

    Args:
        path: The file path.
        content: A JSON-serialisable object.
        indent: Indentation of the JSON text, or None for one line.
    """
    def write(temporary):
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(content, handle, indent=indent, ensure_ascii=False)
            handle.write("\n")
    atomic_write(path, write)


@contextlib.contextmanager
def reading(path, kind, remedy, argument="path", value=None):
    """Turns any failure to read `path` inside the block into a `DamagedFileError` naming it.

    The one rule for files mmzoo reads: a file that exists but cannot be
    read (truncated, corrupt, of another kind) raises an error that says it
    is damaged, names it and says what to do. mmzoo's own errors and a
    missing file (`FileNotFoundError`) pass through unchanged.

    Args:
        path: The file being read.
        kind: What the file should be, e.g. "`.keras` model".
        remedy: What to do, one sentence, e.g. "Save the model again.".
        argument: The argument that named the file (or the folder holding it).
        value: That argument's value; defaults to `path`.

    Raises:
        DamagedFileError: the block raised anything else while reading.
    """
    try:
        yield
    except (MmzooError, FileNotFoundError):
        raise
    except Exception as error:  # noqa: BLE001 - every reader's own error means the same thing here
        cause = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise DamagedFileError(
            f"The {kind} file {os.fspath(path)!r} is damaged or is not a readable {kind} file "
            f"({type(error).__name__}{': ' + cause if cause else ''}). {remedy} "
            f"Received: {argument}={os.fspath(path if value is None else value)!r}"
        ) from error


def read_json(path, kind="JSON", remedy="Delete it or write it again.", argument="path", value=None):
    """Returns the JSON content of `path`, or None when there is no such file.

    Args:
        path: The file path.
        kind: What the file is, for the message of a damaged file.
        remedy: What to do with a damaged file, one sentence.
        argument: The argument that named the file, as for `reading`.
        value: That argument's value; defaults to `path`.

    Returns:
        The decoded JSON content, or None.

    Raises:
        DamagedFileError: the file exists but is not readable UTF-8 JSON.
    """
    try:
        handle = open(path, encoding="utf-8")
    except FileNotFoundError:
        return None
    with handle, reading(path, kind, remedy, argument, value):
        return json.load(handle)


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.remove(path)
