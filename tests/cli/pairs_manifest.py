"""A manifest of pairs for the `mmzoo train dual_encoder` and `mmzoo search` tests: coloured squares, captions, tones."""

import pathlib

import numpy as np
import pandas as pd
import tensorflow as tf
from media_files import write_tone

COLOURS = {"red": (1, 0, 0), "green": (0, 1, 0), "blue": (0, 0, 1), "yellow": (1, 1, 0)}
TONES = {"red": 300.0, "green": 600.0, "blue": 1200.0, "yellow": 2400.0}
ROWS = 64
TEST_ROWS = [row for row in range(ROWS) if row % 16 < 4]   # 4 rows of each colour


def colour(row):
    return list(COLOURS)[row % len(COLOURS)]


def write_pairs(folder, rows=ROWS, labels=True, audio=False):
    """Writes a manifest of coloured squares and captions naming their colour (and a tone per colour).

    Rows `row % 16 < 4` are the test split, `row % 16 == 4` the validation split.
    """
    folder = pathlib.Path(folder)
    rng = np.random.default_rng(0)
    records = []
    for row in range(rows):
        name = colour(row)
        pixels = np.clip(np.array(COLOURS[name]) * 200 + rng.normal(0, 20, (16, 16, 3)), 0, 255).astype(np.uint8)
        (folder / f"square_{row}.png").write_bytes(tf.io.encode_png(pixels).numpy())
        record = {"photo": f"square_{row}.png", "caption": f"a {name} square",
                  "split": "test" if row % 16 < 4 else "validation" if row % 16 == 4 else "train"}
        if audio:
            record["clip"] = write_tone(folder / f"tone_{row}.wav", sample_rate=16000, frequency=TONES[name]).name
        if labels:
            record["label"] = name
        records.append(record)
    pd.DataFrame(records).to_csv(folder / "pairs.csv", index=False)
    return folder / "pairs.csv"
