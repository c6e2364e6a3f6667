"""Retrieval metrics: recall@k, median rank and mean reciprocal rank, for instance pairs and class matches."""

import itertools

import numpy as np

from mmzoo._checks import check_modality_dict, check_positive_int_sequence
from mmzoo.errors import ConfigurationError, describe_value

RECALL_AT = (1, 5, 10)
QUERY_CHUNK = 1024
"""Queries ranked together, so that memory stays at a few score-matrix rows."""


def retrieval_ranks(similarities, query_labels=None, item_labels=None):
    """Returns the rank of the first relevant item of every query.

    Instance level (no labels): the relevant item of query `i` is item `i`
    (pairs in the same order). Class level (both labels given): every item of
    the query's label is relevant. Ties count against the query: the rank is
    1 + the number of irrelevant items scoring at least the best relevant one.

    Args:
        similarities: Similarities `(num_queries, num_items)`, higher is closer.
        query_labels: The queries' class labels `(num_queries,)`, or None.
        item_labels: The items' class labels `(num_items,)`, or None.

    Returns:
        An int array `(num_queries,)` of ranks, 1 the best; a query with no
        relevant item gets `num_items + 1`.

    Raises:
        ConfigurationError: `similarities` is not 2-D, one set of labels without the
            other, labels of the wrong length, or instance level with more
            queries than items.
    """
    similarities = np.asarray(similarities)
    if similarities.ndim != 2 or 0 in similarities.shape:
        raise ConfigurationError(f"`similarities` must be a non-empty 2-D array. Received: similarities.shape={similarities.shape}")
    if (query_labels is None) != (item_labels is None):
        raise ConfigurationError("Give both `query_labels` and `item_labels` (class level) or neither (instance level). "
                                 f"Received: query_labels={query_labels is not None}, item_labels={item_labels is not None}")
    num_queries, num_items = similarities.shape
    if query_labels is None:
        if num_queries > num_items:
            raise ConfigurationError(f"Instance-level ranks pair query i with item i: more queries than items. "
                                     f"Received: similarities.shape={similarities.shape}")
        query_labels, item_labels = np.arange(num_queries), np.arange(num_items)
    query_labels, item_labels = np.asarray(query_labels), np.asarray(item_labels)
    if query_labels.shape != (num_queries,) or item_labels.shape != (num_items,):
        raise ConfigurationError(f"Labels need one entry per query ({num_queries}) and per item ({num_items}). "
                                 f"Received: query_labels.shape={query_labels.shape}, "
                                 f"item_labels.shape={item_labels.shape}")
    ranks = np.empty(num_queries, dtype="int64")
    for start in range(0, num_queries, QUERY_CHUNK):
        chunk = similarities[start:start + QUERY_CHUNK]
        relevant = query_labels[start:start + QUERY_CHUNK, None] == item_labels[None, :]
        best = np.where(relevant, chunk, -np.inf).max(axis=1, keepdims=True)
        beaten = (~relevant & (chunk >= best)).sum(axis=1)
        ranks[start:start + QUERY_CHUNK] = np.where(relevant.any(axis=1), beaten + 1, num_items + 1)
    return ranks


def retrieval_metrics(similarities, query_labels=None, item_labels=None, recall_at=RECALL_AT):
    """Returns recall@k, the median rank and the mean reciprocal rank of a retrieval.

    Args:
        similarities: Similarities `(num_queries, num_items)`.
        query_labels: Class labels of the queries, or None (instance level,
            see `retrieval_ranks`).
        item_labels: Class labels of the items, or None.
        recall_at: The `k` of each recall@k.

    Returns:
        Dict `{"recall@1": ..., "recall@5": ..., "recall@10": ...,
        "median_rank": ..., "mrr": ...}` of floats.

    Raises:
        ConfigurationError: see `retrieval_ranks`; `recall_at` not positive integers.
    """
    check_positive_int_sequence("recall_at", recall_at)
    ranks = retrieval_ranks(similarities, query_labels, item_labels)
    metrics = {f"recall@{k}": float(np.mean(ranks <= k)) for k in recall_at}
    metrics["median_rank"] = float(np.median(ranks))
    metrics["mrr"] = float(np.mean(1.0 / ranks))
    return metrics


def cross_modal_metrics(embeddings, labels=None, recall_at=RECALL_AT, queries=None):
    """Retrieval metrics both ways between paired embeddings of every two modalities.

    Args:
        embeddings: Dict of two or more `{modality: (num_samples, dim)}`
            arrays, row `i` of all from the same sample.
        labels: Class labels `(num_samples,)` for the class level, or None.
        recall_at: The `k` of each recall@k.
        queries: None to query with `embeddings` themselves, or a dict of
            the same modalities and shapes holding the query side (e.g.
            `mmzoo.retrieval.class_queries` of each modality's embeddings);
            the items are always `embeddings`.

    Returns:
        Dict `{"<a>->"<b>": metrics}` for both directions of every pair of
        modalities (query modality first), with keys "instance" and, with
        labels, "class", each a `retrieval_metrics` dict.

    Raises:
        ArgumentTypeError: `embeddings` is not a dict.
        ConfigurationError: fewer than two modalities, arrays that are
            not 2-D of one same shape, or `queries` of other modalities or shapes.
    """
    check_modality_dict("embeddings", embeddings)
    if len(embeddings) < 2:
        raise ConfigurationError(f"`embeddings` must be a dict of two or more modalities' embeddings. "
                                 f"Received: embeddings={describe_value(sorted(embeddings))}")
    arrays = {modality: np.asarray(values) for modality, values in sorted(embeddings.items())}
    shapes = {modality: values.shape for modality, values in arrays.items()}
    if any(values.ndim != 2 for values in arrays.values()) or len(set(shapes.values())) != 1:
        raise ConfigurationError(f"`embeddings` must be 2-D arrays `(num_samples, dim)` of the same shape, "
                                 f"row i of all from the same sample. Received: embeddings.shape={shapes}")
    queries = arrays if queries is None else _same_layout("queries", queries, shapes)
    results = {}
    for query, item in itertools.permutations(arrays, 2):
        scores = queries[query] @ arrays[item].T
        levels = {"instance": retrieval_metrics(scores, recall_at=recall_at)}
        if labels is not None:
            levels["class"] = retrieval_metrics(scores, labels, labels, recall_at=recall_at)
        results[f"{query}->{item}"] = levels
    return results


def _same_layout(name, arrays, shapes):
    """`arrays` as numpy arrays, checked to have the modalities and shapes `shapes`."""
    check_modality_dict(name, arrays)
    arrays = {modality: np.asarray(values) for modality, values in arrays.items()}
    received = {modality: values.shape for modality, values in arrays.items()}
    if received != shapes:
        raise ConfigurationError(f"`{name}` must hold the modalities and shapes of `embeddings`, {shapes}. "
                                 f"Received: {name}.shape={received}")
    return arrays
