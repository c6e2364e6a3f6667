"""Argument checks shared by every part of mmzoo: one rule each.

* NumPy integers are integers; ``bool`` is not an integer.
* A value of the wrong type raises :class:`~mmzoo.errors.ArgumentTypeError`
  (a ``TypeError``); a value of the right type outside the accepted range or
  set raises :class:`~mmzoo.errors.ConfigurationError` (a ``ValueError``).
* Every message names the argument and ends with
  ``Received: <name>=<value>``.

No other module of mmzoo defines a generic argument check (a module-level
function named ``check_*`` or ``_check_*`` whose job is a type or range
rule): ``tests/test_checks.py`` enforces it.
"""

from mmzoo.errors import ArgumentTypeError, ConfigurationError

POOLING_MODES = ("flatten", "avg", "max", "tokens")
OUTPUT_MODES = ("vector", "tokens")


def check_positive_int(name, value):
    """Raises unless ``value`` is an int greater than zero.

    Args:
        name: Argument name used in the message.
        value: The received value.

    Raises:
        ArgumentTypeError: ``value`` is not an int.
        ConfigurationError: ``value`` is not positive.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )
    if value <= 0:
        raise ConfigurationError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )


def check_positive_int_sequence(name, value, allow_empty=False):
    """Raises unless ``value`` is a list or tuple of positive ints.

    Args:
        name: Argument name used in the message.
        value: The received value.
        allow_empty: Whether an empty sequence is accepted.

    Returns:
        The value as a tuple.

    Raises:
        ArgumentTypeError: ``value`` is not a list/tuple of ints.
        ConfigurationError: the sequence is empty (when not allowed) or holds
            a non-positive number.
    """
    if not isinstance(value, (list, tuple)):
        raise ArgumentTypeError(
            f"`{name}` must be a list or tuple of positive integers. "
            f"Received: {name}={value!r}"
        )
    if not value and not allow_empty:
        raise ConfigurationError(
            f"`{name}` must hold at least one positive integer. Received: {name}={value!r}"
        )
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or item <= 0:
            raise ConfigurationError(
                f"`{name}` must hold only positive integers. Received: {name}={value!r}"
            )
    return tuple(value)


def check_rate(name, value):
    """Raises unless ``value`` is a number in [0, 1).

    Args:
        name: Argument name used in the message.
        value: The received value.

    Raises:
        ConfigurationError: ``value`` is not a number in [0, 1).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ConfigurationError(
            f"`{name}` must be a number in [0, 1). Received: {name}={value!r}"
        )


def check_bool(name, value):
    """Raises unless ``value`` is True or False.

    Args:
        name: Argument name used in the message.
        value: The received value.

    Raises:
        ArgumentTypeError: ``value`` is not a bool.
    """
    if not isinstance(value, bool):
        raise ArgumentTypeError(f"`{name}` must be True or False. Received: {name}={value!r}")


def check_choice(name, value, choices):
    """Raises unless ``value`` is one of ``choices``.

    Args:
        name: Argument name used in the message.
        value: The received value.
        choices: The accepted values.

    Raises:
        ConfigurationError: ``value`` is not one of ``choices``.
    """
    if value not in choices:
        raise ConfigurationError(
            f"`{name}` must be one of {list(choices)}. Received: {name}={value!r}"
        )


def check_input_shape(name, value, rank):
    """Raises unless ``value`` is a shape tuple of ``rank`` positive ints.

    Args:
        name: Argument name used in the message.
        value: The received value.
        rank: The number of dimensions expected (batch excluded). A tuple of
            ranks accepts any of them.

    Returns:
        The shape as a tuple.

    Raises:
        ConfigurationError: ``value`` is not such a shape.
    """
    ranks = rank if isinstance(rank, tuple) else (rank,)
    valid = (
        isinstance(value, (list, tuple))
        and len(value) in ranks
        and all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in value)
    )
    if not valid:
        wanted = " or ".join(str(r) for r in ranks)
        raise ConfigurationError(
            f"`{name}` must be a tuple of {wanted} positive integers (batch "
            f"dimension excluded). Received: {name}={value!r}"
        )
    return tuple(value)
