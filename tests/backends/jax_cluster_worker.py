"""One process of the JAX cluster of `test_backends.py`: trains with `fit(strategy="auto")` and reports.

    KERAS_BACKEND=jax KERAS_DISTRIBUTION_JOB_ADDRESSES=localhost:PORT \\
    KERAS_DISTRIBUTION_NUM_PROCESSES=2 KERAS_DISTRIBUTION_PROCESS_ID=0 python jax_cluster_worker.py CHECKPOINTS auto

trains a classifier; with a third argument `dual_encoder`, a contrastive
dual encoder on pairs, on a global batch of 32 (16 per process), and with
the strategy `default` the same on one device, the reference.

or, as the one-process reference on two devices,

    KERAS_BACKEND=jax XLA_FLAGS=--xla_force_host_platform_device_count=2 \
    python jax_cluster_worker.py CHECKPOINTS mirrored

prints one JSON line: this process's index, the cluster's size, the
strategy fit used, the training history and the sum of each weight.
"""

import json
import sys

import numpy as np

from mmzoo import branches, build_model, heads, retrieval, training

SAMPLES = 300
"""Not a multiple of the global batch: the last, smaller batch must be left out in every process alike."""


def _classifier(checkpoint_dir, strategy):
    rng = np.random.default_rng(0)
    features = rng.normal(size=(SAMPLES, 8)).astype("float32")
    labels = (features[:, 0] > 0).astype("int32")

    def build():
        return build_model({"audio": branches.dense(input_dim=8, hidden_units=(16,))}, head=heads.multiclass(2))

    return training.fit(build, ({"audio": features}, labels), epochs=6, batch_size=16, learning_rate=0.02,
                        checkpoint_dir=checkpoint_dir, strategy=strategy, seed=0, verbose=0)


def _dual_encoder(checkpoint_dir, strategy):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, 320)
    centres = rng.normal(size=(4, 8))
    pairs = {"image": (centres[labels] + 0.3 * rng.normal(size=(320, 8))).astype("float32"),
             "audio": (centres[labels] + 0.3 * rng.normal(size=(320, 8))).astype("float32")}

    def build():
        return retrieval.dual_encoder({modality: branches.dense(input_dim=8, hidden_units=(16,))
                                       for modality in ("image", "audio")}, embedding_dim=8)

    batch_size = 32 if strategy == "default" else 16
    return training.fit(build, pairs, epochs=3, batch_size=batch_size, learning_rate=0.01, shuffle=False,
                        checkpoint_dir=checkpoint_dir, strategy=strategy, seed=0, verbose=0)


def main(checkpoint_dir, strategy, model="classifier"):
    model, history = {"classifier": _classifier, "dual_encoder": _dual_encoder}[model](checkpoint_dir, strategy)
    used = training.get_strategy(strategy)
    import jax

    print(json.dumps({"process": jax.process_index(), "processes": jax.process_count(),
                      "strategy": type(used).__name__, "replicas": used.num_replicas_in_sync,
                      "history": history.history,
                      "weights": [float(np.sum(weights)) for weights in model.get_weights()]}), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
