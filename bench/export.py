"""Export an AV-MNIST model in every format and measure size and test accuracy.

Trains the concat-fusion image + audio model of `av_mnist_baselines.py` on
the training split of the bundled compact AV-MNIST, exports it as `.keras`,
SavedModel and TFLite (float32, float16, dynamic-range, int8 calibrated on
training samples), and prints the size / accuracy table, also written to
`bench/results/export.md`:

    python bench/export.py

About two minutes on two CPU cores with the defaults.
"""

import argparse
import os
import pathlib
import tempfile
import time

import keras

import mmzoo
from av_mnist_baselines import audio_branch, image_branch
from mmzoo import export, heads
from mmzoo.datasets import load

RESULTS = pathlib.Path(__file__).parent / "results" / "export.md"


def train(train_data, epochs, seed):
    """Trains the concat-fusion image + audio model and returns it."""
    keras.utils.set_random_seed(seed)
    model = mmzoo.build_model(
        branches={"image": image_branch(), "audio": audio_branch(train_data[0]["audio"].shape[1:])},
        fusion="concat",
        head=heads.multiclass(10),
        name="av_mnist_concat",
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train_data[0], train_data[1], epochs=epochs, batch_size=64, verbose=0)
    return model


def run(epochs=8, seed=0, output=RESULTS, report=print):
    """Trains, exports every format, and returns the `export_report` DataFrame."""
    train_data = load("av_mnist", split="train", as_dataset=False)
    test_data = load("av_mnist", split="test", as_dataset=False)
    start = time.time()
    model = train(train_data, epochs, seed)
    report(f"Trained on {len(train_data[1])} pairs for {epochs} epochs in {time.time() - start:.0f} s")
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="mmzoo-export-bench-") as directory:
        table = export.export_report(model, test_data, directory, representative_data=train_data[0])
    report(f"Exported and measured every format on {len(test_data[1])} test pairs in {time.time() - start:.0f} s")
    markdown = export.report_markdown(table)
    report(markdown)
    if output is not None:
        int8 = table.set_index("format").loc["tflite_int8"]
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            "# Export of an AV-MNIST model: size and test accuracy per format\n\n"
            f"Command: `python bench/export.py --epochs {epochs} --seed {seed}`\n\n"
            "Model: image CNN + audio CNN, concat fusion, 10-way softmax (bench/av_mnist_baselines.py "
            f"branches), trained {epochs} epochs on {len(train_data[1])} training pairs; measured on "
            f"{len(test_data[1])} test pairs (held-out speaker). int8 is calibrated on 200 training samples "
            "and takes and returns int8 (the predictor quantizes and dequantizes).\n\n"
            f"{markdown}\n"
            f"int8: {int8['size_vs_float32']:.1%} of the float32 TFLite size, "
            f"{int8['accuracy_change']:+.2f} points of accuracy vs the Keras model "
            "(target: at most 30% and at most 1 point lost).\n",
            encoding="utf-8",
        )
        report(f"Written to {os.path.relpath(output)}")
    return table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    run(args.epochs, args.seed, report=lambda line: print(line, flush=True))


if __name__ == "__main__":
    main()
