"""Export an AV-MNIST model in every format and measure size and test accuracy.

Trains the concat-fusion image + audio model of `mmzoo.experiments.av_mnist`
on the training split of the bundled compact AV-MNIST, exports it as `.keras`,
SavedModel and TFLite (float32, float16, dynamic-range, int8 calibrated on
training samples), and prints the size / accuracy table, also written to
`bench/results/export.md`. Side by side, the same model is exported by hand
as the Keras documentation shows (`model.export(path)` for a SavedModel,
`model.export(path, format="litert")` with the converter's own options for
TFLite, read back with `tf.saved_model.load` and the TFLite interpreter):

    python bench/export.py

About three minutes on two CPU cores with the defaults.
"""

import argparse
import os
import sys
import tempfile
import time
import warnings

import numpy as np
import tensorflow as tf
from bench_common import RESULTS_DIR, command, machine, markdown_table, non_negative_int, positive_int, write_results

from mmzoo import export
from mmzoo.datasets import load
from mmzoo.export._files import size_in_bytes  # the size export_report gives mmzoo's files
from mmzoo.experiments import av_mnist

RESULTS = RESULTS_DIR / "export.md"
CALIBRATION_SAMPLES = 200  # as `mmzoo.export.export_tflite`
BATCH_SIZE = 256


def export_by_hand(model, directory, representative_data, seed=0):
    """Exports `model` as a user does by hand, with Keras' own `model.export`.

    Args:
        model: The trained Keras model.
        directory: Existing folder to write into.
        representative_data: `{input name: array}` training inputs; the int8
            export is calibrated on `CALIBRATION_SAMPLES` of them drawn at random.
        seed: Seed of the draw.

    Returns:
        `{format: path}` for "saved_model", "tflite_float32",
        "tflite_dynamic_range" and "tflite_int8" (integer weights and
        activations, float input and output: the converter's default).
    """
    rows = np.random.default_rng(seed).choice(len(next(iter(representative_data.values()))), CALIBRATION_SAMPLES,
                                              replace=False)

    def calibration():
        for row in rows:
            yield {name: values[row:row + 1].astype("float32") for name, values in representative_data.items()}

    optimize = {"optimizations": [tf.lite.Optimize.DEFAULT]}
    options = {"saved_model": {}, "tflite_float32": {"format": "litert"},
               "tflite_dynamic_range": {"format": "litert", **optimize},
               "tflite_int8": {"format": "litert", **optimize, "representative_dataset": calibration}}
    paths = {}
    for name, kwargs in options.items():
        paths[name] = os.path.join(directory, f"by_hand_{name}" + (".tflite" if name.startswith("tflite") else ""))
        model.export(paths[name], verbose=False, **kwargs)
    return paths


def predict_by_hand(path, inputs):
    """Predictions of a file of `export_by_hand` on `{input name: array}`, in batches of `BATCH_SIZE`."""
    if os.path.isdir(path):
        loaded = tf.saved_model.load(path)  # kept: its variables live as long as it does

        def serve(batch):
            return loaded.serve(batch)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the interpreter's deprecation notice
            runner = tf.lite.Interpreter(model_path=path).get_signature_runner()

        def serve(batch):
            return next(iter(runner(**batch).values()))
    samples = len(next(iter(inputs.values())))
    return np.concatenate([np.asarray(serve({name: values[start:start + BATCH_SIZE].astype("float32")
                                             for name, values in inputs.items()}))
                           for start in range(0, samples, BATCH_SIZE)])


def by_hand_report(model, data, directory, representative_data, seed=0):
    """Size, test accuracy and agreement with `model.predict` of each hand-written export.

    Args:
        model: The trained Keras model, a single-output classifier.
        data: `(inputs, labels)` test arrays.
        directory: Existing folder to write the exports into.
        representative_data: Training inputs to calibrate int8 on.
        seed: Seed of the calibration draw.

    Returns:
        `{format: {"size_bytes", "accuracy", "agreement"}}`.
    """
    inputs, labels = data
    reference = model.predict(inputs, batch_size=BATCH_SIZE, verbose=0).argmax(axis=1)
    report = {}
    for name, path in export_by_hand(model, directory, representative_data, seed).items():
        predicted = predict_by_hand(path, inputs).argmax(axis=1)
        report[name] = {"size_bytes": size_in_bytes(path), "accuracy": float(np.mean(predicted == labels)),
                        "agreement": float(np.mean(predicted == reference))}
    return report


