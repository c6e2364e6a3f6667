"""Destination checks and atomic writes: a reader never sees a half-written export."""

import contextlib
import os
import shutil
import uuid

from mmzoo._checks import check_bool
from mmzoo.errors import ArgumentTypeError, ConfigurationError

TEMPORARY_PREFIX = ".tmp-"
"""Prefix of the temporary names exports are written under before the rename."""


def check_destination(path, overwrite, extension=None):
    """Validates an export destination and returns it as a string.

    Args:
        path: Destination file or directory (str or `os.PathLike`).
        overwrite: Whether an existing destination may be replaced.
        extension: Required file name ending (e.g. ".keras"), or None.

    Returns:
        `path` as a string.

    Raises:
        ArgumentTypeError: `path` is not a path or `overwrite` not a bool.
        ConfigurationError: wrong extension, missing parent folder, or an
            existing destination without `overwrite=True`.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ArgumentTypeError(f"`path` must be a str or os.PathLike. Received: path={path!r}")
    check_bool("overwrite", overwrite)
    path = os.fspath(path)
    if extension and not path.endswith(extension):
        raise ConfigurationError(f"`path` must end with {extension!r}. Received: path={path!r}")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ConfigurationError(f"The folder of `path` does not exist. Received: path={path!r}")
    if os.path.lexists(path) and not overwrite:
        raise ConfigurationError(
            f"`path` already exists; pass overwrite=True to replace it. Received: path={path!r}"
        )
    return path


@contextlib.contextmanager
def atomic_destination(path):
    """Yields a temporary path next to `path`, renamed onto `path` on success.

    The temporary name keeps the file name's ending (Keras requires
    ".keras"). If the body raises, the temporary file or folder is removed
    and `path` is left untouched. An existing folder at `path` is moved
    aside, replaced and only then deleted.

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
        if os.path.isdir(path) and not os.path.islink(path):
            retired = os.path.join(folder, f"{TEMPORARY_PREFIX}{token}-old-{name}")
            os.replace(path, retired)
            os.replace(temporary, path)
            shutil.rmtree(retired)
        else:
            os.replace(temporary, path)
    finally:
        _remove(temporary)


def size_in_bytes(path):
    """Returns the size of a file, or the total size of the files in a folder."""
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(
        os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(path) for name in names
    )


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.remove(path)
