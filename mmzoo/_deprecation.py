"""Old argument and function names that keep working for one release.

A renamed argument or function warns with a `DeprecationWarning` naming the
new one, then behaves exactly as the new name does. Layers whose constructor
is decorated also load configs saved under the old key, since Keras'
`from_config` calls the constructor with the saved keys.
"""

import functools
import inspect
import warnings

from mmzoo.errors import ArgumentTypeError


def renamed_arguments(**renames):
    """Lets a function (or a constructor) accept the old names of its arguments.

    Example:
        >>> @renamed_arguments(num_labels="num_classes")
        ... def multilabel(num_classes):
        ...     return num_classes

    Args:
        **renames: `old_name="new_name"` pairs.

    Returns:
        A decorator; the decorated function keeps its own signature.
    """

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            return function(*args, **_renamed(function.__qualname__, renames, kwargs, stacklevel=3))

        # Keras reads a layer constructor's argument spec, which does not follow `__wrapped__`.
        wrapper.__signature__ = inspect.signature(function)
        wrapper.renamed_arguments = dict(renames)
        return wrapper

    return decorate


def with_new_names(function, kwargs, stacklevel=2):
    """Returns keyword arguments for `function` with its old names replaced.

    For callers that hold the arguments as a dict before calling, e.g. to
    merge them with the function's defaults.

    Args:
        function: A function, decorated with `renamed_arguments` or not.
        kwargs: Dict of keyword arguments.
        stacklevel: Frame the warning points at, as `warnings.warn` counts
            them from the caller of this function (2: its caller).

    Returns:
        A new dict, each old name replaced by its new name.

    Raises:
        ArgumentTypeError: an argument is given under both names.
    """
    renames = getattr(function, "renamed_arguments", {})
    return _renamed(function.__qualname__, renames, kwargs, stacklevel + 1)


def _renamed(qualname, renames, kwargs, stacklevel):
    """Returns a copy of `kwargs` under the new names, warning once per old name used."""
    qualname = qualname.removesuffix(".__init__")
    kwargs = dict(kwargs)
    for old, new in renames.items():
        if old not in kwargs:
            continue
        if new in kwargs:
            raise ArgumentTypeError(
                f"`{old}` is the old name of `{new}`: pass `{new}` only. "
                f"Received: {old}={kwargs[old]!r}, {new}={kwargs[new]!r}"
            )
        warnings.warn(
            f"`{qualname}({old}=...)` is deprecated; use `{new}=` instead.",
            DeprecationWarning,
            stacklevel=stacklevel,
        )
        kwargs[new] = kwargs.pop(old)
    return kwargs


def renamed_function(function, old_name):
    """Returns `function` under its old name, warning on each call.

    Args:
        function: The function under its new name.
        old_name: The name it had before.

    Returns:
        A function that warns with a `DeprecationWarning` naming the new
        function, then calls it.
    """

    @functools.wraps(function)
    def alias(*args, **kwargs):
        warnings.warn(
            f"`{old_name}()` is deprecated; use `{function.__name__}()` instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        return function(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old_name
    return alias
