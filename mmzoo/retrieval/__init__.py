"""Cross-modal search: contrastive dual encoders, embeddings, an exact index, zero-shot classification.

    >>> from mmzoo import branches, retrieval
    >>> model = retrieval.dual_encoder({"image": branches.for_input("image", (28, 28, 1)),
    ...                                 "audio": branches.for_input("audio", (32, 32))})
    >>> model.compile(optimizer="adam"); model.fit(pairs, epochs=5, batch_size=256)   # no labels
    >>> index = retrieval.build_index(model, test_images, "image")
    >>> ids, scores = retrieval.search(model, index, spoken_digits, "audio", k=5)
    >>> index.save(retrieval.index_path("model.keras", "image"))

- `dual_encoder`, `encoder`, `embed`, `modalities_of`: the model and its embeddings.
- `Index`, `index_path`: exact top-k search by dot product in bounded memory, saved as `.npz`
  (the `index` module says why no approximate-neighbour library is used).
- `build_index`, `search`: the same from raw samples.
- `class_prototypes`, `class_queries`: class-level search with a class-aware dual encoder (a query
  stands for its nearest class prototype; `search(..., by_class=True)`).
- `class_embeddings`, `zero_shot_classify`: zero-shot classification by class prompts.

Retrieval metrics (recall@k, median rank, MRR) live in `mmzoo.evaluation`.
"""

from mmzoo.retrieval.classes import class_prototypes, class_queries
from mmzoo.retrieval.encoders import dual_encoder, embed, encoder, modalities_of
from mmzoo.retrieval.index import Index, index_path
from mmzoo.retrieval.search import build_index, search
from mmzoo.retrieval.zero_shot import class_embeddings, zero_shot_classify

__all__ = ["dual_encoder", "embed", "encoder", "modalities_of", "Index", "index_path", "build_index", "search",
           "class_prototypes", "class_queries", "class_embeddings", "zero_shot_classify"]
