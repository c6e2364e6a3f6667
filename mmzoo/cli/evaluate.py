"""`mmzoo evaluate MODEL.keras --data ...`: the evaluation report of a saved model on one split.

TensorFlow is imported only in `run`, after the arguments are checked.
"""

from mmzoo.cli import common

SUMMARY = "evaluate a saved model on a data split"
DESCRIPTION = ("Prints the metrics of a saved model on one split: accuracy, macro F1, per-class table and "
               "confusion matrix.")
EXAMPLES = """examples:
  mmzoo evaluate runs/concat/model.keras --data synthetic
  mmzoo evaluate runs/demo/best_model.keras --data av_mnist --split validation --out report.json
  mmzoo evaluate runs/gated/model.keras --data photos.csv      # columns as in training

For a manifest, the columns and decoding saved next to the model by `mmzoo
train` (model.preprocessing.json, a `mmzoo.datasets.Decoding`) are used;
--image-col etc. replace its columns.
"""


def add_arguments(parser):
    """Adds the arguments of `mmzoo evaluate`.

    Args:
        parser: The subcommand's parser.
    """
    common.add_model_options(parser)
    parser.add_argument("--split", choices=("train", "validation", "test"), default="test",
                        help="the split to evaluate on (default: test)")
    parser.add_argument("--out", metavar="FILE.json", help="also write the report as JSON to this new file")
    parser.add_argument("--batch-size", type=common.positive_int, default=256,
                        help="prediction batch size (default: 256)")


def run(arguments):
    """Prints the evaluation report of a saved model on one split, and writes it as JSON if asked.

    Args:
        arguments: The parsed arguments.

    Raises:
        UsageError: a bad argument or data that does not fit the model.
    """
    common.check_model_file(arguments.model)
    common.check_data(arguments.data)
    if arguments.out:
        common.check_new_path(arguments.out)
    common.load_tensorflow()
    from mmzoo import evaluation

    model, _, _, data, class_names = common.load_model_and_data(arguments, (arguments.split,))
    split = data[arguments.split]
    report = evaluation.evaluate(model, split, class_names=[str(name) for name in class_names],
                                 batch_size=arguments.batch_size)
    print(f"{arguments.model} on {arguments.data} ({arguments.split}, {common.size(split)} samples)")
    print(report)
    if arguments.out:
        common.write_json(arguments.out, report.to_dict())
        print(f"Wrote {arguments.out}")
