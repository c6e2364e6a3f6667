"""Puts `bench/` on sys.path: the benches import their helpers as siblings, as they do when run as scripts."""

import pathlib
import sys

import pytest

sys.path.append(str(pathlib.Path(__file__).resolve().parents[2] / "bench"))


@pytest.fixture(autouse=True)
def _seed_and_clear():
    """Replaces the suite's Keras reset: these tests train no model, and its garbage collection costs a second each."""
    yield
