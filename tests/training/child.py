"""Training runs started in a child process by the distribution and recovery tests.

Usage: `python child.py MODE OUTPUT_JSON [CHECKPOINT_DIR]`. A strategy that
splits the CPU into logical devices must be set up before TensorFlow starts,
and a multi-worker strategy needs a process per worker: hence this script.
It trains a small two-modality model on generated data through
`mmzoo.training.fit` and writes the history and final weights to
OUTPUT_JSON. Modes:

- "single": the default strategy, global batch 32.
- "mirrored": MirroredStrategy on two logical CPU devices, 16 per replica.
- "worker": one worker of the cluster in TF_CONFIG, 16 per worker.
- "resumable": the default strategy, printing "epoch <n> done" after
  each epoch and pausing so it can be killed.
- "dual_single" and "dual_worker": a contrastive dual encoder on pairs
  alone, with the default strategy on global batches of 32, or as one
  worker of the cluster in TF_CONFIG, 16 per worker.

With CHECKPOINT_DIR, checkpoints are kept there.
"""

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

MODE = sys.argv[1]
if MODE == "mirrored":
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402

import mmzoo  # noqa: E402
import mmzoo.training  # noqa: E402
from mmzoo import branches, heads, retrieval  # noqa: E402
from mmzoo.datasets import synthetic  # noqa: E402

EPOCHS = 6 if MODE == "resumable" else 4


def build():
    """A conv image branch and a dense audio branch, without dropout."""
    return mmzoo.build_model(
        {"image": branches.conv2d(input_shape=(16, 16, 1), filters=(4,), units=16),
         "audio": branches.dense(input_dim=64, hidden_units=(16,))},
        head=heads.multiclass(4, hidden_units=(16,)),
    )


class EpochPrinter(keras.callbacks.Callback):
    """Prints each finished epoch (1-based) and pauses, so a test can kill the run."""

    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1} done", flush=True)
        time.sleep(1.0)


def train_dual_encoder():
    """A dual encoder of two dense towers (no dropout, no batch statistics) on 320 pairs, not shuffled."""
    inputs, _ = synthetic.generate(320, task="audio", image_size=16, seed=3, modalities=("image", "audio"))
    pairs = {"image": inputs["image"].reshape(320, -1), "audio": inputs["audio"]}

    def build_dual():
        return retrieval.dual_encoder({name: branches.dense(input_dim=value.shape[1], hidden_units=(16,))
                                       for name, value in pairs.items()}, embedding_dim=8)

    return mmzoo.training.fit(build_dual, pairs, epochs=3, batch_size=32 if MODE == "dual_single" else 16,
                              strategy="default" if MODE == "dual_single" else "multi_worker", seed=7,
                              shuffle=False, learning_rate=3e-3, verbose=2)


def main():
    output = sys.argv[2]
    if MODE.startswith("dual"):
        model, history = train_dual_encoder()
        with open(output, "w", encoding="utf-8") as file:
            json.dump({"history": history.history, "weights": [w.tolist() for w in model.get_weights()]}, file)
        return
    inputs, labels = synthetic.generate(480, task="audio", image_size=16, seed=3,
                                        modalities=("image", "audio"))
    if MODE == "mirrored":
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    else:
        strategy = {"single": "default", "worker": "multi_worker", "resumable": "default"}[MODE]
    batch_size = 32 if MODE in ("single", "resumable") else 16
    validation = ({name: value[:96] for name, value in inputs.items()}, labels[:96])
    model, history = mmzoo.training.fit(
        build, (inputs, labels), validation=validation, epochs=EPOCHS, batch_size=batch_size, strategy=strategy, seed=7,
        shuffle=False, learning_rate=3e-3, verbose=2,
        checkpoint_dir=sys.argv[3] if len(sys.argv) > 3 else None,
        callbacks=[EpochPrinter()] if MODE == "resumable" else [],
    )
    with open(output, "w", encoding="utf-8") as file:
        json.dump({"history": history.history, "epochs": history.epoch,
                   "weights": [w.tolist() for w in model.get_weights()]}, file)


if __name__ == "__main__":
    main()
