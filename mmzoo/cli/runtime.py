"""Importing TensorFlow without its C++ start-up log on the command's stderr."""

import os
import sys


def load_tensorflow():
    """Imports TensorFlow and probes the devices with stderr silenced, so only mmzoo's own messages show.

    TensorFlow writes device probing notes (oneDNN, CUDA drivers, cuInit)
    from C++ before `TF_CPP_MIN_LOG_LEVEL` applies; they go to the null
    device. Set `MMZOO_TF_LOG=1` to see them.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if os.environ.get("MMZOO_TF_LOG") == "1" or "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        import tensorflow as tf

        tf.config.list_physical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
