"""Checkpoints that are never half-written: a training backup to resume from, and the best model.

Every file is written through `mmzoo._files` (a temporary name in its
final folder, then renamed over the final name): a run killed at any moment
leaves either the previous file or the new one.

In a multi-worker cluster only the chief writes to the checkpoint folder;
the other workers write to their own temporary folders, deleted at once, so
they never clobber the chief's files.
"""

import contextlib
import glob
import logging
import math
import os
import shutil
import tempfile

import keras

from mmzoo._files import atomic_write, read_json, reading, write_json
from mmzoo.errors import ConfigurationError

logger = logging.getLogger(__name__)

STATE_FILE = "state.json"


@contextlib.contextmanager
def writable_directory(directory, chief):
    """Yields where this process writes: `directory` on the chief, else a throwaway folder.

    Args:
        directory: The checkpoint folder, created if needed on the chief.
        chief: Whether this process is the chief.

    Yields:
        A folder path.
    """
    if chief:
        os.makedirs(directory, exist_ok=True)
        yield directory
        return
    scratch = tempfile.mkdtemp(prefix="mmzoo-worker-")
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class BackupAndRestore(keras.callbacks.Callback):
    """Backs up the training state after every epoch, to resume a killed run.

    Like `keras.callbacks.BackupAndRestore`, with files that are never
    half-written: after epoch `n` the model's weights and optimizer state
    go to `epoch-<n>.weights.h5`, then `state.json` (`{"epoch": n, ...}`)
    is replaced to point at them, then older weights are deleted. A run
    restarted with the same folder calls `restore` and continues with epoch
    `n + 1`. The backup is deleted when training ends normally.

    Args:
        backup_dir: Folder of the backup (not shared with other runs).
        chief: Whether this process writes to `backup_dir`; other workers
            of a cluster write to throwaway folders.
    """

    def __init__(self, backup_dir, chief=True):
        super().__init__()
        self.backup_dir = os.fspath(backup_dir)
        self.chief = chief

    def restore(self, model):
        """Loads the last backed-up state into `model`, if there is one.

        The model must be compiled; its optimizer is built first so that
        its state can be loaded too.

        Args:
            model: The model being trained (same architecture as the one
                backed up).

        Returns:
            The number of epochs already done (0 without a backup).

        Raises:
            DamagedFileError: the backup's state or weights cannot be read.
        """
        state = self._state()
        if state is None:
            return 0
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        weights, epoch = os.path.join(self.backup_dir, state["weights"]), state["epoch"]
        with reading(weights, "training backup weights", self._remedy(), argument="backup_dir",
                     value=self.backup_dir):
            model.load_weights(weights)
        logger.info("Restored the training state after epoch %d from %s.", epoch, self.backup_dir)
        return epoch

    def epochs_done(self):
        """Returns the number of epochs the backup holds (0 without one), without loading it.

        Raises:
            DamagedFileError: the backup's state cannot be read.
        """
        state = self._state()
        return 0 if state is None else state["epoch"]

    def _remedy(self):
        return f"Delete the folder {self.backup_dir!r} to train from the start (the best model next to it is kept)."

    def _state(self):
        """The backup's `{"epoch": int, "weights": file name}`, or None without a backup."""
        state_path = os.path.join(self.backup_dir, STATE_FILE)
        state = read_json(state_path, kind="training backup state JSON", remedy=self._remedy(),
                          argument="backup_dir", value=self.backup_dir)
        if state is None:
            return None
        with reading(state_path, "training backup state JSON", self._remedy(), argument="backup_dir",
                     value=self.backup_dir):
            return {"epoch": int(state["epoch"]), "weights": state["weights"]}

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        weights = f"epoch-{done}.weights.h5"
        with writable_directory(self.backup_dir, self.chief) as directory:
            atomic_write(os.path.join(directory, weights), self.model.save_weights)
            write_json(os.path.join(directory, STATE_FILE), {"epoch": done, "weights": weights})
            for stale in glob.glob(os.path.join(directory, "epoch-*.weights.h5")):
                if os.path.basename(stale) != weights:
                    os.remove(stale)

    def on_train_end(self, logs=None):
        if not self.chief:
            return
        state_path = os.path.join(self.backup_dir, STATE_FILE)
        if os.path.exists(state_path):
            os.remove(state_path)
        shutil.rmtree(self.backup_dir, ignore_errors=True)


def _monitor_mode(monitor):
    name = monitor.removeprefix("val_")
    return "max" if name.endswith(("accuracy", "auc")) else "min"


class BestModelCheckpoint(keras.callbacks.Callback):
    """Keeps the best model so far as a `.keras` file, written atomically.

    Next to the model, a JSON file (same name, ".json") records the best
    value of the monitored quantity and its epoch, so that a resumed run
    only replaces the model with a better one.

    Args:
        filepath: Path of the `.keras` file.
        monitor: The logged quantity to judge by, e.g. "val_loss".
        export_model: The model written to the file; defaults to the model
            being trained (a different one when training on cached
            features).
        chief: Whether this process writes to `filepath`; other workers of
            a cluster write to throwaway folders.
        resume: Whether to start from the best value recorded by an earlier
            run in the JSON file (when resuming it) rather than from scratch.
    """

    def __init__(self, filepath, monitor="val_loss", export_model=None, chief=True, resume=False):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.export_model = export_model
        self.chief = chief
        self.mode = _monitor_mode(monitor)
        self.record_path = os.path.splitext(self.filepath)[0] + ".json"
        remedy = f"Delete it to keep the next best model whatever {self.filepath!r} scored."
        record = read_json(self.record_path, kind="best-model record JSON", remedy=remedy, argument="filepath",
                           value=self.filepath) if resume else None
        with reading(self.record_path, "best-model record JSON", remedy, argument="filepath", value=self.filepath):
            best = float(record["best"]) if record else None
        self.best = best if record else (math.inf if self.mode == "min" else -math.inf)

    def _improves(self, value):
        return value < self.best if self.mode == "min" else value > self.best

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            raise ConfigurationError(
                f"`monitor` must be a quantity training logs, one of {sorted(logs or {})}. "
                f"Received: monitor={self.monitor!r}"
            )
        value = float(value)
        if not self._improves(value):
            return
        self.best = value
        model = self.export_model or self.model
        folder, name = os.path.split(self.filepath)
        with writable_directory(folder or ".", self.chief) as directory:
            atomic_write(os.path.join(directory, name), model.save)
            write_json(os.path.join(directory, os.path.basename(self.record_path)),
                       {"monitor": self.monitor, "best": value, "epoch": epoch + 1})
