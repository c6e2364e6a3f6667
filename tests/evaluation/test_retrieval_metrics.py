"""Retrieval metrics against small cases computed by hand."""

import numpy as np
import pytest

from mmzoo.errors import ConfigurationError
from mmzoo.evaluation import cross_modal_metrics, retrieval_metrics, retrieval_ranks

# 3 queries x 4 items. Instance level: query i's item is item i.
SCORES = np.array([
    [0.9, 0.1, 0.5, 0.2],   # item 0 first -> rank 1
    [0.8, 0.3, 0.1, 0.7],   # item 1 after items 0 and 3 -> rank 3
    [0.1, 0.2, 0.4, 0.6],   # item 2 after item 3 -> rank 2
])


def test_instance_ranks_and_metrics_by_hand():
    np.testing.assert_array_equal(retrieval_ranks(SCORES), [1, 3, 2])
    metrics = retrieval_metrics(SCORES, recall_at=(1, 2, 5))
    assert metrics["recall@1"] == pytest.approx(1 / 3)
    assert metrics["recall@2"] == pytest.approx(2 / 3)
    assert metrics["recall@5"] == 1.0
    assert metrics["median_rank"] == 2.0
    assert metrics["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 2) / 3)


def test_class_level_counts_any_item_of_the_label():
    # items' labels: 0, 1, 0, 1; queries' labels: 1, 1, 0
    ranks = retrieval_ranks(SCORES, query_labels=[1, 1, 0], item_labels=[0, 1, 0, 1])
    # q0 (label 1): best label-1 item is item 3 (0.2), beaten by items 0 (0.9), 2 (0.5) -> 3
    # q1 (label 1): best is item 3 (0.7), beaten by item 0 (0.8) -> 2
    # q2 (label 0): best is item 2 (0.4), beaten by item 3 (0.6) -> 2
    np.testing.assert_array_equal(ranks, [3, 2, 2])
    metrics = retrieval_metrics(SCORES, [1, 1, 0], [0, 1, 0, 1])
    assert metrics["recall@1"] == 0.0 and metrics["recall@5"] == 1.0
    assert metrics["mrr"] == pytest.approx((1 / 3 + 1 / 2 + 1 / 2) / 3)


def test_ties_count_against_the_query_and_a_query_without_relevant_item_ranks_last():
    np.testing.assert_array_equal(retrieval_ranks(np.ones((2, 3))), [3, 3])
    np.testing.assert_array_equal(retrieval_ranks(SCORES, [7, 1, 0], [0, 1, 0, 1]), [5, 2, 2])


def test_both_directions_between_two_modalities():
    image = np.eye(3, dtype="float32")
    audio = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]], dtype="float32")   # pairs 1 and 2 swapped
    results = cross_modal_metrics({"image": image, "audio": audio}, labels=np.array([0, 1, 1]))
    assert sorted(results) == ["audio->image", "image->audio"]
    assert results["audio->image"]["instance"]["recall@1"] == pytest.approx(1 / 3)
    assert results["audio->image"]["class"]["recall@1"] == 1.0
    # image 1 (scores 0, 0, 1 against the clips): clip 2 beats clip 1, clip 0 ties with it -> rank 3
    assert results["image->audio"]["instance"]["median_rank"] == 3.0


def test_three_modalities_give_both_directions_of_every_pair():
    image = np.eye(3, dtype="float32")
    audio = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]], dtype="float32")   # pairs 1 and 2 swapped
    results = cross_modal_metrics({"image": image, "audio": audio, "text": image})
    assert sorted(results) == ["audio->image", "audio->text", "image->audio", "image->text", "text->audio",
                               "text->image"]
    assert results["image->text"]["instance"]["recall@1"] == 1.0
    assert results["text->audio"]["instance"]["recall@1"] == pytest.approx(1 / 3)


def test_queries_replace_the_query_side_only():
    image = np.eye(3, dtype="float32")
    audio = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]], dtype="float32")   # pairs 1 and 2 swapped
    embeddings = {"image": image, "audio": audio}
    results = cross_modal_metrics(embeddings, queries={"image": image, "audio": image})
    assert results["audio->image"]["instance"]["recall@1"] == 1.0     # the clips now query with the images' rows
    assert results["image->audio"] == cross_modal_metrics(embeddings)["image->audio"]


@pytest.mark.parametrize("call, message", [
    (lambda: retrieval_ranks(np.ones(3)), r"Received: similarities.shape=\(3,\)"),
    (lambda: retrieval_ranks(SCORES, query_labels=[0, 1, 0]), "query_labels=True, item_labels=False"),
    (lambda: retrieval_ranks(SCORES, [0, 1], [0, 1, 0, 1]), r"query_labels.shape=\(2,\)"),
    (lambda: retrieval_ranks(SCORES.T), "more queries than items"),
    (lambda: retrieval_metrics(SCORES, recall_at=(0,)), "recall_at"),
    (lambda: cross_modal_metrics({"image": SCORES}), "embeddings"),
    (lambda: cross_modal_metrics({"image": SCORES, "audio": SCORES, "text": SCORES[:2]}), r"'text': \(2, 4\)"),
    (lambda: cross_modal_metrics({"image": SCORES, "audio": SCORES}, queries={"image": SCORES}),
     r"Received: queries.shape=\{'image': \(3, 4\)\}"),
])
def test_bad_input_names_the_argument(call, message):
    with pytest.raises(ConfigurationError, match=message):
        call()