def comparison_text(table, by_hand):
    """Markdown: each format exported by mmzoo next to the same export written by hand.

    Args:
        table: The `mmzoo.export.export_report` DataFrame.
        by_hand: What `by_hand_report` returns.
    """
    rows = []
    for row in table.itertuples():
        if row.format not in by_hand:
            continue
        hand = by_hand[row.format]
        rows.append([row.format, f"{row.size_bytes / 1024:.1f}", f"{hand['size_bytes'] / 1024:.1f}",
                     f"{row.accuracy:.4f}", f"{hand['accuracy']:.4f}", f"{100 * (row.accuracy - hand['accuracy']):+.2f}",
                     f"{row.agreement:.4f}", f"{hand['agreement']:.4f}"])
    header = ["format", "mmzoo KiB", "by hand KiB", "mmzoo accuracy", "by hand accuracy",
              "mmzoo − by hand (points)", "same class as Keras, mmzoo", "same class as Keras, by hand"]
    return ("## mmzoo next to the hand-written export\n\n"
            "By hand: `model.export(path)` (SavedModel, read back with `tf.saved_model.load(path).serve`) and "
            "`model.export(path, format=\"litert\", ...)` with `optimizations=[tf.lite.Optimize.DEFAULT]` "
            f"(dynamic range) and a `representative_dataset` of {CALIBRATION_SAMPLES} training samples drawn at random, as mmzoo's "
            "(int8, float input and output), run by the TFLite interpreter's signature runner.\n\n"
            + markdown_table(header, rows, align="lrrrrrrr") + "\n")


def run(epochs=8, seed=0, output=RESULTS, arguments=(), report=print):
    """Trains, exports every format with mmzoo and by hand, and returns the `export_report` DataFrame.

    Args:
        epochs: Training epochs.
        seed: Seed of the weights and the shuffling.
        output: Markdown file of the results, or None.
        arguments: The command-line arguments, quoted in the results file.
        report: Called with each line of progress.
    """
    train_data = load("av_mnist", split="train", as_dataset=False)
    test_data = load("av_mnist", split="test", as_dataset=False)
    model = av_mnist.train_and_evaluate("concat", train_data, test_data, epochs=epochs, seed=seed).model
    report(f"Trained on {len(train_data[1])} pairs for {epochs} epochs")
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="mmzoo-export-bench-") as directory:
        table = export.export_report(model, test_data, directory, representative_data=train_data[0])
        report(f"Exported and measured every format on {len(test_data[1])} test pairs in {time.time() - start:.0f} s")
        start = time.time()
        by_hand = by_hand_report(model, test_data, directory, train_data[0])
    report(f"Exported by hand and measured in {time.time() - start:.0f} s")
    markdown = export.report_markdown(table)
    comparison = comparison_text(table, by_hand)
    report(markdown)
    report(comparison)
    if output is not None:
        int8 = table.set_index("format").loc["tflite_int8"]
        write_results(output, (
            "# Export of an AV-MNIST model: size and test accuracy per format\n\n"
            f"Command: `{command(__file__, arguments)}`\n\n"
            "Model: image CNN + audio CNN, concat fusion, 10-way softmax (`mmzoo.experiments.av_mnist`), "
            f"trained {epochs} epochs on {len(train_data[1])} training pairs; measured on "
            f"{len(test_data[1])} test pairs (held-out speaker). int8 is calibrated on 200 training samples "
            "and takes and returns int8 (the predictor quantizes and dequantizes).\n\n"
            f"{markdown}\n"
            f"int8: {int8['size_vs_float32']:.1%} of the float32 TFLite size, "
            f"{int8['accuracy_change']:+.2f} points of accuracy vs the Keras model "
            "(target: at most 30% and at most 1 point lost).\n\n"
            f"{comparison}\n"
            f"Machine: {machine()}.\n"
        ))
    return table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--epochs", type=positive_int, default=8)
    parser.add_argument("--seed", type=non_negative_int, default=0)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    run(args.epochs, args.seed, arguments=argv, report=lambda line: print(line, flush=True))


if __name__ == "__main__":
    main()
