"""Argument checks shared by every part of mmzoo: one rule each.

* NumPy integers are integers and NumPy floats are numbers; ``bool`` (and
  ``numpy.bool_``) is neither.
* A value of the wrong type raises :class:`~mmzoo.errors.ArgumentTypeError`
  (a ``TypeError``); a value of the right type outside the accepted range or
  set raises :class:`~mmzoo.errors.ConfigurationError` (a ``ValueError``).
* Every message names the argument and ends with
  ``Received: <name>=<value>``.

No other module of mmzoo defines a generic argument check: a module-level
function named ``check_*`` or ``_check_*`` whose first two parameters are
``(name, value)``, or whose name after the prefix is a generic kind such as
``int``, ``positive_int``, ``number``, ``rate``, ``probability``, ``level``,
``seed``, ``threshold``, ``choice``, ``size`` or ``shape`` (the full list is
``GENERIC_KINDS`` in ``tests/test_checks.py``, which enforces the rule).
Checks that know one object (a fusion's input shapes, a head's fusion, a
model's data) stay with it and call these functions for their generic
parts.
"""

import numbers

from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value

POOLING_MODES = ("flatten", "avg", "max", "tokens")
OUTPUT_MODES = ("vector", "tokens")


def _received(name, value):
    return f"Received: {name}={describe_value(value)}"


