"""Choosing a `tf.distribute.Strategy`: one device, several GPUs, several machines, a TPU."""

import json
import logging
import os

import tensorflow as tf

from mmzoo.errors import ArgumentTypeError, ConfigurationError

logger = logging.getLogger(__name__)

STRATEGY_NAMES = ("auto", "default", "mirrored", "multi_worker", "tpu")


def _cluster_size():
    """Returns the number of chief + worker tasks `TF_CONFIG` describes (0 without it)."""
    text = os.environ.get("TF_CONFIG", "").strip()
    if not text:
        return 0
    try:
        cluster = json.loads(text).get("cluster", {})
    except (ValueError, AttributeError) as error:
        raise ConfigurationError(
            "The TF_CONFIG environment variable must be JSON such as "
            '{"cluster": {"worker": ["host1:port", "host2:port"]}, "task": {"type": "worker", "index": 0}}. '
            f"Received: TF_CONFIG={text[:200]!r}"
        ) from error
    return sum(len(cluster.get(task, ())) for task in ("chief", "worker"))


def _tpu_address():
    """Returns the TPU to connect to ("local" on a TPU VM), or None when there is no hint of one."""
    if tf.config.list_physical_devices("TPU"):
        return "local"
    for variable in ("TPU_NAME", "COLAB_TPU_ADDR"):
        if os.environ.get(variable):
            return os.environ[variable]
    return None


def choose_strategy(strategy="auto"):
    """Decides which strategy a name stands for, without creating it.

    Args:
        strategy: One of `STRATEGY_NAMES`.

    Returns:
        A tuple `(kind, reason)`: `kind` is one of "default", "mirrored",
        "multi_worker" or "tpu" and `reason` says why, in words.

    Raises:
        ValueError: `strategy` is not a known name, or `TF_CONFIG` is not
            valid JSON.
        TypeError: `strategy` is not a string.
    """
    if not isinstance(strategy, str):
        raise ArgumentTypeError(
            "`strategy` must be a name or a tf.distribute.Strategy. "
            f"Received: strategy={strategy!r} (of type {type(strategy).__name__})"
        )
    if strategy not in STRATEGY_NAMES:
        raise ConfigurationError(
            f"Unknown strategy {strategy!r}; use one of {list(STRATEGY_NAMES)} or a "
            f"tf.distribute.Strategy. Received: strategy={strategy!r}"
        )
    if strategy != "auto":
        return strategy, f"strategy={strategy!r} was asked for"
    workers = _cluster_size()
    if workers > 1:
        return "multi_worker", f"TF_CONFIG describes a cluster of {workers} workers"
    tpu = _tpu_address()
    if tpu is not None:
        return "tpu", f"a TPU was found ({tpu})"
    gpus = tf.config.list_physical_devices("GPU")
    if len(gpus) > 1:
        return "mirrored", f"{len(gpus)} GPUs are visible"
    device = "one GPU" if gpus else "no GPU"
    return "default", f"{device}, no TPU and no multi-worker TF_CONFIG"


def _tpu_strategy():
    address = _tpu_address()
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=address or "")
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError) as error:
        raise ConfigurationError(
            f"strategy='tpu' needs a TPU, and none could be reached ({error}). Received: strategy='tpu'"
        ) from error
    return tf.distribute.TPUStrategy(resolver)


def get_strategy(strategy="auto"):
    """Returns a `tf.distribute.Strategy` by name, and logs which one and why.

    "auto" picks, in this order: `MultiWorkerMirroredStrategy` when the
    `TF_CONFIG` environment variable describes a cluster of several workers,
    `TPUStrategy` when a TPU is found (a TPU VM, or `TPU_NAME` /
    `COLAB_TPU_ADDR` set), `MirroredStrategy` when more than one GPU is
    visible, and otherwise the default strategy (one device).

    `MultiWorkerMirroredStrategy` must be created before TensorFlow runs any
    operation: in a multi-worker program call `get_strategy` (or
    `mmzoo.training.fit`) before building datasets.

    Example:
        >>> strategy = get_strategy("auto")
        >>> strategy.num_replicas_in_sync
        1

    Args:
        strategy: "auto", "default", "mirrored" (all GPUs of this machine,
            or the CPU), "multi_worker" (`TF_CONFIG` cluster), "tpu", or a
            `tf.distribute.Strategy`, returned as is.

    Returns:
        A `tf.distribute.Strategy`.

    Raises:
        ValueError: the name is unknown, `TF_CONFIG` is not valid JSON, or
            "tpu" was asked for and no TPU can be reached.
        TypeError: `strategy` is neither a string nor a strategy.
    """
    if isinstance(strategy, tf.distribute.Strategy):
        logger.info("Using the given %s (%d replicas).", type(strategy).__name__,
                    strategy.num_replicas_in_sync)
        return strategy
    kind, reason = choose_strategy(strategy)
    if kind == "default":
        chosen = tf.distribute.get_strategy()
    elif kind == "mirrored":
        chosen = tf.distribute.MirroredStrategy()
    elif kind == "multi_worker":
        chosen = tf.distribute.MultiWorkerMirroredStrategy()
    else:
        chosen = _tpu_strategy()
    logger.info("Using %s with %d replicas: %s.", type(chosen).__name__, chosen.num_replicas_in_sync, reason)
    return chosen


def is_multi_worker(strategy):
    """Returns True for a strategy spanning several worker processes."""
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


def is_chief(strategy):
    """Returns True on the process that writes checkpoints.

    That is every process of a single-worker strategy, and in a cluster the
    "chief" task, or worker 0 when the cluster has no chief.

    Args:
        strategy: A `tf.distribute.Strategy`.

    Returns:
        A bool.
    """
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief
