"""Destination checks and sizes of exports (written through `mmzoo._files.atomic_destination`)."""

import os

from mmzoo._checks import check_bool
from mmzoo.errors import ArgumentTypeError, ConfigurationError


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


def size_in_bytes(path):
    """Returns the size of a file, or the total size of the files in a folder."""
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(
        os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(path) for name in names
    )
