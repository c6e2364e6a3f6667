"""Data and clean-up fixtures shared by the training tests."""

import pytest
from tensorflow.python.framework import config as tf_config
from training_models import IMAGE_SIZE

from mmzoo.datasets import synthetic


@pytest.fixture(scope="session")
def audio_task():
    """(inputs, labels) whose 4-class label is the audio tone; 128 samples."""
    return synthetic.generate(128, task="audio", image_size=IMAGE_SIZE, seed=5, modalities=("image", "audio"))


@pytest.fixture(autouse=True)
def restore_determinism():
    """Turns TensorFlow's op determinism back off after a test that enabled it (`fit(seed=...)`)."""
    was_enabled = tf_config.is_op_determinism_enabled()
    yield
    if not was_enabled:
        tf_config.disable_op_determinism()
