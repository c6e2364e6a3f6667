"""`mmzoo._checks`: one rule per check, and no argument check defined anywhere else."""

import ast
import pathlib

import numpy as np
import pytest

from mmzoo import _checks
from mmzoo.errors import ArgumentTypeError, ConfigurationError

PACKAGE = pathlib.Path(_checks.__file__).parent

# The rule of test_no_module_but_checks_defines_a_generic_argument_check: a module-level function
# whose name starts with `check_` or `_check_` is a generic argument check when its first two
# parameters are `name` and `value` (the signature of a check told which argument it checks) or when
# the rest of its name is one of these kinds.
GENERIC_KINDS = {
    "bool", "int", "positive", "positive_int", "non_negative_int", "int_sequence", "positive_int_sequence",
    "number", "positive_number", "rate", "probability", "level", "seed", "threshold", "choice", "size",
    "shape", "input_shape", "modality_dict",
}

# (check, extra arguments, accepted values, wrongly typed values, values of the right type but out of range)
RULES = [
    (_checks.check_int, {}, [0, -3, 7, np.int64(2), np.int32(-1)], [True, 1.0, "1", None], []),
    (_checks.check_positive_int, {}, [1, 5, np.int64(3), np.uint8(2)], [True, False, 2.0, "3", None, np.float32(2)],
     [0, -1, np.int64(0)]),
    (_checks.check_non_negative_int, {}, [0, 4, np.int64(0)], [True, 0.0, "0"], [-1, np.int16(-2)]),
    (_checks.check_positive_int_sequence, {}, [(1, 2), [np.int64(4)]], [3, "12", (1, True), (1.0,)],
     [(), (0, 2), [-1]]),
    (_checks.check_number, {"minimum": 0, "maximum": 1}, [0, 1, 0.5, np.float32(0.25), np.int64(1)],
     [True, "0.5", None, np.bool_(True)], [-0.1, 1.5, float("nan")]),
    (_checks.check_positive_number, {}, [1e-3, 2, np.float64(3.5), np.int64(1)], [True, "1"], [0, -2.0]),
    (_checks.check_rate, {}, [0, 0.5, np.float32(0.9)], [False, "0.1", None], [1, 1.0, -0.5]),
    (_checks.check_probability, {}, [0, 1, 0.3, np.float64(1.0)], [True, "1"], [1.01, -0.01]),
    (_checks.check_bool, {}, [True, False], [1, 0, "yes", None, np.bool_(True)], []),
    (_checks.check_choice, {"choices": (1, 3, "avg", None)}, [1, 3, np.int64(3), "avg", None], [],
     [True, 2, "max", "AVG"]),
    (_checks.check_input_shape, {"rank": 3}, [(28, 28, 1), [4, 4, np.int64(3)]], [28, "28x28", (28, 28.0, 1)],
     [(28, 28), (28, 0, 1), (1, 2, 3, 4)]),
    (_checks.check_modality_dict, {}, [{"image": 1}], [[1], "image", None], [{}]),
    (_checks.check_type, {"types": dict, "wanted": "a dict"}, [{}, {"a": 1}], [[1], "a", None], []),
]
IDS = [rule[0].__name__ for rule in RULES]


@pytest.mark.parametrize("check, extra, accepted, wrong_types, wrong_values", RULES, ids=IDS)
def test_a_check_accepts_what_its_rule_accepts(check, extra, accepted, wrong_types, wrong_values):
    for value in accepted:
        check("argument", value, **extra)


@pytest.mark.parametrize("error, base, column", [(ArgumentTypeError, TypeError, 3), (ConfigurationError, ValueError, 4)],
                         ids=["wrong type", "wrong value"])
@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_an_error_names_the_argument_and_ends_with_the_value(rule, error, base, column):
    check, extra = rule[0], rule[1]
    for value in rule[column]:
        with pytest.raises(error, match=r"^`argument` must .*Received: argument=") as raised:
            check("argument", value, **extra)
        assert str(raised.value).endswith(f"argument={value!r}") or f"argument={value!r} (of type" in str(raised.value)
        assert isinstance(raised.value, base)


