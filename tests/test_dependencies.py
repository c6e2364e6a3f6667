"""Dependencies point one way: a module imports only from its own rank or a lower one.

checks and layers <- branches, fusion, heads <- assemble <- training,
evaluation <- cli (see the design notes). The scan reads the `import` lines
of every module with `ast`, so it needs no import to run.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "mmzoo"

RANKS = {
    "mmzoo.errors": 0,
    "mmzoo._checks": 0,
    "mmzoo._files": 0,
    "mmzoo._arrays": 0,
    "mmzoo._deprecation": 0,
    "mmzoo._docstrings": 0,
    "mmzoo.data": 0,
    "mmzoo.layers": 1,
    "mmzoo.preprocessing": 1,
    "mmzoo.branches": 2,
    "mmzoo.fusion": 2,
    "mmzoo.heads": 2,
    "mmzoo.datasets": 2,
    "mmzoo.assemble": 3,
    "mmzoo.training": 4,
    "mmzoo.export": 4,
    "mmzoo.retrieval": 4,
    "mmzoo.evaluation": 5,
    "mmzoo.plots": 6,
    "mmzoo.experiments": 6,
    "mmzoo.robustness": 7,
    "mmzoo.zoo": 7,
    "mmzoo.examples": 7,
    "mmzoo.cli": 8,
    "mmzoo.__main__": 8,
}
"""The rank of each part of the package; the longest matching prefix of a module's name gives its rank."""


def rank(module):
    """Returns the rank of a dotted module name, from the longest prefix in `RANKS`.

    Args:
        module: A name such as "mmzoo.fusion.base".

    Returns:
        The rank, or None for a module outside the table.
    """
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        prefix = ".".join(parts[:length])
        if prefix in RANKS:
            return RANKS[prefix]
    return None


def module_name(path):
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imported_modules(path):
    """Yields the mmzoo modules a file imports, as dotted names."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("mmzoo."))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "mmzoo":
                yield from (f"mmzoo.{alias.name}" for alias in node.names)
            elif node.module.startswith("mmzoo."):
                yield node.module


MODULES = sorted(path for path in PACKAGE.rglob("*.py") if path.name != "__init__.py" or path.parent != PACKAGE)


def test_every_module_has_a_rank():
    unranked = [module_name(path) for path in MODULES if rank(module_name(path)) is None]
    assert not unranked, f"add these modules to RANKS: {unranked}"


def test_no_module_imports_from_a_higher_rank():
    upward = {}
    for path in MODULES:
        own = rank(module_name(path))
        higher = [module for module in imported_modules(path) if (rank(module) or 0) > own]
        if higher:
            upward[f"{module_name(path)} (rank {own})"] = higher
    assert not upward, f"modules importing from higher ranks: {upward}"


def test_the_scan_sees_an_upward_import(tmp_path):
    module = tmp_path / "fusion_module.py"
    module.write_text("import keras\nfrom mmzoo.training.data import check_data\nimport mmzoo.errors\n")
    assert [name for name in imported_modules(module)] == ["mmzoo.training.data", "mmzoo.errors"]
    assert rank("mmzoo.training.data") > rank("mmzoo.fusion.base")
