"""Choosing a strategy: one device, several GPUs, several machines, a TPU.

On the TensorFlow backend a strategy is a `tf.distribute.Strategy`. On JAX,
"mirrored" is Keras 3's own `keras.distribution.DataParallel` over this
machine's devices, and "multi_worker" the same over the devices of several
processes or hosts (`keras.distribution.initialize`, which starts
`jax.distributed`), behind the same interface (`KerasDataParallel`). The
other strategies are `tf.distribute`, which drives the TensorFlow backend
only: asked for on another backend, they raise a `ConfigurationError`
naming the backend and what to do.
"""

import contextlib
import json
import logging
import os

import keras
import tensorflow as tf

from mmzoo.errors import ArgumentTypeError, ConfigurationError

logger = logging.getLogger(__name__)

STRATEGY_NAMES = ("auto", "default", "mirrored", "multi_worker", "tpu")
JAX_CLUSTER_VARIABLES = ("KERAS_DISTRIBUTION_JOB_ADDRESSES", "KERAS_DISTRIBUTION_NUM_PROCESSES",
                         "KERAS_DISTRIBUTION_PROCESS_ID")
"""The environment that describes a cluster of JAX processes to `keras.distribution.initialize`:
the coordinator's address (process 0's `host:port`), the number of processes and this one's id."""


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


def _jax_cluster_size():
    """Returns the number of JAX processes `KERAS_DISTRIBUTION_NUM_PROCESSES` describes (0 without it)."""
    text = os.environ.get("KERAS_DISTRIBUTION_NUM_PROCESSES", "").strip()
    if not text:
        return 0
    if not text.isdigit():
        raise ConfigurationError(
            "The KERAS_DISTRIBUTION_NUM_PROCESSES environment variable must be the number of processes of the "
            f"cluster. Received: KERAS_DISTRIBUTION_NUM_PROCESSES={text!r}")
    return int(text)


def _initialize_jax_cluster():
    """Joins the cluster of JAX processes the environment describes (once per process)."""
    missing = [name for name in JAX_CLUSTER_VARIABLES if not os.environ.get(name, "").strip()]
    if missing:
        raise ConfigurationError(
            "strategy='multi_worker' on JAX trains over the processes the environment describes for "
            f"keras.distribution.initialize: set {', '.join(JAX_CLUSTER_VARIABLES)} on every process "
            "(process 0's host:port, the number of processes, this process's id). "
            f"Received: strategy='multi_worker' without {', '.join(missing)}")
    import jax  # the backend in use: checked above that the environment describes a cluster

    if _jax_cluster_size() > 1 and not jax.distributed.is_initialized():
        keras.distribution.initialize()


class KerasDataParallel:
    """Data parallelism on the JAX backend with `keras.distribution.DataParallel`, used like a strategy.

    The model's variables are replicated on every device (of this machine,
    or of every process of a cluster) and each batch is split between them.
    `scope()` makes the distribution current (building, compiling and
    training within it distribute). In a cluster each process reads its own
    share of a `tf.data` dataset (Keras shards it by process) and the
    global batch is split over every device of every process.

    Args:
        devices: The JAX devices to use; by default all of them
            (`keras.distribution.list_devices()`).
    """

    def __init__(self, devices=None):
        self.distribution = keras.distribution.DataParallel(devices=devices)
        self.num_replicas_in_sync = len(self.distribution.device_mesh.devices.flatten())

    def scope(self):
        """A context in which Keras builds and trains with the distribution."""
        return self.distribution.scope()

    @property
    def num_processes(self):
        """The number of processes the devices belong to (1 on one machine without a cluster)."""
        import jax

        return jax.process_count()


BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


