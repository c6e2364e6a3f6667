"""Exception types raised by mmzoo.

Every mmzoo error subclasses both :class:`MmzooError` and the built-in type a
user would expect (``ValueError`` or ``TypeError``), so ``except ValueError``
keeps working while ``except mmzoo.MmzooError`` catches everything mmzoo
raises on purpose.
"""


class MmzooError(Exception):
    """Base class of the errors mmzoo raises on purpose."""


class ConfigurationError(MmzooError, ValueError):
    """An argument has a value mmzoo cannot work with."""


class ArgumentTypeError(MmzooError, TypeError):
    """An argument has a type mmzoo cannot work with."""


class DamagedFileError(ConfigurationError):
    """A file mmzoo reads exists but cannot be read: truncated, corrupt or of another kind."""


def describe_value(value):
    """Returns a short, readable description of ``value`` for error messages.

    Args:
        value: Any object received as an argument.

    Returns:
        ``repr(value)`` cut to 200 characters, followed by its type name when
        the value is not a plain builtin.
    """
    text = repr(value)
    if len(text) > 200:
        text = text[:197] + "..."
    if isinstance(value, (str, int, float, bool, type(None), tuple, list, dict)):
        return text
    return f"{text} (of type {type(value).__name__})"


class MissingDependencyError(MmzooError, ImportError):
    """An optional dependency a feature needs is not installed; the message names the extra to install."""
