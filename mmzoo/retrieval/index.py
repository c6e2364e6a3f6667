"""`Index`: exact top-k search by dot product over item embeddings, in bounded memory.

Why exact search and no ANN library: measured with `bench/retrieval.py` on
2 shared CPU cores (1,000 queries, 128-d float32, top 10), this brute force
answers 8,000-39,000 queries per second over 10k items, 750-2,600 over
100k and 75-270 over 1M (1.3-2.3x a hand-written numpy brute force in the
same run; the range spans runs on a shared machine), exactly, with a peak
of 1.25x the items' size at 1M. That is enough for the data mmzoo trains on
(AV-MNIST: 5,000 test items). An approximate index (faiss-cpu IVF or HNSW,
ScaNN) pays off from millions of items with many queries per second, costs
a training step of its own, returns approximate neighbours, and would be a
compiled dependency for every user: so it is left out, and
`Index.embeddings()` gives the vectors to hand to one.
"""

import os

import numpy as np

from mmzoo._checks import check_positive_int, check_type
from mmzoo._files import atomic_destination
from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value

QUERY_BATCH = 256
"""Queries scored together: one `(QUERY_BATCH, BLOCK_ROWS)` float32 score block (16 MB) at a time."""
BLOCK_ROWS = 16384
"""Largest number of items kept in one stored block."""
FORMAT = "mmzoo.retrieval.Index/1"


