"""Export an AV-MNIST model in every format and measure size and test accuracy.

Trains the concat-fusion image + audio model of `mmzoo.experiments.av_mnist`
on the training split of the bundled compact AV-MNIST, exports it as `.keras`,
SavedModel and TFLite (float32, float16, dynamic-range, int8 calibrated on
training samples), and prints the size / accuracy table, also written to
`bench/results/export.md`:

    python bench/export.py

About two minutes on two CPU cores with the defaults.
"""

import argparse
import sys
import tempfile
import time

from bench_common import RESULTS_DIR, command, machine, non_negative_int, positive_int, write_results

from mmzoo import export
from mmzoo.datasets import load
from mmzoo.experiments import av_mnist

RESULTS = RESULTS_DIR / "export.md"


def run(epochs=8, seed=0, output=RESULTS, arguments=(), report=print):
    """Trains, exports every format, and returns the `export_report` DataFrame.

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
    markdown = export.report_markdown(table)
    report(markdown)
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
