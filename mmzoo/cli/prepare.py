"""`mmzoo prepare NAME --data MANIFEST.csv --out DIR`: decode a manifest once into shards for later training."""

import os

from mmzoo.cli import common
from mmzoo.cli.train import check_name, manifest_decoding, read_manifest

SUMMARY = "decode a manifest once into sharded files, for data larger than memory"
DESCRIPTION = ("Decodes the files of a manifest once, as `mmzoo train NAME` would, into sharded TFRecord files "
               "in DIR/train, DIR/validation and DIR/test (`mmzoo.datasets.prepare`).")
EXAMPLES = """examples:
  mmzoo prepare gated --data clips.csv --audio-col clip --out prepared/clips
  mmzoo train gated --data clips.csv --audio-col clip --prepared prepared/clips --out runs/gated

The shards are written in parallel, one line per shard. An interrupted run
resumes where it stopped when given the same command again, and a shard is
never read unless it was written completely. `mmzoo train ... --prepared
DIR` trains from the shards, with the same settings, and memory that does
not grow with the number of rows; under a multi-worker strategy each worker
reads its own shards. A changed manifest makes only its changed shards be
written again.
"""


def add_arguments(parser):
    """Adds the arguments of `mmzoo prepare`.

    Args:
        parser: The subcommand's parser.
    """
    common.add_name_options(parser, "the model the files are decoded for (see `mmzoo list`)")
    parser.add_argument("--rows-per-shard", type=common.positive_int, default=1024,
                        help="rows per shard file (default: 1024)")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder of the shards (created, or resumed)")


def run(arguments):
    """Writes the shards of every split of the manifest.

    Args:
        arguments: The parsed arguments.

    Raises:
        UsageError: bundled data (it needs no preparing), or a bad manifest.
    """
    common.check_data(arguments.data)
    if arguments.data in common.BUNDLED_DATA:
        raise common.UsageError(f"--data {arguments.data!r} is bundled and loads from memory; "
                                "`mmzoo prepare` takes a manifest .csv file")
    if os.path.exists(arguments.out) and not os.path.isdir(arguments.out):
        raise common.UsageError(f"--out {arguments.out!r} is a file, not a folder")
    frame, columns = read_manifest(arguments)
    common.load_tensorflow()
    from mmzoo import datasets

    check_name(arguments.name)
    decoding, parts = manifest_decoding(arguments.name, arguments.data, frame, columns)
    for split, rows in parts.items():
        print(f"{split}: {len(rows)} rows", flush=True)
        datasets.prepare(rows, os.path.join(arguments.out, split), **decoding.options(),
                         base_dir=common.base_dir(arguments.data), rows_per_shard=arguments.rows_per_shard)
    print(f"prepared {len(frame)} rows in {arguments.out}; train with --prepared {arguments.out}")
