"""`mmzoo list`: the zoo entries and the fusions of the catalogue, one line each."""

import inspect

from mmzoo.cli import common

SUMMARY = "list the zoo models and the fusions"
DESCRIPTION = "Lists the zoo models and the fusions of the catalogue, one line each."
EXAMPLES = """examples:
  mmzoo list
"""


def fusion_summary(name):
    """Returns the first line of a fusion layer's docstring.

    Args:
        name: A name of `mmzoo.fusion.available()`.

    Returns:
        A one-line description.
    """
    from mmzoo import fusion

    return inspect.getdoc(fusion.FUSIONS[name]).splitlines()[0]


def run(arguments):
    """Prints every zoo model and fusion with a one-line description.

    Args:
        arguments: The parsed arguments (none are used).
    """
    common.load_tensorflow()
    from mmzoo import fusion, zoo

    models = zoo.available()
    width = max(len(name) for name in [*models, *fusion.available()])
    print("Zoo models (mmzoo describe NAME; train those that are classifiers with mmzoo train NAME):")
    for name, summary in models.items():
        print(f"  {name:<{width}}  {summary}")
    print("Fusions (mmzoo train NAME builds branches for the data and fuses them with NAME):")
    for name in fusion.available():
        print(f"  {name:<{width}}  {fusion_summary(name)}")
