"""Builds, trains and evaluates a three-modality model on generated data.

Run it with `python -m mmzoo.examples.quickstart` (about a minute on a laptop
CPU). Each sample's label is the majority of three yes/no attributes, one
per modality (is the shape a triangle or a cross, is the colour word blue or
yellow, is the tone 1000 Hz or higher): any one or two modalities can reach
75% at best, so a model above that is using all three.
"""

import argparse
import time

import keras

import mmzoo
from mmzoo import branches, heads
from mmzoo.datasets import synthetic


def build(image_size, fusion):
    """Returns the quickstart model: conv image, LSTM text, dense audio branches."""
    return mmzoo.build_model(
        branches={
            "image": branches.conv2d(input_shape=(image_size, image_size, 1), filters=(8, 16), units=32),
            "text": branches.lstm(vocab_size=len(synthetic.VOCABULARY), sequence_length=8,
                                  embedding_dim=16, units=32),
            "audio": branches.dense(input_dim=64, hidden_units=(32,), batch_norm=True),
        },
        fusion=fusion,
        head=heads.multiclass(2, hidden_units=(64,)),
    )


def main(argv=None):
    """Runs the example and prints the test accuracy.

    Args:
        argv: Command-line arguments (default: `sys.argv[1:]`).

    Returns:
        The test accuracy, a float in [0, 1].
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fusion", default="concat", choices=mmzoo.fusion.available())
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--train-samples", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.train_samples < 10:
        parser.error(f"--epochs and --train-samples must be positive. Received: {args.epochs}, {args.train_samples}")

    keras.utils.set_random_seed(args.seed)
    image_size = 24
    options = dict(task="image+text+audio", noise=0.1, image_size=image_size)
    train_inputs, train_labels = synthetic.generate(args.train_samples, seed=args.seed, **options)
    test_inputs, test_labels = synthetic.generate(1000, seed=args.seed + 1, **options)

    model = build(image_size, args.fusion)
    model.summary(line_length=100)
    model.compile(keras.optimizers.Adam(2e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(train_inputs, train_labels, validation_split=0.1, epochs=args.epochs, batch_size=64, verbose=2)
    _, accuracy = model.evaluate(test_inputs, test_labels, verbose=0)
    print(f"\n{args.fusion} fusion of image + text + audio: test accuracy {accuracy:.3f} "
          f"(best possible without all three modalities: 0.75) after {time.perf_counter() - started:.0f} s of training")
    return accuracy


if __name__ == "__main__":
    main()
