"""Training progress of one model, for runs that train several in a row (one bar or one line per epoch each)."""

import sys

import keras

SHOWN = {"loss": "loss", "accuracy": "accuracy", "label_accuracy": "accuracy",
         "val_accuracy": "val_accuracy", "val_label_accuracy": "val_accuracy"}
"""Logged name -> shown name: the fused output's accuracy under one name, with or without auxiliary heads."""


class TrainingProgress(keras.callbacks.Callback):
    """Shows the progress of one model's training, with the loss and accuracy.

    On a terminal: one `keras.utils.Progbar` over all steps of all epochs.
    Otherwise (a log file, a pipe, a notebook cell running the command):
    one line per epoch, so the output stays readable.

    Args:
        title: Printed above the progress, e.g. "[3/8] concat".
        live: Whether to draw a live bar; default: whether stdout is a
            terminal.
    """

    def __init__(self, title, live=None):
        super().__init__()
        self.title = title
        self.live = sys.stdout.isatty() if live is None else live
        self.bar = None
        self.seen = 0

    def _values(self, logs):
        return [(shown, float(logs[key])) for key, shown in SHOWN.items() if key in (logs or {})]

    def on_train_begin(self, logs=None):
        """Prints the title and starts the bar."""
        print(self.title, flush=True)
        self.seen = 0
        if self.live:
            steps, epochs = self.params.get("steps"), self.params.get("epochs", 1)
            self.bar = keras.utils.Progbar(steps * epochs if steps else None, unit_name="step")

    def on_train_batch_end(self, batch, logs=None):
        """Advances the bar by one step."""
        self.seen += 1
        if self.live:
            self.bar.update(self.seen, values=self._values(logs), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        """Without a live bar, prints the epoch's loss and accuracy."""
        if not self.live:
            shown = ", ".join(f"{key} {value:.4f}" for key, value in self._values(logs))
            print(f"  epoch {epoch + 1}/{self.params.get('epochs', 1)}: {shown}", flush=True)

    def on_train_end(self, logs=None):
        """Completes the bar."""
        if self.live:
            self.bar.update(self.seen, finalize=True)
