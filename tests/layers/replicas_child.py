"""`ContrastiveLoss` under a two-replica MirroredStrategy, run in a child process.

Usage: `python replicas_child.py OUTPUT_JSON`. Logical CPU devices must be set
up before TensorFlow starts, hence a process of its own. It writes the loss of
one batch of 8 pairs computed whole, on each half alone, and on each replica
of the strategy (which receives one half).
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import numpy as np  # noqa: E402

from mmzoo.layers import ContrastiveLoss  # noqa: E402


def unit(values):
    return (values / np.linalg.norm(values, axis=1, keepdims=True)).astype("float32")


def loss_of(layer, embeddings):
    layer(embeddings)
    return layer.losses[-1]


rng = np.random.default_rng(0)
batch = {"audio": unit(rng.normal(size=(8, 4))), "image": unit(rng.normal(size=(8, 4)))}
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    layer = ContrastiveLoss()
    layer.build({modality: (None, 4) for modality in batch})
halves = [{modality: values[start:start + 4] for modality, values in batch.items()} for start in (0, 4)]
replica_batch = next(iter(strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices(batch).batch(8))))
per_replica = strategy.run(lambda embeddings: loss_of(layer, embeddings), args=(replica_batch,))
with open(sys.argv[1], "w") as file:
    json.dump({"whole": float(loss_of(layer, batch)), "halves": [float(loss_of(layer, half)) for half in halves],
               "replicas": [float(value) for value in strategy.experimental_local_results(per_replica)]}, file)
