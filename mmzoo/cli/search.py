"""`mmzoo search MODEL --query ...`: find the items of a trained dual encoder's index closest to queries."""

import os

from mmzoo.cli import common

SUMMARY = "search the items indexed with a dual encoder (cross-modal search)"
DESCRIPTION = "Embeds queries of one modality and prints the closest items of another, from the model's index."
EXAMPLES = """examples:
  mmzoo train dual_encoder --data av_mnist --epochs 5 --batch-size 256 --out runs/search
  mmzoo search runs/search/model.keras --query av_mnist:17 --modality audio --k 5
  mmzoo search runs/search/model.keras --query clips.npy --modality audio --items image

--query is a .npy file of samples of --modality (one sample or a batch, shaped
as the model's input), or av_mnist:ROW for a row of the bundled AV-MNIST test
split. The items are those of the index next to MODEL
(`mmzoo.retrieval.index_path(MODEL, ITEMS)`, written by `mmzoo train`);
--items defaults to the model's other modality. Prints, per query, the k ids
and scores, best first (ids of the av_mnist index are test rows, shown with
their digit).
"""
BUNDLED_PREFIX = "av_mnist:"


def add_arguments(parser):
    """Adds the arguments of `mmzoo search`.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("model", metavar="MODEL", help="a dual encoder's .keras file (from `mmzoo train dual_encoder`)")
    parser.add_argument("--query", required=True, help="a .npy file of samples, or av_mnist:ROW")
    parser.add_argument("--modality", required=True, help="the queries' modality (image or audio)")
    parser.add_argument("--items", default=None, help="the modality of the items searched (default: the other one)")
    parser.add_argument("--k", type=common.positive_int, default=5, help="items per query (default: 5)")


def check(arguments):
    """Checks the files before TensorFlow is imported.

    Raises:
        UsageError: a missing model or query file, or a bad av_mnist row.
    """
    if not os.path.isfile(arguments.model):
        raise common.UsageError(f"MODEL must be a .keras file, received {arguments.model!r}")
    if arguments.query.startswith(BUNDLED_PREFIX):
        row = arguments.query[len(BUNDLED_PREFIX):]
        if not row.isdigit():
            raise common.UsageError(f"--query av_mnist:ROW takes a row number, received {arguments.query!r}")
    elif not (arguments.query.endswith(".npy") and os.path.isfile(arguments.query)):
        raise common.UsageError(f"--query must be an existing .npy file or av_mnist:ROW, received {arguments.query!r}")


def queries(arguments, sample_shape):
    """Returns the query samples `(num_queries, *sample_shape)` and, for av_mnist rows, their digits."""
    import numpy as np

    if arguments.query.startswith(BUNDLED_PREFIX):
        from mmzoo.datasets import load

        inputs, labels = load("av_mnist", split="test", as_dataset=False)
        row = int(arguments.query[len(BUNDLED_PREFIX):])
        if row >= len(labels) or arguments.modality not in inputs:
            raise common.UsageError(f"--query {arguments.query!r}: the av_mnist test split has rows 0-{len(labels) - 1} "
                                    f"of {sorted(inputs)}, received --modality {arguments.modality!r}")
        return inputs[arguments.modality][row:row + 1], labels[row:row + 1]
    samples = np.load(arguments.query, allow_pickle=False)
    return (samples[None] if samples.shape == tuple(sample_shape) else samples), None


def run(arguments):
    """Loads the model and the index, embeds the queries, prints the items found.

    Raises:
        UsageError: bad files or modalities.
        ConfigurationError: queries of another modality's shape (from `mmzoo.retrieval.embed`).
    """
    check(arguments)
    common.load_tensorflow()
    import keras

    from mmzoo import retrieval

    model = keras.saving.load_model(arguments.model, safe_mode=True)
    known = retrieval.modalities_of(model)
    query_encoder = retrieval.encoder(model, arguments.modality)
    items = arguments.items or next((name for name in known if name != arguments.modality), arguments.modality)
    path = retrieval.index_path(arguments.model, items)
    if not os.path.isfile(path):
        raise common.UsageError(f"no {items} index next to the model ({path}); `mmzoo train` writes it, or save one "
                                "with mmzoo.retrieval.Index.save")
    index = retrieval.Index.load(path)
    samples, digits = queries(arguments, tuple(query_encoder.input.shape[1:]))
    ids, scores = retrieval.search(model, index, samples, arguments.modality, k=arguments.k)
    item_digits = _test_digits() if digits is not None else None
    for number in range(len(ids)):
        title = f"query {number}" + (f" (digit {digits[number]})" if digits is not None else "")
        print(f"{title}: {arguments.modality} -> {items}")
        for rank, (item, score) in enumerate(zip(ids[number], scores[number]), start=1):
            shown = f"  {rank}. id {item}  score {score:.4f}"
            print(shown + (f"  digit {item_digits[item]}" if item_digits is not None else ""))


def _test_digits():
    from mmzoo.datasets import load

    return load("av_mnist", split="test", as_dataset=False)[1]
