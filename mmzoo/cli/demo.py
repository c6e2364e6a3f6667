"""`mmzoo demo`: train the image-only, audio-only and fusion models on AV-MNIST and compare them.

TensorFlow is imported only in `run`, after the arguments are checked.
"""

import argparse
import datetime
import os

from mmzoo.cli import arguments as cli_arguments
from mmzoo.cli import runtime

DEFAULT_EPOCHS = 5
QUICK_EPOCHS = 2
QUICK_TRAIN_SIZE = 3000
QUICK_TEST_SIZE = 2000
EXAMPLES = """examples:
  mmzoo demo                         # all 15,000 training pairs, 5 epochs per model: about 11 minutes on 2 cores
  mmzoo demo --quick                 # 3,000 pairs, 2 epochs: about 2 minutes, a check of the set-up
  mmzoo demo --epochs 10 --seed 1 --out runs/av_mnist_10

Trains, on the bundled AV-MNIST (offline), an image-only model, an audio-only
model and the fusions concat, weighted, gated, attention, tensor and late
(mmzoo.training.recipe, as `mmzoo train` and the benches), fuses the two
single-modality models by the product of their probabilities (no training:
mmzoo.product_of_experts), then trains the same
concat model written by hand in plain Keras as a reference; evaluates each on
the test split (a speaker never heard in training) and writes the run
folder: results.md and results.json (accuracy, macro F1, parameters,
training time), model_comparison.png (test accuracy per model, the plain
Keras reference as a line), training_curves/<model>.png (training and
validation per epoch), confusion_matrix.png (best model),
fusion_weights_<model>.png (weighted and late),
robustness_audio_white_noise.png (best fusion against late fusion as audio
white noise grows) and best_model.keras.
"""


def add_parser(subcommands):
    """Adds the `demo` subcommand.

    Args:
        subcommands: The `add_subparsers` object of the `mmzoo` parser.
    """
    parser = subcommands.add_parser(
        "demo", help="train and compare single-modality and fusion models on AV-MNIST",
        description="Trains and compares single-modality models and the fusion catalogue on the bundled AV-MNIST.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", metavar="DIR", help="new run folder (default: runs/demo-YYYYmmdd-HHMMSS)")
    parser.add_argument("--epochs", type=cli_arguments.positive_int,
                        help=f"epochs per model (default: {DEFAULT_EPOCHS}, or {QUICK_EPOCHS} with --quick)")
    parser.add_argument("--seed", type=cli_arguments.non_negative_int, default=0, help="random seed (default: 0)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a quick check of the set-up: {QUICK_TRAIN_SIZE} training pairs, {QUICK_EPOCHS} epochs "
                             f"per model and {QUICK_TEST_SIZE} test pairs (too little training for the audio "
                             "model to learn much)")
    parser.add_argument("--train-size", type=cli_arguments.positive_int, metavar="N",
                        help=f"train on N random training pairs (default: all, or {QUICK_TRAIN_SIZE} with --quick)")
    parser.add_argument("--test-size", type=cli_arguments.positive_int, metavar="N",
                        help=f"evaluate on N random test pairs (default: all 5,000, or {QUICK_TEST_SIZE} with --quick)")
    parser.set_defaults(run=run)


def settings(arguments):
    """Fills in the defaults that depend on `--quick` and the clock.

    Args:
        arguments: The parsed arguments (changed in place).

    Returns:
        The arguments.

    Raises:
        UsageError: the output folder exists.
    """
    if arguments.out is None:
        arguments.out = os.path.join("runs", datetime.datetime.now().strftime("demo-%Y%m%d-%H%M%S"))
    cli_arguments.check_new_path(arguments.out)
    if arguments.epochs is None:
        arguments.epochs = QUICK_EPOCHS if arguments.quick else DEFAULT_EPOCHS
    if arguments.train_size is None and arguments.quick:
        arguments.train_size = QUICK_TRAIN_SIZE
    if arguments.test_size is None and arguments.quick:
        arguments.test_size = QUICK_TEST_SIZE
    return arguments


def run(arguments):
    """Runs the demo.

    Args:
        arguments: The parsed arguments.
    """
    settings(arguments)
    runtime.load_tensorflow()
    from mmzoo.cli import demo_job

    demo_job.demo(arguments)
