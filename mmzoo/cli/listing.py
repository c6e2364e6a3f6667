"""`mmzoo list` and `mmzoo describe NAME`: the zoo entries and the fusions of the catalogue."""

import inspect

from mmzoo.cli import common

LIST_EXAMPLES = """examples:
  mmzoo list
"""
DESCRIBE_EXAMPLES = """examples:
  mmzoo describe dot_gated_fusion     # a zoo model: architecture, source, corrections, defaults
  mmzoo describe tensor               # a fusion: what it does and its arguments
"""


def add_parser(subcommands):
    """Adds the `list` and `describe` subcommands.

    Args:
        subcommands: The `add_subparsers` object of the `mmzoo` parser.
    """
    listing = common.add_subcommand(
        subcommands, "list", "list the zoo models and the fusions",
        "Lists the zoo models and the fusions of the catalogue, one line each.", LIST_EXAMPLES)
    listing.set_defaults(run=run_list)
    describe = common.add_subcommand(
        subcommands, "describe", "describe a zoo model or a fusion",
        "Describes a zoo model (architecture, what it reproduces, defaults) or a fusion of the catalogue.",
        DESCRIBE_EXAMPLES)
    describe.add_argument("name", metavar="NAME", help="a name printed by `mmzoo list`")
    describe.set_defaults(run=run_describe)


def fusion_summary(name):
    """Returns the first line of a fusion layer's docstring.

    Args:
        name: A name of `mmzoo.fusion.available()`.

    Returns:
        A one-line description.
    """
    from mmzoo import fusion

    return inspect.getdoc(fusion.FUSIONS[name]).splitlines()[0]


def run_list(arguments):
    """Prints every zoo model and fusion with a one-line description.

    Args:
        arguments: The parsed arguments (none are used).
    """
    common.load_tensorflow()
    from mmzoo import fusion, zoo

    models = zoo.list()
    width = max(len(name) for name in [*models, *fusion.available()])
    print("Zoo models (mmzoo describe NAME; train those that are classifiers with mmzoo train NAME):")
    for name, summary in models.items():
        print(f"  {name:<{width}}  {summary}")
    print("Fusions (mmzoo train NAME builds branches for the data and fuses them with NAME):")
    for name in fusion.available():
        print(f"  {name:<{width}}  {fusion_summary(name)}")


def run_describe(arguments):
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
