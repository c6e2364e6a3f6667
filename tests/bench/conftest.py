"""The benches' tests: `tests/conftest.py` puts `bench/` on sys.path, as the benches import their helpers as siblings."""

import pytest


@pytest.fixture(autouse=True)
def _seed_and_clear():
    """Replaces the suite's Keras reset: these tests train no model, and its garbage collection costs a second each."""
    yield
