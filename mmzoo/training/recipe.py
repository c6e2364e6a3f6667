"""The training recipe mmzoo measures its models with, shared by `mmzoo demo`, `mmzoo train` and `bench/`.

Measured on AV-MNIST against a hand-written Keras model trained side by
side (`python bench/av_mnist.py`, `bench/results/av_mnist.md`):

- Adam with a cosine decay of the learning rate from 1e-3 to zero over the
  run: the model judged at the end settles instead of moving with the last
  steps (at a constant rate, held-out-speaker accuracy swung by 3-5 points
  from epoch to epoch); a peak of 3e-3 did worse than 1e-3.
- Batch 64.
- In a comparison that trains the single-modality models anyway (`mmzoo
  demo`, the bench), each fusion starts from their branches
  (`mmzoo.training.warm_start`) and is fine-tuned for `fine_tune_epochs`
  (2 of 5), at the same cosine schedule from 1e-3: over seeds 0, 1 and 2
  the six fusions gained 0.8 points on average against 5 epochs from
  scratch (0.5-1.0 each; `bench/results/av_mnist.md` next to
  `bench/results/av_mnist_from_scratch.md`), at 40% of their training
  time. Tensor fusion then multiplies the raw branch features
  (`mmzoo.experiments.av_mnist.build`): after its usual 16-unit projection
  it lost 1.7 points and varied from 82.8% to 90.1% over the seeds. A
  fine-tuning rate of 3e-4, 3 epochs, or first training the fusion over
  frozen branches for an epoch (linear probing, then fine-tuning) did no
  better on seed 0.
- Auxiliary per-modality heads (`mmzoo.training.with_auxiliary_heads`,
  `fit(auxiliary_heads=AUXILIARY_WEIGHT)`) are an option, not the default:
  on AV-MNIST they changed concat fusion by less than the spread between
  seeds (`bench/results/av_mnist.md`, modality balance). Trained from
  scratch they close most of the gap of the audio branch's linear probe
  (69.7% -> 73.8%, against 75.1% for the audio-only model), still without
  changing test accuracy (`bench/results/av_mnist_from_scratch.md`).
"""

import math

import keras

from mmzoo._checks import check_positive_int

BATCH_SIZE = 64
LEARNING_RATE = 1e-3
AUXILIARY_WEIGHT = 0.5
FINE_TUNE_FRACTION = 0.4
"""Epochs of a warm-started fusion, as a fraction of the single-modality models' epochs: 2 of 5."""


def fine_tune_epochs(epochs):
    """Returns the epochs of a fusion warm-started from single-modality models trained for `epochs`.

    Args:
        epochs: Training epochs of the single-modality models.

    Returns:
        `ceil(FINE_TUNE_FRACTION * epochs)`: 2 for 5 epochs, 1 for 1 or 2.

    Raises:
        ConfigurationError: `epochs` is not a positive integer.
        ArgumentTypeError: `epochs` is not an integer.
    """
    check_positive_int("epochs", epochs)
    return math.ceil(FINE_TUNE_FRACTION * epochs)


def learning_rate(steps_per_epoch, epochs, initial=LEARNING_RATE):
    """Returns the recipe's learning rate: a cosine decay from `initial` to zero over the whole run.

    Example:
        >>> schedule = learning_rate(steps_per_epoch=235, epochs=5)   # 15,000 samples, batch 64

    Args:
        steps_per_epoch: Training steps per epoch (batches of the global batch size).
        epochs: Training epochs.
        initial: Learning rate of the first step.

    Returns:
        A `keras.optimizers.schedules.CosineDecay`.

    Raises:
        ConfigurationError: a count is not a positive integer.
        ArgumentTypeError: a count is not an integer.
    """
    check_positive_int("steps_per_epoch", steps_per_epoch)
    check_positive_int("epochs", epochs)
    return keras.optimizers.schedules.CosineDecay(initial, steps_per_epoch * epochs)
