"""Image noise: Gaussian, salt and pepper, occlusion, blur.

Images are float arrays `(n, height, width)` or `(n, height, width,
channels)` with values in [0, 1]. Every function takes a `level` in [0, 1]
(0 leaves the images unchanged) and a `numpy.random.Generator`; the random
draws do not depend on the level, so for one seed a higher level always
corrupts at least what a lower one did.
"""

import numpy as np
from scipy import ndimage

from mmzoo.errors import ConfigurationError


def check_images(images):
    """Raises unless `images` are finite floats in [0, 1] of rank 3 or 4.

    Args:
        images: Numpy array.

    Raises:
        ConfigurationError: wrong rank, dtype or values.
    """
    if images.ndim not in (3, 4) or images.dtype.kind != "f":
        raise ConfigurationError(
            "Image noise takes float images (n, height, width[, channels]). "
            f"Received: values of shape {images.shape} and dtype {images.dtype}"
        )
    if images.size and (not np.all(np.isfinite(images)) or images.min() < 0.0 or images.max() > 1.0):
        raise ConfigurationError(
            "Image noise takes finite values in [0, 1] (scale images by 1/255 first). "
            f"Received: values from {np.nanmin(images)} to {np.nanmax(images)}"
        )


def gaussian(images, level, rng, max_std=1.0):
    """Adds Gaussian noise of standard deviation `level * max_std`, clipped to [0, 1]."""
    noise = rng.standard_normal(images.shape).astype(images.dtype)
    return np.clip(images + level * max_std * noise, 0.0, 1.0).astype(images.dtype)


def salt_and_pepper(images, level, rng, max_fraction=1.0):
    """Sets a fraction `level * max_fraction` of the pixels to 0 or 1 (half each)."""
    pixel_shape = images.shape[:3]
    hit = rng.random(pixel_shape) < level * max_fraction
    salt = rng.random(pixel_shape) < 0.5
    if images.ndim == 4:
        hit, salt = hit[..., None], salt[..., None]
    return np.where(hit, salt.astype(images.dtype), images)


def occlusion(images, level, rng):
    """Blacks out a square of `level` times the image area around a random centre.

    The square is clipped at the image's borders, so near a border less than
    `level` of the image is covered.
    """
    count, height, width = images.shape[:3]
    side_y = np.sqrt(level) * height
    side_x = np.sqrt(level) * width
    centres_y = rng.random(count) * height
    centres_x = rng.random(count) * width
    rows = np.arange(height)[None, :] + 0.5
    columns = np.arange(width)[None, :] + 0.5
    inside_y = np.abs(rows - centres_y[:, None]) < side_y / 2
    inside_x = np.abs(columns - centres_x[:, None]) < side_x / 2
    covered = inside_y[:, :, None] & inside_x[:, None, :]
    if images.ndim == 4:
        covered = covered[..., None]
    return np.where(covered, np.zeros((), images.dtype), images)


def blur(images, level, rng, max_sigma=None):
    """Gaussian blur of standard deviation `level * max_sigma` pixels.

    `max_sigma=None` means a tenth of the image's smaller side (2.8 pixels for
    28x28 digits). Deterministic: `rng` is not used.
    """
    del rng
    if max_sigma is None:
        max_sigma = 0.1 * min(images.shape[1:3])
    sigma = (0.0, level * max_sigma, level * max_sigma) + (0.0,) * (images.ndim - 3)
    return ndimage.gaussian_filter(images, sigma=sigma, mode="nearest").astype(images.dtype)


NOISES = {"gaussian": gaussian, "salt_and_pepper": salt_and_pepper, "occlusion": occlusion, "blur": blur}
