"""Search with a dual encoder: embed raw samples of one modality, find items of another in an `Index`."""

from mmzoo._checks import check_bool
from mmzoo.errors import ArgumentTypeError, describe_value
from mmzoo.retrieval.classes import class_queries
from mmzoo.retrieval.encoders import embed
from mmzoo.retrieval.index import Index


def build_index(model, data, modality, ids=None, batch_size=256):
    """Embeds samples of one modality and puts them in a new `Index`.

    Args:
        model: A model built by `mmzoo.retrieval.dual_encoder`.
        data: The items: an array, a dict `{modality: array}` or `(inputs, labels)`.
        modality: The items' modality.
        ids: One id per item (integers or strings), or None for 0, 1, ...
        batch_size: Samples per step.

    Returns:
        An `Index` whose `modality` is `modality`.

    Raises:
        ConfigurationError: see `embed` and `Index.add`.
    """
    return Index(modality=modality).add(embed(model, data, modality, batch_size=batch_size), ids=ids)


def search(model, index, queries, modality, k=10, batch_size=256, by_class=False):
    """Finds the `k` items of `index` closest to raw query samples of one modality.

    Args:
        model: The dual encoder that embedded the index's items.
        index: An `Index`.
        queries: Query samples: an array, a dict `{modality: array}` or
            `(inputs, labels)`.
        modality: The queries' modality (may differ from the items').
        k: Number of items per query.
        batch_size: Samples per step of the embedding.
        by_class: With a class-aware dual encoder, search with the
            prototype of each query's nearest class instead of the query
            itself: the items most typical of the query's class come first
            (see `mmzoo.retrieval.class_queries`).

    Returns:
        A tuple `(ids, scores)`, each `(num_queries, k)`, best first.

    Raises:
        ConfigurationError: the model has no such modality, queries of
            another modality's shape, an empty index, a bad `k`, or
            `by_class` with a model without class prototypes.
        ArgumentTypeError: `index` is not an `Index`, or `by_class` not a bool.
    """
    if not isinstance(index, Index):
        raise ArgumentTypeError(f"`index` must be a mmzoo.retrieval.Index. Received: index={describe_value(index)}")
    check_bool("by_class", by_class)
    embeddings = embed(model, queries, modality, batch_size=batch_size)
    return index.search(class_queries(model, embeddings) if by_class else embeddings, k=k)
