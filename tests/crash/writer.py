"""Child process of `test_kill_mid_write.py`: writes one kind of file over and over until killed.

    python writer.py WRITER FOLDER

prints "written" after each complete write, so the parent knows when a
previous good file exists. WRITER is "keras", "saved_model", "tflite" or
"prepare".
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402  (Keras before TensorFlow, as on every backend)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import mmzoo  # noqa: E402
from mmzoo import branches, datasets, export, heads  # noqa: E402

ROWS, ROWS_PER_SHARD = 3000, 150


def model():
    """A model of a few MB, so that a save takes long enough to be killed in the middle."""
    return mmzoo.build_model({"audio": branches.dense(input_dim=256, hidden_units=(1024, 1024))},
                             head=heads.multiclass(10))


def manifest():
    rng = np.random.default_rng(0)
    words = np.array(["red", "green", "blue", "cat", "dog", "sun", "moon"])
    texts = [" ".join(rng.choice(words, 12)) for _ in range(ROWS)]
    return pd.DataFrame({"text": texts, "label": rng.integers(0, 3, ROWS)})


def main(writer, folder):
    keras.utils.set_random_seed(0)
    if writer == "prepare":
        frame = manifest()
        for number in range(1_000_000):
            datasets.prepare(frame, os.path.join(folder, f"prepared-{number}"), text="text", label="label",
                             rows_per_shard=ROWS_PER_SHARD, verbose=0)
            print("written", flush=True)
    built = model()
    path = os.path.join(folder, {"keras": "model.keras", "saved_model": "model_saved", "tflite": "model.tflite"}[writer])
    while True:
        export.export_model(built, path, format="tflite_float32" if writer == "tflite" else writer, overwrite=True)
        print("written", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
