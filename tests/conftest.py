"""Shared pytest setup: quiet TensorFlow, the model harness on sys.path, seeds."""

import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(pathlib.Path(__file__).parent))

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _seed_and_clear():
    """Makes every test start from the same random state and a fresh session.

    Without `gc.collect()` (`free_memory=False`): collecting the whole heap
    before each of ~950 tests cost minutes; Python's own collector still runs.
    """
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(1234)
    yield
