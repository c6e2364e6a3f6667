"""`ContrastiveLoss` under a two-replica MirroredStrategy, run in a child process.

Usage: `python replicas_child.py OUTPUT_JSON`. Logical CPU devices must be set
up before TensorFlow starts, hence a process of its own. It writes, for a
batch of 8 pairs and for a batch of 7 (split 4 and 3; and 7 with the
sigmoid loss), the loss of the whole
batch, the loss of each replica and the rows each replica received; and, for
a small dual encoder without and with labels, with the softmax loss and
with the sigmoid one, the largest difference between
the weights after one SGD step on the whole batch and after the same step
under the strategy.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

from mmzoo.layers import ContrastiveLoss  # noqa: E402


def unit(values):
    return (values / np.linalg.norm(values, axis=1, keepdims=True)).astype("float32")


def loss_of(layer, embeddings):
    layer(embeddings)
    return layer.losses[-1]


def losses(strategy, rows, loss="softmax"):
    """The whole batch's loss, each replica's loss and its number of rows."""
    rng = np.random.default_rng(0)
    batch = {"audio": unit(rng.normal(size=(rows, 4))), "image": unit(rng.normal(size=(rows, 4)))}
    with strategy.scope():
        layer = ContrastiveLoss(loss=loss)
        layer.build({modality: (None, 4) for modality in batch})
    dataset = tf.data.Dataset.from_tensor_slices(batch).batch(rows)
    replica_batch = next(iter(strategy.experimental_distribute_dataset(dataset)))
    per_replica = strategy.run(lambda embeddings: (loss_of(layer, embeddings), tf.shape(embeddings["audio"])[0]),
                               args=(replica_batch,))
    return {"whole": float(loss_of(layer, batch)),
            "replicas": [float(value) for value in strategy.experimental_local_results(per_replica[0])],
            "rows": [int(value) for value in strategy.experimental_local_results(per_replica[1])]}


def dual_encoder(class_aware, loss):
    """A small dual encoder: a Dense projection per modality, unit length, the loss."""
    keras.utils.set_random_seed(1)
    inputs = {"a": keras.Input((5,), name="a"), "b": keras.Input((6,), name="b")}
    embeddings = {modality: keras.layers.UnitNormalization()(keras.layers.Dense(4)(tensor))
                  for modality, tensor in inputs.items()}
    if class_aware:
        inputs["label"] = keras.Input((), name="label", dtype="int32")
        outputs = ContrastiveLoss(num_classes=3, loss=loss)(embeddings, labels=inputs["label"])
    else:
        outputs = ContrastiveLoss(loss=loss)(embeddings)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(1.0))
    return model


def step_difference(strategy, class_aware, loss="softmax"):
    """Largest weight difference after one SGD step on 8 pairs, whole against under the strategy."""
    rng = np.random.default_rng(0)
    data = {"a": rng.normal(size=(8, 5)).astype("float32"), "b": rng.normal(size=(8, 6)).astype("float32")}
    if class_aware:
        data["label"] = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(8)
    whole = dual_encoder(class_aware, loss)
    whole.fit(dataset, epochs=1, verbose=0)
    with strategy.scope():
        distributed = dual_encoder(class_aware, loss)
    distributed.fit(dataset, epochs=1, verbose=0)
    start = dual_encoder(class_aware, loss)
    return {"difference": max(float(np.abs(a - b).max()) for a, b in zip(whole.get_weights(),
                                                                          distributed.get_weights())),
            "step": max(float(np.abs(a - b).max()) for a, b in zip(whole.get_weights(), start.get_weights()))}


# One strategy for the whole process: a second one would reuse the first one's collective keys.
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with open(sys.argv[1], "w") as file:
    json.dump({"even": losses(strategy, 8), "uneven": losses(strategy, 7),
               "uneven_sigmoid": losses(strategy, 7, "sigmoid"),
               "pairs": step_difference(strategy, False), "labels": step_difference(strategy, True),
               "sigmoid_pairs": step_difference(strategy, False, "sigmoid"),
               "sigmoid_labels": step_difference(strategy, True, "sigmoid")}, file)
