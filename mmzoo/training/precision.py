"""Mixed precision: the policy for the device, set only while a model is built."""

import contextlib

import keras
import tensorflow as tf


def mixed_policy_name(strategy):
    """Returns "mixed_float16" when the strategy trains on GPUs, else "mixed_bfloat16".

    GPUs compute fastest in float16 (with loss scaling, which Keras adds to
    the optimizer); TPUs and CPUs support bfloat16, which needs none.

    Args:
        strategy: The `tf.distribute.Strategy` that will train the model.

    Returns:
        A Keras dtype policy name.
    """
    on_tpu = isinstance(strategy, tf.distribute.TPUStrategy)
    has_gpu = bool(tf.config.list_logical_devices("GPU"))
    return "mixed_float16" if has_gpu and not on_tpu else "mixed_bfloat16"


@contextlib.contextmanager
def dtype_policy(name):
    """Sets Keras' global dtype policy inside the block, then restores the previous one.

    Layers created inside the block keep the policy; heads' `Prediction`
    layers are float32 whatever the policy, so outputs and losses stay in
    float32.

    Args:
        name: A Keras dtype policy name, or None to leave the policy alone.

    Yields:
        The policy name in force inside the block.
    """
    previous = keras.config.dtype_policy()
    if name is not None:
        keras.config.set_dtype_policy(name)
    try:
        yield keras.config.dtype_policy().name
    finally:
        keras.config.set_dtype_policy(previous)