def test_int_and_number_tests_take_numpy_values_and_refuse_bools():
    assert _checks.is_int(np.int64(3)) and _checks.is_int(7)
    assert not _checks.is_int(True) and not _checks.is_int(np.float64(3.0))
    assert _checks.is_number(np.float32(0.5)) and _checks.is_number(np.int8(1)) and _checks.is_number(2.5)
    assert not _checks.is_number(False) and not _checks.is_number(np.bool_(True)) and not _checks.is_number("1")


@pytest.mark.parametrize("value, kwargs, message", [
    (1, {"minimum": 0, "maximum": 1, "exclusive_minimum": True, "exclusive_maximum": True}, "a number in (0, 1)"),
    (-1, {"minimum": 0}, "a number >= 0"),
    (6, {"maximum": 5, "exclusive_maximum": True}, "a number < 5"),
])
def test_check_number_states_its_bounds(value, kwargs, message):
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _checks.check_number("x", value, **kwargs)


def test_none_is_accepted_only_when_allowed():
    _checks.check_positive_int("n", None, allow_none=True)
    _checks.check_number("w", None, allow_none=True)
    with pytest.raises(ArgumentTypeError, match="positive integer. Received: n=None$"):
        _checks.check_positive_int("n", None)
    with pytest.raises(ArgumentTypeError, match="positive integer or None. Received: n='3'$"):
        _checks.check_positive_int("n", "3", allow_none=True)


def test_sequence_and_shape_checks_return_tuples():
    assert _checks.check_positive_int_sequence("units", [np.int64(2), 3]) == (2, 3)
    assert _checks.check_positive_int_sequence("units", [], allow_empty=True) == ()
    assert _checks.check_positive_int_sequence("size", [2, 3], length=2) == (2, 3)
    with pytest.raises(ConfigurationError, match=r"Received: size=\[2, 3, 4\]$"):
        _checks.check_positive_int_sequence("size", [2, 3, 4], length=2)
    assert _checks.check_input_shape("input_shape", [2, 3], rank=(2, 3)) == (2, 3)


def _generic_checks(root):
    """Yields `path:line name` for each generic argument check defined under `root` (see GENERIC_KINDS)."""
    for path in sorted(root.rglob("*.py")):
        if path.name == "_checks.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            prefix = next((p for p in ("_check_", "check_") if getattr(node, "name", "").startswith(p)), None)
            if not isinstance(node, ast.FunctionDef) or prefix is None:
                continue
            parameters = [argument.arg for argument in node.args.args[:2]]
            if parameters == ["name", "value"] or node.name[len(prefix):] in GENERIC_KINDS:
                yield f"{path.relative_to(root.parent)}:{node.lineno} {node.name}"


def test_no_module_but_checks_defines_a_generic_argument_check():
    assert len(list(PACKAGE.rglob("*.py"))) > 50
    found = list(_generic_checks(PACKAGE))
    assert not found, f"generic argument checks outside mmzoo/_checks.py (import them from mmzoo._checks): {found}"


@pytest.mark.parametrize("source, caught", [
    ("def _check_positive(name, value):\n    pass\n", True),
    ("def check_seed(seed):\n    pass\n", True),
    ("def check_rate(rate):\n    pass\n", True),
    ("def _check_branches(branches):\n    pass\n", False),
    ("def check_name(name):\n    pass\n", False),
    ("class Head:\n    def check_fusion(self, name):\n        pass\n", False),
])
def test_the_rule_tells_a_generic_check_from_a_specific_one(tmp_path, source, caught):
    (tmp_path / "mmzoo").mkdir()
    (tmp_path / "mmzoo" / "module.py").write_text(source, encoding="utf-8")
    (tmp_path / "mmzoo" / "_checks.py").write_text("def check_int(name, value):\n    pass\n", encoding="utf-8")
    assert bool(list(_generic_checks(tmp_path / "mmzoo"))) is caught