def check_backend(kind, strategy):
    """Raises when the strategy `kind` cannot run on the Keras backend in use.

    Args:
        kind: "default", "mirrored", "multi_worker", "tpu", or "given" for a
            `tf.distribute.Strategy` instance.
        strategy: The strategy as the user gave it (for the message).

    Raises:
        ConfigurationError: a `tf.distribute` strategy on JAX or PyTorch
            (but "mirrored" and "multi_worker" on JAX), or "mirrored" or
            "multi_worker" on PyTorch.
    """
    backend = keras.backend.backend()
    data_parallel = kind in ("mirrored", "multi_worker")
    if backend == "tensorflow" or kind == "default" or (data_parallel and backend == "jax"):
        return
    what = ({"mirrored": "data parallelism over this machine's devices is tf.distribute.MirroredStrategy on "
                         "TensorFlow and keras.distribution.DataParallel on JAX",
             "multi_worker": "data parallelism over several processes is tf.distribute."
                             "MultiWorkerMirroredStrategy on TensorFlow and keras.distribution.DataParallel "
                             "on JAX"}.get(kind, "tf.distribute strategies train on the TensorFlow backend only"))
    raise ConfigurationError(
        f"strategy={strategy!r} cannot run on the {BACKEND_NAMES.get(backend, backend)} backend of Keras "
        f"(KERAS_BACKEND={backend}): {what}. Set KERAS_BACKEND=tensorflow"
        f"{f' (or jax for strategy={kind!r})' if data_parallel else ''}, or use "
        f"strategy='default'. Received: strategy={strategy!r}"
    )


def training_scope(strategy):
    """The context `fit` trains in: the distribution's scope on JAX, none for a `tf.distribute.Strategy`."""
    return strategy.scope() if isinstance(strategy, KerasDataParallel) else contextlib.nullcontext()


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
        check_backend(strategy, strategy)
        return strategy, f"strategy={strategy!r} was asked for"
    processes = _jax_cluster_size() if keras.backend.backend() == "jax" else 0
    if processes > 1:
        return "multi_worker", f"KERAS_DISTRIBUTION_NUM_PROCESSES describes a cluster of {processes} processes"
    if keras.backend.backend() != "tensorflow":
        return "default", f"tf.distribute does not drive the {keras.backend.backend()} backend"
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

    On JAX "auto" is "multi_worker" when `KERAS_DISTRIBUTION_NUM_PROCESSES`
    describes several processes, and the default strategy otherwise; on
    PyTorch it is the default strategy. On JAX "mirrored" is a
    `KerasDataParallel` over every device of this machine, and
    "multi_worker" one over every device of every process: each process
    sets `JAX_CLUSTER_VARIABLES` (e.g. `KERAS_DISTRIBUTION_JOB_ADDRESSES=
    host0:1234`, `KERAS_DISTRIBUTION_NUM_PROCESSES=2`,
    `KERAS_DISTRIBUTION_PROCESS_ID=0` or `1`) and runs the same program;
    process 0 writes the checkpoints.

    Args:
        strategy: "auto", "default", "mirrored" (all GPUs of this machine,
            or the CPU), "multi_worker" (`TF_CONFIG` cluster; on JAX the
            `JAX_CLUSTER_VARIABLES`), "tpu", or a
            `tf.distribute.Strategy` or `KerasDataParallel`, returned as is.

    Returns:
        A `tf.distribute.Strategy`, or a `KerasDataParallel` on JAX.

    Raises:
        ValueError: the name is unknown, `TF_CONFIG` is not valid JSON,
            "tpu" was asked for and no TPU can be reached, the strategy
            cannot run on the Keras backend in use (`check_backend`), or
            "multi_worker" on JAX lacks one of `JAX_CLUSTER_VARIABLES`.
        TypeError: `strategy` is neither a string nor a strategy.
    """
    if isinstance(strategy, KerasDataParallel):
        return strategy
    if isinstance(strategy, tf.distribute.Strategy):
        if strategy is not tf.distribute.get_strategy():
            check_backend("given", strategy)
        logger.info("Using the given %s (%d replicas).", type(strategy).__name__,
                    strategy.num_replicas_in_sync)
        return strategy
    kind, reason = choose_strategy(strategy)
    if kind == "default":
        chosen = tf.distribute.get_strategy()
    elif kind == "mirrored" and keras.backend.backend() == "jax":
        chosen = KerasDataParallel()
    elif kind == "multi_worker" and keras.backend.backend() == "jax":
        _initialize_jax_cluster()
        chosen = KerasDataParallel()
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
    "chief" task, or worker 0 when the cluster has no chief (on JAX:
    process 0).

    Args:
        strategy: A `tf.distribute.Strategy` or a `KerasDataParallel`.

    Returns:
        A bool.
    """
    if isinstance(strategy, KerasDataParallel):
        import jax

        return jax.process_index() == 0
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief
