"""`mmzoo describe NAME`: a zoo model or a fusion of the catalogue, described."""

import inspect

from mmzoo.cli import common

SUMMARY = "describe a zoo model or a fusion"
DESCRIPTION = "Describes a zoo model (architecture, what it reproduces, defaults) or a fusion of the catalogue."
EXAMPLES = """examples:
  mmzoo describe dot_gated_fusion     # a zoo model: architecture, source, corrections, defaults
  mmzoo describe tensor               # a fusion: what it does and its arguments
"""


def add_arguments(parser):
    """Adds the arguments of `mmzoo describe`.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("name", metavar="NAME", help="a name printed by `mmzoo list`")


def run(arguments):
    """Prints the description of a zoo model or a fusion.

    Args:
        arguments: The parsed arguments, with `name`.

    Raises:
        UsageError: the name is neither a zoo model nor a fusion.
    """
    common.load_tensorflow()
    from mmzoo import fusion, zoo
    from mmzoo.cli.train import check_name

    check_name(arguments.name)
    if arguments.name in fusion.available():
        layer = fusion.FUSIONS[arguments.name]
        print(f"{arguments.name}: fusion layer mmzoo.fusion.{layer.__name__}\n")
        print(inspect.getdoc(layer))
    else:
        print(zoo.describe(arguments.name))