class Index:
    """Item embeddings with ids, searched exactly by dot product (cosine for unit-length embeddings).

    Items are kept in blocks of at most `BLOCK_ROWS` rows as they are added
    (never concatenated), and a search scores `QUERY_BATCH` queries against
    one block at a time, keeping a running top k: beyond the items themselves
    a search needs about `QUERY_BATCH * BLOCK_ROWS` floats, whatever the
    number of items.

    Example:
        >>> index = Index(modality="image")
        >>> index.add(embed(model, test_images, "image"))       # ids 0, 1, ...
        >>> ids, scores = index.search(embed(model, clips, "audio"), k=5)
        >>> index.save("images.index.npz"); Index.load("images.index.npz")

    Args:
        modality: The modality of the items, or None (kept as a label and
            checked by `mmzoo.retrieval.search`).
    """

    def __init__(self, modality=None):
        if modality is not None and not isinstance(modality, str):
            raise ArgumentTypeError(f"`modality` must be a string or None. Received: modality={describe_value(modality)}")
        self.modality = modality
        self._blocks = []
        self._ids = []

    @property
    def dim(self):
        """Size of the embeddings, or None while the index is empty."""
        return self._blocks[0].shape[1] if self._blocks else None

    def __len__(self):
        return sum(len(block) for block in self._blocks)

    def add(self, embeddings, ids=None):
        """Adds items.

        Args:
            embeddings: Array `(num_items, dim)`; `dim` must be that of the
                items already in the index.
            ids: The items' ids, integers or strings, one per row; None
                numbers them on from the index's length.

        Returns:
            The index itself.

        Raises:
            ConfigurationError: not a 2-D array, a size other than the
                index's, ids of another length, or non-finite values.
            ArgumentTypeError: ids that are neither integers nor strings.
        """
        embeddings = self._matrix("embeddings", embeddings)
        ids = self._new_ids(ids, len(embeddings))
        for start in range(0, len(embeddings), BLOCK_ROWS):
            self._blocks.append(np.array(embeddings[start:start + BLOCK_ROWS], dtype="float32", order="C"))
            self._ids.append(ids[start:start + BLOCK_ROWS])
        return self

    def ids(self):
        """Returns the ids of every item, in the order they were added."""
        return np.concatenate(self._ids) if self._ids else np.zeros((0,), dtype="int64")

    def embeddings(self):
        """Returns a copy of every item's embedding, `(len(index), dim)` float32 (e.g. for an ANN library)."""
        return np.concatenate(self._blocks) if self._blocks else np.zeros((0, 0), dtype="float32")

    def search(self, queries, k=10):
        """Returns the `k` items of highest dot product with each query.

        Args:
            queries: Array `(num_queries, dim)` of query embeddings.
            k: Number of items per query, at most `len(index)`.

        Returns:
            A tuple `(ids, scores)`, each `(num_queries, k)`, best first;
            equal scores are ordered by insertion order.

        Raises:
            ConfigurationError: an empty index, `k` not in `1..len(index)`,
                or queries of another size than the items.
        """
        if not self._blocks:
            raise ConfigurationError("The index is empty: add embeddings before searching. Received: len(index)=0")
        check_positive_int("k", k)
        if k > len(self):
            raise ConfigurationError(
                f"`k` must be at most the number of items in the index ({len(self)}). Received: k={k}")
        queries = self._matrix("queries", queries)
        positions = np.empty((len(queries), k), dtype="int64")
        scores = np.empty((len(queries), k), dtype="float32")
        for start in range(0, len(queries), QUERY_BATCH):
            stop = start + QUERY_BATCH
            positions[start:stop], scores[start:stop] = self._top_k(queries[start:stop], k)
        return self.ids()[positions], scores

    def _top_k(self, queries, k):
        """Top k over every block of one batch of queries: positions in the whole index and scores."""
        best_scores = np.full((len(queries), 0), -np.inf, dtype="float32")
        best_positions = np.zeros((len(queries), 0), dtype="int64")
        offset = 0
        for block in self._blocks:
            block_scores = queries @ block.T
            if block_scores.shape[1] > k:
                keep = np.argpartition(block_scores, block_scores.shape[1] - k, axis=1)[:, -k:]
                block_scores = np.take_along_axis(block_scores, keep, axis=1)
            else:
                keep = np.broadcast_to(np.arange(block_scores.shape[1]), block_scores.shape)
            best_scores = np.concatenate([best_scores, block_scores], axis=1)
            best_positions = np.concatenate([best_positions, keep + offset], axis=1)
            if best_scores.shape[1] > k:
                keep = np.argpartition(best_scores, best_scores.shape[1] - k, axis=1)[:, -k:]
                best_scores = np.take_along_axis(best_scores, keep, axis=1)
                best_positions = np.take_along_axis(best_positions, keep, axis=1)
            offset += len(block)
        order = np.lexsort((best_positions, -best_scores), axis=1)
        return np.take_along_axis(best_positions, order, axis=1), np.take_along_axis(best_scores, order, axis=1)

    def _matrix(self, name, values):
        if not hasattr(values, "shape") and not isinstance(values, (list, tuple)):
            raise ArgumentTypeError(f"`{name}` must be a 2-D array. Received: {name}={describe_value(values)}")
        values = np.asarray(values)
        if values.ndim != 2 or values.shape[1] == 0 or not np.issubdtype(values.dtype, np.number):
            raise ConfigurationError(f"`{name}` must be a 2-D numeric array `(rows, dim)`. "
                                     f"Received: {name}.shape={values.shape}, {name}.dtype={values.dtype}")
        if self.dim is not None and values.shape[1] != self.dim:
            raise ConfigurationError(
                f"`{name}` must have the size of the index's embeddings, {self.dim}. "
                f"Received: {name}.shape={values.shape}")
        if not np.isfinite(values).all():
            raise ConfigurationError(f"`{name}` holds NaN or infinite values. Received: {name}.shape={values.shape}")
        return values.astype("float32", copy=False)

    def _new_ids(self, ids, count):
        if ids is None:
            return np.arange(len(self), len(self) + count, dtype="int64")
        ids = np.asarray(ids)
        if ids.shape != (count,):
            raise ConfigurationError(
                f"`ids` must hold one id per embedding ({count}). Received: ids.shape={ids.shape}")
        kinds = {"i", "u", "U"}
        if ids.dtype.kind not in kinds or (self._ids and (ids.dtype.kind == "U") != (self._ids[0].dtype.kind == "U")):
            raise ArgumentTypeError(
                "`ids` must be all integers or all strings, like the ids already in the index. "
                f"Received: ids.dtype={ids.dtype}")
        return ids

    def save(self, path):
        """Writes the index to one `.npz` file, atomically (block by block, no full copy in memory).

        Args:
            path: The file, ending in ".npz" (next to a model `m.keras`,
                `mmzoo.retrieval.index_path("m.keras", modality)` names it).

        Raises:
            ConfigurationError: `path` does not end in ".npz".
        """
        path = os.fspath(path)
        if not path.endswith(".npz"):
            raise ConfigurationError(f"An index file ends in '.npz'. Received: path={path!r}")
        arrays = {f"block_{number:06d}": block for number, block in enumerate(self._blocks)}
        arrays.update({f"ids_{number:06d}": ids for number, ids in enumerate(self._ids)})
        with atomic_destination(path) as temporary:
            np.savez(temporary, format=np.array(FORMAT), modality=np.array(self.modality or ""), **arrays)

    @classmethod
    def load(cls, path):
        """Reads an index written by `save`.

        Args:
            path: The `.npz` file.

        Returns:
            An `Index` with the same items, ids and modality.

        Raises:
            ConfigurationError: the file is missing or is not an mmzoo index.
        """
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise ConfigurationError(f"No index file there. Received: path={path!r}")
        with np.load(path, allow_pickle=False) as stored:
            if "format" not in stored.files or str(stored["format"]) != FORMAT:
                raise ConfigurationError(f"The file is not an mmzoo index ({FORMAT}). Received: path={path!r}")
            index = cls(modality=str(stored["modality"]) or None)
            for name in sorted(name for name in stored.files if name.startswith("block_")):
                index._blocks.append(stored[name])
                index._ids.append(stored[name.replace("block_", "ids_")])
        return index


def index_path(model_path, modality):
    """Returns the file the index of one modality's items is saved in next to a model.

    Example:
        >>> index_path("runs/a/model.keras", "image")
        'runs/a/model.image.index.npz'

    Args:
        model_path: Path of a `.keras` model file.
        modality: The items' modality.

    Returns:
        The index path, a string.

    Raises:
        ArgumentTypeError: `model_path` is not a path or `modality` not a string.
    """
    check_type("model_path", model_path, (str, os.PathLike), "a path of a .keras file")
    check_type("modality", modality, str, "a modality name (a string)")
    model_path = os.fspath(model_path)
    stem = model_path[:-len(".keras")] if model_path.endswith(".keras") else model_path
    return f"{stem}.{modality}.index.npz"
