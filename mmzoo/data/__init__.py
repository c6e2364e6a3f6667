"""The data files shipped inside the mmzoo package (see README.md in this folder).

- `av_mnist.npz`: the compact AV-MNIST, read by `mmzoo.datasets.load("av_mnist")`.
- `background_noise.npz`: real background-noise excerpts, mixed into audio by
  `mmzoo.robustness.corrupt(..., noise="background_noise")`.

They are package data, found with `importlib.resources` wherever mmzoo is
installed (a wheel, an editable checkout or a zip).
"""

import contextlib
import importlib.resources

from mmzoo._checks import check_choice

FILES = ("av_mnist.npz", "background_noise.npz")


def resource(name):
    """Returns a bundled file as an `importlib.resources` traversable.

    Args:
        name: One of `FILES`.

    Returns:
        A `Traversable` (a `pathlib.Path` when mmzoo is installed as files).

    Raises:
        ConfigurationError: If `name` is not a bundled file.
    """
    check_choice("name", name, FILES)
    return importlib.resources.files(__name__).joinpath(name)


@contextlib.contextmanager
def path(name):
    """Yields a filesystem path to a bundled file (a temporary copy if mmzoo is imported from a zip).

    Args:
        name: One of `FILES`.

    Yields:
        A `pathlib.Path`; it may not exist if the file was left out of the installation.
    """
    with importlib.resources.as_file(resource(name)) as file:
        yield file
