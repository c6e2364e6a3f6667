"""A progress bar over the training steps of one model, for runs that train several in a row."""

import keras


class TrainingProgress(keras.callbacks.Callback):
    """Shows one `keras.utils.Progbar` over all steps of all epochs, with the loss and accuracy.

    Args:
        title: Printed above the bar, e.g. "[3/8] concat".
    """

    def __init__(self, title):
        super().__init__()
        self.title = title
        self.bar = None
        self.seen = 0

    def on_train_begin(self, logs=None):
        """Prints the title and starts the bar."""
        steps, epochs = self.params.get("steps"), self.params.get("epochs", 1)
        print(self.title, flush=True)
        self.bar = keras.utils.Progbar(steps * epochs if steps else None, unit_name="step")
        self.seen = 0

    def on_train_batch_end(self, batch, logs=None):
        """Advances the bar by one step."""
        self.seen += 1
        self.bar.update(self.seen, values=[(key, float(logs[key])) for key in ("loss", "accuracy") if key in (logs or {})],
                        finalize=False)

    def on_train_end(self, logs=None):
        """Completes the bar."""
        self.bar.update(self.seen, finalize=True)
