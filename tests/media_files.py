"""Writes real image, audio and text files, and DataFrame manifests of them, for tests."""

import pathlib

import numpy as np
import pandas as pd
import soundfile
import tensorflow as tf

IMAGE_FORMATS = ("png", "jpg")
AUDIO_FORMATS = ((8000, 1), (44100, 2), (44100, 1), (8000, 2))  # (sample rate, channels)
CLASSES = ("cat", "dog")
TEXTS = {"cat": "a small cat sleeps on the mat", "dog": "the big dog runs in the park"}


def write_image(path, height=20, width=24, channels=3, brightness=0.5, seed=0):
    """Writes a PNG or JPEG (by suffix) of random pixels around `brightness`."""
    rng = np.random.default_rng(seed)
    pixels = np.clip(brightness * 255 + rng.normal(0, 30, (height, width, channels)), 0, 255).astype(np.uint8)
    encode = tf.io.encode_png if str(path).endswith(".png") else tf.io.encode_jpeg
    pathlib.Path(path).write_bytes(encode(pixels).numpy())
    return pathlib.Path(path)


def write_tone(path, sample_rate=8000, channels=1, seconds=0.6, frequency=440.0):
    """Writes a 16-bit WAV holding a sine tone, the same on every channel."""
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    wave = 0.5 * np.sin(2 * np.pi * frequency * t)
    soundfile.write(str(path), np.repeat(wave[:, None], channels, axis=1), sample_rate, subtype="PCM_16")
    return pathlib.Path(path)


def manifest(folder, rows=8):
    """Writes `rows` samples into `folder` and returns their DataFrame.

    Images alternate PNG/JPEG and grayscale/RGB; audio cycles through 8 kHz
    and 44.1 kHz, mono and stereo; labels alternate "cat" and "dog", and each
    class has its own brightness, tone and sentence. Paths are relative to
    `folder`.
    """
    folder = pathlib.Path(folder)
    records = []
    for row in range(rows):
        label = CLASSES[row % 2]
        image = f"image_{row}.{IMAGE_FORMATS[row % 2]}"
        write_image(folder / image, channels=1 if row % 4 < 2 else 3, brightness=0.2 + 0.6 * (row % 2), seed=row)
        sample_rate, channels = AUDIO_FORMATS[row % len(AUDIO_FORMATS)]
        audio = f"audio_{row}.wav"
        write_tone(folder / audio, sample_rate, channels, frequency=300.0 if label == "cat" else 1200.0)
        records.append({"image": image, "audio": audio, "caption": TEXTS[label], "label": label})
    return pd.DataFrame(records, index=[f"sample{row}" for row in range(rows)])
