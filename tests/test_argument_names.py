"""One set of argument names: every public parameter is a name of CONTRIBUTING.md's table."""

import dataclasses
import importlib
import inspect
import pathlib
import re
import types

import mmzoo

TABLE_HEADER = "| concept | name | examples | old names |"


def _table():
    """Returns `{name: row}` of the argument-name table, and the old names it lists."""
    text = (pathlib.Path(__file__).parents[1] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = text[text.index(TABLE_HEADER):].splitlines()[2:]
    names, old_names = {}, set()
    for row in rows:
        if not row.startswith("|"):
            break
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        for name in re.findall(r"`(\w+)`", cells[1]):
            assert name not in names, f"{name!r} names two concepts: {names[name]!r} and {row!r}"
            names[name] = row
        old_names.update(re.findall(r"`(\w+)`", cells[3]))
    return names, old_names


def _public_objects(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name, value in vars(module).items()
                 if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__]
    return {f"{module.__name__}.{name}": getattr(module, name) for name in names}


def _parameters(value):
    """Returns the parameter names a caller passes to a public function or class, or () for neither."""
    if inspect.isclass(value):
        if dataclasses.is_dataclass(value) or issubclass(value, BaseException):
            return ()  # Records and errors: their fields are results, not arguments.
        value = value.__init__
        if not getattr(value, "__module__", "").startswith("mmzoo"):
            return ()
    elif not inspect.isfunction(value):
        return ()
    parameters = inspect.signature(value).parameters.values()
    return [parameter.name for parameter in parameters
            if parameter.name != "self" and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)]


def _public_signatures():
    mmzoo.load()
    signatures = {f"mmzoo.{name}": _parameters(getattr(mmzoo, name)) for name in mmzoo.__all__
                  if name not in mmzoo.SUBPACKAGES and name != "__version__"}
    for subpackage in mmzoo.SUBPACKAGES:
        module = importlib.import_module(f"mmzoo.{subpackage}")
        for qualified, value in _public_objects(module).items():
            if not isinstance(value, types.ModuleType):
                signatures[qualified] = _parameters(value)
    for name in mmzoo.zoo.available():
        signatures[f"zoo builder {name}"] = _parameters(mmzoo.zoo.get(name).builder)
    for name in mmzoo.fusion.available():
        signatures[f"fusion {name}"] = _parameters(type(mmzoo.fusion.get(name)))
    return signatures


def test_every_public_parameter_is_named_in_the_table():
    names, _ = _table()
    signatures = _public_signatures()
    assert len(signatures) > 100
    outside = sorted(f"{where}({parameter})" for where, parameters in signatures.items()
                     for parameter in parameters if parameter not in names)
    assert not outside, f"parameters outside the table of CONTRIBUTING.md: {outside}"


def test_old_names_are_no_longer_parameters():
    names, old_names = _table()
    still_used = {name for name in old_names if name not in names}
    for where, parameters in _public_signatures().items():
        assert not still_used & set(parameters), f"{where} still takes an old name: {still_used & set(parameters)}"
