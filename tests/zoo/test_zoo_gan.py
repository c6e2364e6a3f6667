import keras
import numpy as np
import pytest

import mmzoo
from mmzoo import branches, heads, zoo
from mmzoo.zoo.gan import ConditionalGAN, sample_grid

# Training the GAN of every test takes about 30 s on 2 cores.
pytestmark = pytest.mark.slow

OVERRIDES = {"image_shape": (16, 16, 1), "condition_dim": 4}


@pytest.fixture(scope="module")
def trained():
    keras.utils.set_random_seed(0)
    gan = zoo.build("conditional_gan", **OVERRIDES)
    images, conditions = zoo.example_data("conditional_gan", 3000, seed=1, **OVERRIDES)
    gan.compile()
    history = gan.fit(images, conditions, epochs=25, batch_size=64, verbose=0)
    return gan, history.history, images, conditions


def test_discriminator_accuracy_moves_away_from_trivial(trained):
    _, history, _, _ = trained
    accuracy = np.asarray(history["d_accuracy"])
    assert np.all(np.isfinite(history["d_loss"])) and np.all(np.isfinite(history["g_loss"]))
    # A discriminator that always wins would sit at 1.0; the generator keeps it below.
    assert accuracy[-5:].mean() < 0.97
    assert accuracy.min() < 0.95


def test_generated_samples_show_the_requested_class(trained):
    gan, _, images, conditions = trained
    classifier = mmzoo.build_model(
        {"image": branches.conv2d(input_shape=(16, 16, 1), filters=(8, 16), units=32)}, head=heads.multiclass(4))
    classifier.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    classifier.fit({"image": images}, conditions.argmax(axis=1), epochs=4, verbose=0)
    requested = np.repeat(np.arange(4), 50)
    generated = gan.generate(np.eye(4, dtype="float32")[requested], seed=5)
    assert generated.shape == (200, 16, 16, 1)
    recognised = classifier.predict({"image": generated}, verbose=0).argmax(axis=1)
    assert (recognised == requested).mean() >= 0.5  # chance is 0.25


def test_gan_saves_and_reloads_with_identical_samples(trained, tmp_path):
    gan, _, _, _ = trained
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, ConditionalGAN) and loaded.real_label == gan.real_label
    conditions = np.eye(4, dtype="float32")[[0, 1, 2, 3]]
    np.testing.assert_allclose(loaded.generate(conditions, seed=2), gan.generate(conditions, seed=2),
                               rtol=1e-5, atol=1e-6)


def test_sample_grid_is_saved_as_png(trained, tmp_path):
    gan, _, _, _ = trained
    path = tmp_path / "samples.png"
    figure = sample_grid(gan, path, samples_per_class=4)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(figure.axes) == 16
    assert not list(tmp_path.glob(".partial-*"))
    assert path.stat().st_mode & 0o777 == 0o644
