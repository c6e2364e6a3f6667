"""Packaging: one version, the bundled data inside the package and declared as package data.

The wheel itself is built and installed by the slow `tests/test_wheel.py`.
"""

import pathlib
import re

import pytest

import mmzoo
from mmzoo import data as bundled

ROOT = pathlib.Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")


@pytest.fixture(scope="module")
def pyproject():
    path = ROOT / "pyproject.toml"
    if not path.is_file():
        pytest.skip("not a source checkout")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_the_version_is_written_once_in_the_package(pyproject):
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "mmzoo.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", mmzoo.__version__)
    assert not (ROOT / "setup.py").exists() and not (ROOT / "setup.cfg").exists()


def test_dependencies_have_a_lower_and_an_upper_bound(pyproject):
    for requirement in pyproject["project"]["dependencies"]:
        assert ">=" in requirement and ",<" in requirement, requirement


def test_bundled_files_are_inside_the_package_and_declared_as_package_data(pyproject):
    patterns = pyproject["tool"]["setuptools"]["package-data"]["mmzoo.data"]
    folder = pathlib.Path(bundled.__file__).parent
    for name in bundled.FILES:
        assert (folder / name).is_file()
        assert any(pathlib.PurePath(name).match(pattern) for pattern in patterns), name
        with bundled.path(name) as path:
            assert path.is_file() and path.stat().st_size > 100_000
    assert not (ROOT / "data").exists()


def test_an_unknown_bundled_file_is_refused():
    with pytest.raises(ValueError, match="Received: name='mnist.npz'"):
        bundled.resource("mnist.npz")


def test_library_code_does_not_look_for_files_outside_the_package():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "mmzoo").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"__file__.*parents?\b", line)
    ]
    assert not offenders