def is_int(value):
    """Tells whether ``value`` is an integer: a Python or NumPy integer, not a bool.

    Args:
        value: Any object.

    Returns:
        True for ``int`` and NumPy integer values, False otherwise (bools included).
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value):
    """Tells whether ``value`` is a real number: int, float or NumPy number, not a bool.

    Args:
        value: Any object.

    Returns:
        True for ints, floats and NumPy integer or floating values, False
        otherwise (bools and ``numpy.bool_`` included).
    """
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_int(name, value, minimum=None, allow_none=False):
    """Raises unless ``value`` is an integer at least ``minimum``.

    Args:
        name: Argument name used in the message.
        value: The received value.
        minimum: The smallest accepted value, or None for no bound.
        allow_none: Whether None is accepted.

    Raises:
        ArgumentTypeError: ``value`` is not an integer (nor None when allowed).
        ConfigurationError: ``value`` is below ``minimum``.
    """
    if value is None and allow_none:
        return
    wanted = {None: "an integer", 0: "a non-negative integer", 1: "a positive integer"}.get(
        minimum, f"an integer of at least {minimum}")
    wanted += " or None" if allow_none else ""
    if not is_int(value):
        raise ArgumentTypeError(f"`{name}` must be {wanted}. {_received(name, value)}")
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"`{name}` must be {wanted}. {_received(name, value)}")


def check_positive_int(name, value, allow_none=False):
    """Raises unless ``value`` is an integer greater than zero: ``check_int`` with ``minimum=1``."""
    check_int(name, value, minimum=1, allow_none=allow_none)


def check_non_negative_int(name, value, allow_none=False):
    """Raises unless ``value`` is an integer of at least zero: ``check_int`` with ``minimum=0``."""
    check_int(name, value, minimum=0, allow_none=allow_none)


def check_positive_int_sequence(name, value, allow_empty=False, length=None):
    """Raises unless ``value`` is a list or tuple of positive integers.

    Args:
        name: Argument name used in the message.
        value: The received value.
        allow_empty: Whether an empty sequence is accepted.
        length: The exact number of items required, or None for any.

    Returns:
        The value as a tuple.

    Raises:
        ArgumentTypeError: ``value`` is not a list or tuple of integers.
        ConfigurationError: the sequence has the wrong length, is empty (when
            not allowed) or holds a non-positive number.
    """
    wanted = f"a list or tuple of {length or ''} positive integers".replace("  ", " ")
    if not isinstance(value, (list, tuple)) or not all(is_int(item) for item in value):
        raise ArgumentTypeError(f"`{name}` must be {wanted}. {_received(name, value)}")
    if (length is not None and len(value) != length) or (not value and not allow_empty):
        raise ConfigurationError(f"`{name}` must be {wanted}. {_received(name, value)}")
    if any(item <= 0 for item in value):
        raise ConfigurationError(f"`{name}` must hold only positive integers. {_received(name, value)}")
    return tuple(value)


def check_number(name, value, minimum=None, maximum=None, *, exclusive_minimum=False,
                 exclusive_maximum=False, allow_none=False):
    """Raises unless ``value`` is a real number within the given bounds.

    Args:
        name: Argument name used in the message.
        value: The received value.
        minimum: The lower bound, or None for no bound.
        maximum: The upper bound, or None for no bound.
        exclusive_minimum: Whether ``minimum`` itself is refused.
        exclusive_maximum: Whether ``maximum`` itself is refused.
        allow_none: Whether None is accepted.

    Raises:
        ArgumentTypeError: ``value`` is not a number (nor None when allowed).
        ConfigurationError: ``value`` is outside the bounds.
    """
    if value is None and allow_none:
        return
    if minimum is not None and maximum is not None:
        wanted = (f"a number in {'(' if exclusive_minimum else '['}{minimum}, "
                  f"{maximum}{')' if exclusive_maximum else ']'}")
    elif minimum is not None:
        wanted = f"a number {'>' if exclusive_minimum else '>='} {minimum}"
    elif maximum is not None:
        wanted = f"a number {'<' if exclusive_maximum else '<='} {maximum}"
    else:
        wanted = "a number"
    wanted += " or None" if allow_none else ""
    if not is_number(value):
        raise ArgumentTypeError(f"`{name}` must be {wanted}. {_received(name, value)}")
    too_low = minimum is not None and (value <= minimum if exclusive_minimum else value < minimum)
    too_high = maximum is not None and (value >= maximum if exclusive_maximum else value > maximum)
    if too_low or too_high or value != value:
        raise ConfigurationError(f"`{name}` must be {wanted}. {_received(name, value)}")


def check_positive_number(name, value, allow_none=False):
    """Raises unless ``value`` is a number greater than zero: ``check_number`` with an open lower bound 0."""
    check_number(name, value, minimum=0, exclusive_minimum=True, allow_none=allow_none)


def check_rate(name, value):
    """Raises unless ``value`` is a number in [0, 1) (a dropout rate): ``check_number`` on [0, 1)."""
    check_number(name, value, minimum=0, maximum=1, exclusive_maximum=True)


def check_probability(name, value):
    """Raises unless ``value`` is a number in [0, 1]: ``check_number`` on [0, 1]."""
    check_number(name, value, minimum=0, maximum=1)


def check_bool(name, value):
    """Raises unless ``value`` is True or False.

    Args:
        name: Argument name used in the message.
        value: The received value.

    Raises:
        ArgumentTypeError: ``value`` is not a bool.
    """
    if not isinstance(value, bool):
        raise ArgumentTypeError(f"`{name}` must be True or False. {_received(name, value)}")


def check_choice(name, value, choices):
    """Raises unless ``value`` is one of ``choices`` (a bool never stands for 0 or 1).

    Args:
        name: Argument name used in the message.
        value: The received value.
        choices: The accepted values.

    Raises:
        ConfigurationError: ``value`` is not one of ``choices``.
    """
    choices = list(choices)
    if not any(_same(value, choice) for choice in choices):
        raise ConfigurationError(f"`{name}` must be one of {choices}. {_received(name, value)}")


def check_type(name, value, types, wanted):
    """Raises ``ArgumentTypeError`` unless ``value`` is an instance of ``types``.

    Args:
        name: Argument name used in the message.
        value: The received value.
        types: A type or tuple of types, as for ``isinstance``.
        wanted: What the argument must be, for the message, e.g. "a keras.Model".

    Raises:
        ArgumentTypeError: ``value`` is not an instance of ``types``.
    """
    if not isinstance(value, types):
        raise ArgumentTypeError(f"`{name}` must be {wanted}. {_received(name, value)}")


def check_modality_dict(name, value):
    """Raises ``ArgumentTypeError`` unless ``value`` is a dict, ``ConfigurationError`` if it is empty."""
    wanted = "a non-empty dict keyed by modality"
    if not isinstance(value, dict):
        raise ArgumentTypeError(f"`{name}` must be {wanted}. {_received(name, value)}")
    if not value:
        raise ConfigurationError(f"`{name}` must be {wanted}. {_received(name, value)}")


def _same(value, choice):
    if isinstance(value, bool) != isinstance(choice, bool):
        return False
    try:
        return bool(value == choice)
    except (TypeError, ValueError):
        return False


def check_input_shape(name, value, rank):
    """Raises unless ``value`` is a shape tuple of ``rank`` positive integers.

    Args:
        name: Argument name used in the message.
        value: The received value.
        rank: The number of dimensions expected (batch excluded). A tuple of
            ranks accepts any of them.

    Returns:
        The shape as a tuple.

    Raises:
        ArgumentTypeError: ``value`` is not a list or tuple of integers.
        ConfigurationError: ``value`` has another rank or a non-positive size.
    """
    ranks = rank if isinstance(rank, tuple) else (rank,)
    wanted = (f"a tuple of {' or '.join(str(r) for r in ranks)} positive integers (batch "
              f"dimension excluded)")
    if not isinstance(value, (list, tuple)) or not all(is_int(size) for size in value):
        raise ArgumentTypeError(f"`{name}` must be {wanted}. {_received(name, value)}")
    if len(value) not in ranks or any(size <= 0 for size in value):
        raise ConfigurationError(f"`{name}` must be {wanted}. {_received(name, value)}")
    return tuple(value)
