"""Shared pytest setup: quiet TensorFlow, the model harness and the benches' helpers on sys.path, seeds."""

import hashlib
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(pathlib.Path(__file__).parent))
sys.path.append(str(pathlib.Path(__file__).parents[1] / "bench"))  # the benches import their helpers as siblings

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


def pytest_collection_modifyitems(items):
    """Keeps the tests that use `av_mnist_trained_once` in one process of `pytest -n` (pytest-xdist).

    Its cache lives in a process: spread over two, both would train the
    shared models. `--dist loadgroup` (pyproject.toml) runs a group in one.
    """
    for item in items:
        if "av_mnist_trained_once" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("av_mnist_trained_once"))


@pytest.fixture(scope="session")
def _av_mnist_results():
    """`train_and_evaluate` results of the AV-MNIST recipe, kept for the whole session."""
    return {}


def _fingerprint(data):
    """Identifies `(inputs, labels)` numpy pairs by their bytes (the splits are loaded anew by each test)."""
    inputs, labels = data
    return hashlib.sha1(b"".join(values.tobytes() for _, values in sorted(inputs.items())) + labels.tobytes()).digest()


@pytest.fixture
def av_mnist_trained_once(monkeypatch, _av_mnist_results):
    """Trains each AV-MNIST recipe model once per session, whichever slow test asks first.

    The recipe bench test and the modality dropout test both need the
    image-only and audio-only models of seed 0 (5 epochs each, about two
    minutes on two CPU cores): with this fixture the second test gets the
    first one's results. A `warm_start` option is keyed by the identity of
    the results it holds (those of this cache). Patches
    `mmzoo.experiments.av_mnist.train_and_evaluate` and the name the
    AV-MNIST bench imported; calls with callbacks or a validation split are
    never shared.
    """
    from mmzoo.experiments import av_mnist

    train_and_evaluate = av_mnist.train_and_evaluate

    def once(name, train, test, epochs=5, seed=0, **options):
        if options.get("callbacks") or options.get("validation") is not None:
            return train_and_evaluate(name, train, test, epochs, seed, **options)
        given = tuple(sorted((option, tuple(map(id, value)) if option == "warm_start" else value)
                             for option, value in options.items() if value is not None))
        key = (name, epochs, seed, given, _fingerprint(train), _fingerprint(test))
        if key not in _av_mnist_results:
            _av_mnist_results[key] = train_and_evaluate(name, train, test, epochs, seed, **options)
        return _av_mnist_results[key]

    monkeypatch.setattr(av_mnist, "train_and_evaluate", once)
    bench = sys.modules.get("av_mnist")
    if bench is not None and getattr(bench, "train_and_evaluate", None) is train_and_evaluate:
        monkeypatch.setattr(bench, "train_and_evaluate", once)
