"""`mmzoo search MODEL --query ...`: find the items of a trained dual encoder's index closest to queries."""

import os

from mmzoo.cli import common

SUMMARY = "search the items indexed with a dual encoder (cross-modal search)"
DESCRIPTION = ("Embeds queries of one modality (files, texts or arrays) and prints the closest items of another, "
               "from the index `mmzoo train dual_encoder` wrote beside the model (av_mnist or a manifest).")
EXAMPLES = """examples:
  mmzoo train dual_encoder --data av_mnist --epochs 5 --batch-size 256 --out runs/search
  mmzoo search runs/search/model.keras --query av_mnist:17 --modality audio --k 5
  mmzoo search runs/search/model.keras --query clips.npy --modality audio --items image
  mmzoo train dual_encoder --data pairs.csv --image-col photo --text-col caption --out runs/photos
  mmzoo search runs/photos/model.keras --query beach.jpg --modality image
  mmzoo search runs/photos/model.keras --query "a dog on a beach" --modality text

--query is one of:
  an image or audio file, for a model trained on a manifest: decoded with the
      settings saved beside MODEL (`mmzoo.datasets.Decoding.decode`), as the
      manifest's files were;
  with --modality text, the text itself;
  a .npy file of samples of --modality (one sample or a batch, shaped as the
      model's input);
  av_mnist:ROW, a row of the bundled AV-MNIST test split.
The items are those of the index next to MODEL
(`mmzoo.retrieval.index_path(MODEL, ITEMS)`, written by `mmzoo train`);
--items defaults to the model's other modality (the first other one of three).
Prints, per query, the k ids and scores, best first: the ids of a manifest's
index are its row numbers (0 is the first row under the header), those of the
av_mnist index are test rows, shown with their digit.
"""
BUNDLED_PREFIX = "av_mnist:"


def add_arguments(parser):
    """Adds the arguments of `mmzoo search`.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("model", metavar="MODEL", help="a dual encoder's .keras file (from `mmzoo train dual_encoder`)")
    parser.add_argument("--query", required=True,
                        help="an image or audio file, a text (--modality text), a .npy file of samples, "
                             "or av_mnist:ROW")
    parser.add_argument("--modality", required=True, help="the queries' modality (image, text or audio)")
    parser.add_argument("--items", default=None, help="the modality of the items searched (default: the other one)")
    parser.add_argument("--k", type=common.positive_int, default=5, help="items per query (default: 5)")
    parser.add_argument("--by-class", action="store_true",
                        help="with a class-aware dual encoder (built with num_classes), search with the prototype of "
                             "each query's nearest class: the items most typical of its class come first")


def check(arguments):
    """Checks the files before TensorFlow is imported.

    Raises:
        UsageError: a missing model or query file, an empty text, or a bad
            av_mnist row.
    """
    if not os.path.isfile(arguments.model):
        raise common.UsageError(f"MODEL must be a .keras file, received {arguments.model!r}")
    if arguments.query.startswith(BUNDLED_PREFIX):
        row = arguments.query[len(BUNDLED_PREFIX):]
        if not row.isdigit():
            raise common.UsageError(f"--query av_mnist:ROW takes a row number, received {arguments.query!r}")
    elif arguments.modality == "text" and not arguments.query.endswith(".npy"):
        if not arguments.query.strip():
            raise common.UsageError("--query must be a text with --modality text, received an empty one")
    elif not os.path.isfile(arguments.query):
        raise common.UsageError(f"--query must be an existing file (an image or audio file, or a .npy file of "
                                f"samples), a text with --modality text, or av_mnist:ROW; received {arguments.query!r}")


def queries(arguments, sample_shape, vectorizers):
    """Returns the query samples `(num_queries, *sample_shape)` and, for av_mnist rows, their digits.

    Args:
        arguments: The parsed `search` arguments.
        sample_shape: The query encoder's input shape.
        vectorizers: `{input name: TextVectorization}` saved with the model.

    Raises:
        UsageError: a bad av_mnist row, a file or text the model's decoding
            settings cannot decode, or a model without them.
    """
    import numpy as np

    if arguments.query.startswith(BUNDLED_PREFIX):
        from mmzoo.datasets import load

        inputs, labels = load("av_mnist", split="test", as_dataset=False)
        row = int(arguments.query[len(BUNDLED_PREFIX):])
        if row >= len(labels) or arguments.modality not in inputs:
            raise common.UsageError(f"--query {arguments.query!r}: the av_mnist test split has rows 0-{len(labels) - 1} "
                                    f"of {sorted(inputs)}, received --modality {arguments.modality!r}")
        return inputs[arguments.modality][row:row + 1], labels[row:row + 1]
    if arguments.query.endswith(".npy"):
        samples = np.load(arguments.query, allow_pickle=False)
        return (samples[None] if samples.shape == tuple(sample_shape) else samples), None
    return decode_query(arguments, vectorizers), None


def decode_query(arguments, vectorizers):
    """Decodes a query file or text with the decoding settings saved beside the model, as its manifest was.

    Raises:
        UsageError: no settings beside the model, or a query they cannot decode.
    """
    from mmzoo import datasets

    decoding = datasets.Decoding.load(arguments.model)
    if decoding is None or arguments.modality not in decoding.modalities():
        raise common.UsageError(f"--query {arguments.query!r}: the model has no decoding settings for "
                                f"{arguments.modality} ({datasets.decoding_path(arguments.model)}, written by "
                                "`mmzoo train` on a manifest); query with a .npy file of samples")
    cell = arguments.query if arguments.modality == "text" else os.path.abspath(arguments.query)
    try:
        return decoding.decode(arguments.modality, [cell], text_vectorizer=vectorizers.get("text"))
    except datasets.BadRowsError as error:
        raise common.UsageError(f"--query {arguments.query!r} cannot be read as {arguments.modality}: "
                                f"{error.bad_rows[0].reason} (received --modality {arguments.modality})") from error


def run(arguments):
    """Loads the model and the index, embeds the queries, prints the items found.

    Raises:
        UsageError: bad files or modalities, a query file of another kind.
        ConfigurationError: queries of another modality's shape (from `mmzoo.retrieval.embed`).
    """
    check(arguments)
    common.load_tensorflow()
    from mmzoo import export, retrieval

    model, vectorizers = export.load_keras(arguments.model)
    known = retrieval.modalities_of(model)
    query_encoder = retrieval.encoder(model, arguments.modality)
    items = arguments.items or next((name for name in known if name != arguments.modality), arguments.modality)
    path = retrieval.index_path(arguments.model, items)
    if not os.path.isfile(path):
        raise common.UsageError(f"no {items} index next to the model ({path}); `mmzoo train` writes it, or save one "
                                "with mmzoo.retrieval.Index.save")
    index = retrieval.Index.load(path)
    samples, digits = queries(arguments, tuple(query_encoder.input.shape[1:]), vectorizers)
    ids, scores = retrieval.search(model, index, samples, arguments.modality, k=arguments.k,
                                   by_class=arguments.by_class)
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
