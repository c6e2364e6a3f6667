"""The work of `mmzoo evaluate`: load, predict, report."""

from mmzoo import evaluation
from mmzoo.cli import model_data
from mmzoo.cli.files import write_json


def evaluate(arguments, columns, preprocessing):
    """Prints the evaluation report of a saved model on one split, and writes it as JSON if asked.

    Args:
        arguments: The parsed `evaluate` arguments.
        columns: The manifest `Columns`, or None for bundled data.
        preprocessing: The saved `Preprocessing`, or None.
    """
    model, _, data, class_names = model_data.load(arguments, (arguments.split,), columns, preprocessing)
    report = evaluation.evaluate(model, data[arguments.split], class_names=[str(name) for name in class_names],
                                 batch_size=arguments.batch_size)
    print(f"{arguments.model} on {arguments.data} ({arguments.split}, {len(data[arguments.split][1])} samples)")
    print(report)
    if arguments.out:
        write_json(arguments.out, report.to_dict())
        print(f"Wrote {arguments.out}")
