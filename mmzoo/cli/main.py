"""The parser of the `mmzoo` command, the dispatch to its subcommands, one-line errors."""

import argparse
import sys

from mmzoo import __version__
from mmzoo.cli import demo, describe, evaluate, export, listing, prepare, search, train
from mmzoo.cli.common import UsageError
from mmzoo.errors import MmzooError

COMMANDS = {"list": listing, "describe": describe, "demo": demo, "prepare": prepare, "train": train,
            "evaluate": evaluate, "export": export, "search": search}
"""Subcommand -> its module: `SUMMARY`, `DESCRIPTION`, `EXAMPLES`, `run(arguments)` and, if it takes any,
`add_arguments(parser)`."""
EPILOG = """examples:
  mmzoo --version
  mmzoo list
  mmzoo describe gated
  mmzoo demo --quick
  mmzoo train concat --data synthetic --epochs 5 --out runs/concat
  mmzoo prepare gated --data clips.csv --audio-col clip --out prepared/clips
  mmzoo evaluate runs/concat/model.keras --data synthetic
  mmzoo export runs/concat/model.keras --format tflite-int8 --data synthetic --out concat_int8.tflite
  mmzoo train dual_encoder --data av_mnist --epochs 5 --batch-size 256 --out runs/search
  mmzoo search runs/search/model.keras --query av_mnist:17 --modality audio --k 5
  mmzoo train dual_encoder --data pairs.csv --image-col photo --text-col caption --out runs/photos
  mmzoo search runs/photos/model.keras --query "a dog on a beach" --modality text
"""


class Parser(argparse.ArgumentParser):
    """An `ArgumentParser` whose usage errors are one line on stderr, exit status 2."""

    def error(self, message):
        """Prints `mmzoo: error: <message>` and exits with status 2."""
        fail(f"{message} (see '{self.prog} --help')", status=2)


def fail(message, status):
    """Prints a one-line error on stderr and exits.

    Args:
        message: What went wrong; line breaks are folded into spaces.
        status: The exit status.

    Raises:
        SystemExit: always, with `status`.
    """
    print(f"mmzoo: error: {' '.join(str(message).split())}", file=sys.stderr)
    sys.exit(status)


def build_parser():
    """Returns the parser of `mmzoo` and its subcommands.

    Returns:
        An `argparse.ArgumentParser`; each subcommand sets `run`, the
        function taking the parsed arguments.
    """
    parser = Parser(prog="mmzoo", description="Multimodal (image + text + audio) models for Keras 3.",
                    epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"mmzoo {__version__}",
                        help="print 'mmzoo <version>' and exit")
    subcommands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True, parser_class=Parser)
    for name, command in COMMANDS.items():
        subcommand = subcommands.add_parser(
            name, help=command.SUMMARY, description=command.DESCRIPTION, epilog=command.EXAMPLES,
            formatter_class=argparse.RawDescriptionHelpFormatter)
        if hasattr(command, "add_arguments"):
            command.add_arguments(subcommand)
        subcommand.set_defaults(run=command.run)
    return parser


def main(argv=None):
    """Runs the `mmzoo` command.

    Args:
        argv: The arguments after the program name; default `sys.argv[1:]`.

    Returns:
        The exit status, 0 on success.
    """
    arguments = build_parser().parse_args(argv)
    try:
        arguments.run(arguments)
    except UsageError as error:
        fail(error, status=2)
    except (MmzooError, ValueError, TypeError, OSError) as error:
        fail(error, status=1)
    except KeyboardInterrupt:
        fail("interrupted", status=130)
    return 0
