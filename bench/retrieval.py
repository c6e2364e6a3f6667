"""Cross-modal search on AV-MNIST, and the speed and memory of the exact index at 10k to 1M items.

Part 1, AV-MNIST (held-out speaker, as the other AV-MNIST benches): trains the
zoo's `dual_encoder` on the training pairs with plain `model.fit`, twice: on
the pairs only (no labels, CLIP) and class-aware (supervised contrastive: the
digits say which pairs of a batch are positives), the latter searched both
with the query embeddings and with class queries (each query replaced by
its nearest class prototype); and, in the same run on the same data, the
reference: the image-only and audio-only classifiers of `mmzoo.experiments.av_mnist`, whose test items
are ranked by the agreement of their predicted class distributions (dot
product of the softmax outputs). Every model is trained once per seed (0 to 9
by default). Reports class-level (same digit) and instance-level
recall@1/5/10, median rank and MRR, spoken -> handwritten and handwritten ->
spoken, as means over the seeds.

Part 2, scale: random unit-length 128-d float32 items (10k, 100k, 1M), each
size in a fresh subprocess; `mmzoo.retrieval.Index.search` next to the numpy
brute force a user writes by hand (the whole item matrix, queries in batches
of 32, `argpartition`); queries per second and the peak memory added by
the items and the search (peak RSS minus the RSS before), as a multiple of
the items' size. At 10k both are checked to return the same ids as a full
`np.argsort`. Each method searches once untimed (allocations, BLAS start-up),
then 3 times timed; queries per second come from the median.

    python bench/retrieval.py                               # 35-60 minutes on 2 CPU cores
    python bench/retrieval.py --epochs 1 --train-size 2000 --seeds 0 1 --sizes 10000 --out /tmp/retrieval_check.md
    python bench/retrieval.py --validation-speaker lucas    # part 1 only, scored on a training speaker
    python bench/retrieval.py --validation-speaker lucas --loss sigmoid   # SigLIP's loss for the dual encoders
"""

import argparse
import json
import math
import pathlib
import resource
import subprocess
import sys
import time

import numpy as np

from bench_common import RESULTS_DIR, command, machine, markdown_table, positive_int, write_results

RESULTS = RESULTS_DIR / "retrieval.md"
DIM = 128
TOP_K = 10
REFERENCE_BATCH = 32
TIMED_SEARCHES = 3
"""Searches timed per size and method, after one untimed search; queries/s is from their median."""
DIRECTIONS = ("audio->image", "image->audio")
LABEL_FREE = "dual encoder"
CLASS_AWARE = "dual encoder, class-aware"
VARIANTS = {LABEL_FREE: False, CLASS_AWARE: True}
"""The dual encoders trained: on pairs only (CLIP), and with the labels (supervised contrastive)."""
CLASS_QUERIES = "dual encoder, class-aware, class queries"
"""The class-aware dual encoder searched with its class prototypes (`mmzoo.retrieval.class_queries`)."""
SEARCHES = (*VARIANTS, CLASS_QUERIES)
"""The rows reported, next to the classifier reference."""
PROTOTYPE_ACCURACY = "prototype accuracy"
"""Notes key: per modality, the share of test samples whose nearest class prototype is their digit."""
DIRECTION_NAMES = {"audio->image": "spoken -> handwritten", "image->audio": "handwritten -> spoken"}
FIRST_ITEMS = "first items right"
"""Notes key: per searcher and direction, how many digits' first item (the one a query sure of that digit gets) is right."""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=positive_int, default=5, help="training epochs of every model (default: 5)")
    parser.add_argument("--batch-size", type=positive_int, default=64,
                        help="pairs per step of the dual encoders: the in-batch negatives (default: 64)")
    parser.add_argument("--learning-rate", type=float, default=1e-3,
                        help="first learning rate of the cosine decay (default: 1e-3)")
    parser.add_argument("--embedding-dim", type=positive_int, default=64, help="shared embedding size (default: 64)")
    parser.add_argument("--temperature", type=float, default=0.07, help="initial temperature (default: 0.07)")
    parser.add_argument("--loss", choices=("softmax", "sigmoid"), default="softmax",
                        help="contrastive loss of the dual encoders: CLIP's softmax or SigLIP's sigmoid "
                             "(default: softmax)")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(10)),
                        help="seeds of the weights and the shuffling; every model is trained once per seed and the "
                             "tables show means (default: 0 to 9: a class query's recall@1 rests on the first item "
                             "of each of 10 digits, and moves by several points from one seed to another)")
    parser.add_argument("--train-size", type=positive_int, default=None, help="keep this many training pairs")
    parser.add_argument("--sizes", type=positive_int, nargs="+", default=[10000, 100000, 1000000],
                        help="index sizes of the scale part (default: 10000 100000 1000000)")
    parser.add_argument("--queries", type=positive_int, default=1000, help="queries per size (default: 1000)")
    parser.add_argument("--validation-speaker", metavar="NAME", default=None,
                        help="part 1 only, trained on the other training speakers and scored on the training pairs "
                             "of NAME (george, jackson, lucas, nicolas or theo) instead of the test split: for "
                             "choosing settings without looking at the test split")
    parser.add_argument("--out", default=None,
                        help=f"results file (default: {RESULTS}, {validation_results('NAME')} with "
                             "--validation-speaker)")
    parser.add_argument("--scale-worker", nargs=3, metavar=("SIZE", "QUERIES", "METHOD"), help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.out is None:
        arguments.out = str(RESULTS if arguments.validation_speaker is None
                            else validation_results(arguments.validation_speaker))
    return arguments


def validation_results(speaker):
    """The default results file of a run scored on the training speaker `speaker`."""
    return RESULTS_DIR / f"retrieval_validation_{speaker}.md"


# ---------------------------------------------------------------- part 1: AV-MNIST


def train_dual_encoder(train, arguments, seed, class_aware=False):
    """Trains the zoo's dual encoder on the training pairs; returns it and the seconds.

    The labels are used only by the class-aware variant (supervised contrastive).
    """
    import keras

    from mmzoo import zoo
    from mmzoo.training import recipe
    from mmzoo.training.compiling import make_optimizer

    keras.utils.set_random_seed(seed)
    model = zoo.build("dual_encoder", embedding_dim=arguments.embedding_dim, temperature=arguments.temperature,
                      num_classes=10 if class_aware else None, loss=arguments.loss)
    steps = math.ceil(len(train[1]) / arguments.batch_size)
    model.compile(optimizer=make_optimizer("adam", recipe.learning_rate(steps, arguments.epochs,
                                                                        initial=arguments.learning_rate)))
    start = time.perf_counter()
    inputs = {**train[0], "label": train[1]} if class_aware else train[0]
    model.fit(inputs, epochs=arguments.epochs, batch_size=arguments.batch_size, shuffle=True, verbose=2)
    return model, time.perf_counter() - start


def av_mnist(arguments):
    """Trains the dual encoders and the two classifiers once per seed.

    Returns:
        A list, one entry per seed, of `({model: {direction: metrics}}, notes)`.
    """
    from mmzoo.datasets import hold_out_speaker, load
    from mmzoo.experiments.av_mnist import subset

    if arguments.validation_speaker is None:
        train = load("av_mnist", split="train", as_dataset=False, holdout="speaker")
        test = load("av_mnist", split="test", as_dataset=False, holdout="speaker")
    else:
        train, test = hold_out_speaker(arguments.validation_speaker)
    if arguments.train_size:
        train = subset(train, arguments.train_size, seed=0)
    return [one_seed(train, test, arguments, seed) for seed in arguments.seeds]


def first_items_right(scores, labels):
    """How many classes rank first an item of their own class.

    Args:
        scores: `(num_items, num_classes)`: how much each item is of each
            class (cosine to the class prototypes, or predicted probabilities).
        labels: `(num_items,)` int classes of the items.

    Returns:
        The number of classes `c` whose highest-scored item is of class `c`:
        what a class query (or a query sure of its class) finds first.
    """
    return int(np.sum(labels[np.argmax(scores, axis=0)] == np.arange(scores.shape[1])))


def one_seed(train, test, arguments, seed):
    """Trains the dual encoders and the two classifiers with one seed; returns the metrics and notes."""
    from mmzoo.evaluation import cross_modal_metrics
    from mmzoo.experiments.av_mnist import train_and_evaluate
    from mmzoo.retrieval import class_prototypes, class_queries, embed, zero_shot_classify

    results, notes = {}, {"train pairs": len(train[1]), "test pairs": len(test[1]), FIRST_ITEMS: {}}
    spoken = [train[0]["audio"][train[1] == digit][:10] for digit in range(10)]
    for variant, class_aware in VARIANTS.items():
        model, seconds = train_dual_encoder(train, arguments, seed, class_aware=class_aware)
        embeddings = {modality: embed(model, test[0], modality) for modality in ("image", "audio")}
        results[variant] = cross_modal_metrics(embeddings, test[1])
        if class_aware:
            queries = {modality: class_queries(model, values) for modality, values in embeddings.items()}
            results[CLASS_QUERIES] = cross_modal_metrics(embeddings, test[1], queries=queries)
            prototypes = class_prototypes(model)
            notes[PROTOTYPE_ACCURACY] = {modality: float(np.mean(np.argmax(values @ prototypes.T, axis=1) == test[1]))
                                         for modality, values in embeddings.items()}
            notes[FIRST_ITEMS][CLASS_QUERIES] = {
                direction: first_items_right(embeddings[direction.split("->")[1]] @ prototypes.T, test[1])
                for direction in DIRECTIONS}
        predicted, _ = zero_shot_classify(model, spoken, "audio", test[0], "image")
        notes[variant] = {"seconds": seconds, "zero-shot accuracy": float(np.mean(predicted == test[1])),
                          "scale": float(model.get_layer("contrastive_loss").scale()),
                          "parameters": model.count_params()}
    singles = {}
    for name in ("image only", "audio only"):
        result = train_and_evaluate(name, train, test, epochs=arguments.epochs, seed=seed)
        modality = name.split()[0]
        singles[modality] = result.model.predict({modality: test[0][modality]}, batch_size=256, verbose=0)
        notes[f"{name} accuracy"], notes[f"{name} seconds"] = result.accuracy, result.seconds
    results["classifier reference"] = cross_modal_metrics(singles, test[1])
    notes[FIRST_ITEMS]["classifier reference"] = {
        direction: first_items_right(singles[direction.split("->")[1]], test[1]) for direction in DIRECTIONS}
    return results, notes


# ---------------------------------------------------------------- part 2: scale


def _rss_bytes(field):
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _unit_rows(generator, rows):
    values = generator.standard_normal((rows, DIM), dtype="float32")
    values /= np.linalg.norm(values, axis=1, keepdims=True)
    return values


def brute_force(items, queries, k):
    """The hand-written reference: the whole score rows of 32 queries at a time, argpartition, sort."""
    ids = np.empty((len(queries), k), dtype="int64")
    for start in range(0, len(queries), REFERENCE_BATCH):
        scores = queries[start:start + REFERENCE_BATCH] @ items.T
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
        ids[start:start + REFERENCE_BATCH] = np.take_along_axis(top, order, axis=1)
    return ids


def scale_worker(size, num_queries, method):
    """Runs in a fresh process: builds `size` items, searches, prints JSON with speed and memory."""
    from mmzoo.retrieval.index import BLOCK_ROWS, Index

    generator = np.random.default_rng(0)
    queries = _unit_rows(generator, num_queries)
    before = _rss_bytes("VmRSS")
    if method == "mmzoo":
        index = Index(modality="image")
        for start in range(0, size, BLOCK_ROWS):
            index.add(_unit_rows(generator, min(BLOCK_ROWS, size - start)))
        search = lambda: index.search(queries, TOP_K)[0]  # noqa: E731
    else:
        items = np.empty((size, DIM), dtype="float32")
        for start in range(0, size, BLOCK_ROWS):
            items[start:start + BLOCK_ROWS] = _unit_rows(generator, min(BLOCK_ROWS, size - start))
        search = lambda: brute_force(items, queries, TOP_K)  # noqa: E731
    ids = search()  # a first search pays once for allocations and the BLAS start-up: not timed
    seconds = []
    for _ in range(TIMED_SEARCHES):
        start = time.perf_counter()
        search()
        seconds.append(time.perf_counter() - start)
    result = {"queries_per_second": num_queries / float(np.median(seconds)), "peak_bytes": _rss_bytes("VmHWM") - before,
              "index_bytes": size * DIM * 4}
    if size <= 10000:
        generator = np.random.default_rng(0)
        _unit_rows(generator, num_queries)
        everything = np.concatenate([_unit_rows(generator, min(BLOCK_ROWS, size - start))
                                     for start in range(0, size, BLOCK_ROWS)])
        expected = np.argsort(-(queries @ everything.T), axis=1, kind="stable")[:, :TOP_K]
        result["identical_to_argsort"] = bool(np.array_equal(np.asarray(ids), expected))
    print(json.dumps(result))


def scale(sizes, num_queries):
    """Runs each size and method in its own process; returns `{(size, method): result}`."""
    results = {}
    for size in sizes:
        for method in ("mmzoo", "numpy"):
            output = subprocess.run(
                [sys.executable, __file__, "--scale-worker", str(size), str(num_queries), method],
                check=True, capture_output=True, text=True).stdout
            results[size, method] = json.loads(output.strip().splitlines()[-1])
            print(size, method, results[size, method], flush=True)
    return results


# ---------------------------------------------------------------- report


def _percent(value):
    return f"{100 * value:.1f}%"


def mean_over_seeds(values):
    """The element-wise mean of one nested dict of numbers per seed (the same keys in each)."""
    if isinstance(values[0], dict):
        return {key: mean_over_seeds([value[key] for value in values]) for key in values[0]}
    return float(np.mean(values))


def _class_recall_cell(runs, model, direction):
    """`mean% ± sd (seed values)` of the class-level recall@1 of one model and direction."""
    values = [results[model][direction]["class"]["recall@1"] for results, _ in runs]
    spread = (f" ± {100 * np.std(values):.1f} ({' / '.join(f'{100 * value:.1f}' for value in values)})"
              if len(values) > 1 else "")
    return f"{_percent(mean_over_seeds(values))}{spread}"


def report(runs, scales, arguments, argv, seconds):
    retrieval = mean_over_seeds([results for results, _ in runs])
    notes = mean_over_seeds([notes for _, notes in runs])
    seeds = ", ".join(map(str, arguments.seeds))
    speaker = arguments.validation_speaker
    lines = (["# Cross-modal retrieval on AV-MNIST (held-out speaker) and the exact index at scale", ""] if speaker is None
             else [f"# Cross-modal retrieval on AV-MNIST, scored on training speaker {speaker}", "",
                   f"Every model trains on the other training speakers; the \"test\" pairs below are the training "
                   f"pairs of {speaker}, a voice held out of training that is not the test speaker "
                   "(`mmzoo.datasets.hold_out_speaker`): the split that chooses settings. The targets are those of "
                   "the test split (`python bench/retrieval.py`).", ""])
    rows, targets = [], []
    for direction in DIRECTIONS:
        reference = retrieval["classifier reference"][direction]["class"]["recall@1"]
        recalls = [retrieval[variant][direction]["class"]["recall@1"] for variant in SEARCHES]
        rows.append([DIRECTION_NAMES[direction], *(_class_recall_cell(runs, variant, direction) for variant in SEARCHES),
                     _class_recall_cell(runs, "classifier reference", direction),
                     *(f"{100 * (recall - reference):+.1f}" for recall in recalls)])
        for variant, recall in zip(SEARCHES, recalls):
            targets.append(f"- {'met' if recall >= reference else 'MISSED'}: {DIRECTION_NAMES[direction]}, {variant} >= "
                           f"reference ({_percent(recall)} vs {_percent(reference)}); aim of +5 points "
                           f"{'met' if recall >= reference + 0.05 else 'missed'}")
    lines += [f"Class-level recall@1 (the first item found shows the query's digit), mean ± standard deviation over "
              f"seeds {seeds} (each seed's value in brackets); the targets compare the means:", "",
              markdown_table(["direction", f"{LABEL_FREE} (pairs only)", f"{CLASS_AWARE} (uses labels)",
                              f"{CLASS_QUERIES} (uses labels)", "classifier reference (uses labels)",
                              "pairs only - reference (points)", "class-aware - reference (points)",
                              "class queries - reference (points)"], rows, "lrrrrrrr"),
              "", *targets, "", f"All metrics, means over seeds {seeds} (class level: any item of the same digit is "
              "relevant; instance level: only the item of the same pair, which AV-MNIST pairs at random within a "
              "digit, so near chance):", ""]
    detail = []
    for model, directions in retrieval.items():
        for direction in DIRECTIONS:
            for level, metrics in directions[direction].items():
                detail.append([model, DIRECTION_NAMES[direction], level,
                               *(_percent(metrics[f"recall@{k}"]) for k in (1, 5, 10)),
                               f"{metrics['median_rank']:g}", f"{metrics['mrr']:.3f}"])
    lines += [markdown_table(["model", "direction", "level", "recall@1", "recall@5", "recall@10", "median rank", "MRR"],
                             detail, "lllrrrrr"), ""]
    for variant, class_aware in VARIANTS.items():
        note = notes[variant]
        trained_on = ("the pairs and their digits: supervised contrastive (every pair of the same digit in the batch "
                      "is a positive) plus a cosine classifier on 10 learned digit prototypes shared by both modalities"
                      if class_aware
                      else "the pairs only, no labels (the other pairs of the batch are the negatives)")
        trained_on += {"softmax": ", CLIP's softmax loss", "sigmoid": ", SigLIP's sigmoid loss"}[arguments.loss]
        lines += [f"{variant}: `mmzoo.zoo.build('dual_encoder', embedding_dim={arguments.embedding_dim}, "
                  f"temperature={arguments.temperature}, num_classes={10 if class_aware else None}, "
                  f"loss={arguments.loss!r})`, {note['parameters']:,.0f} weights, "
                  f"plain `model.fit` on {notes['train pairs']:,.0f} training pairs, trained on {trained_on}; "
                  f"{arguments.epochs} epochs, batch {arguments.batch_size}, Adam with the cosine decay of "
                  f"`mmzoo.training.recipe` from {arguments.learning_rate:g}; means over the seeds: {note['seconds']:.0f} s, "
                  f"learned 1/temperature {note['scale']:.1f}. Zero-shot classification of the test images by 10 spoken "
                  f"prompts per digit (training clips): {_percent(note['zero-shot accuracy'])}.", ""]
    lines += [f"{CLASS_QUERIES}: the same class-aware model; each query's embedding is replaced by the prototype of "
              "its nearest digit (`mmzoo.retrieval.class_queries`, `search(..., by_class=True)`), so the items are "
              "ranked by their cosine to that prototype. Every query of one predicted digit gets the same items: its "
              "class-level recall@1 is the share of queries whose digit is predicted right and whose digit's first "
              "item is right, so it rests on the first item of each of 10 digits and moves by several points from "
              "one training seed to another. The digit predicted (nearest prototype) is right for "
              f"{_percent(notes[PROTOTYPE_ACCURACY]['audio'])} of the test clips and "
              f"{_percent(notes[PROTOTYPE_ACCURACY]['image'])} of the test images (the classifiers of the "
              "reference: below).", "",
              "The first item of each digit (what a query sure of that digit finds first: for class queries the "
              "item closest to the digit's prototype, for the reference the item its classifier gives the highest "
              "probability of that digit), how many of the 10 digits it is right for, per seed:", "",
              markdown_table(["direction", CLASS_QUERIES, "classifier reference"],
                             [[DIRECTION_NAMES[direction],
                               *(" / ".join(str(run_notes[FIRST_ITEMS][name][direction]) for _, run_notes in runs)
                                 for name in (CLASS_QUERIES, "classifier reference"))]
                              for direction in DIRECTIONS], "lll"), ""]
    lines += [
        f"Reference (means over the seeds): the image-only ({_percent(notes['image only accuracy'])} test accuracy, "
        f"{notes['image only seconds']:.0f} s) and audio-only ({_percent(notes['audio only accuracy'])}, "
        f"{notes['audio only seconds']:.0f} s) classifiers of `mmzoo demo`, {arguments.epochs} epochs, batch 64, "
        "trained with the labels; items ranked by the dot product of the two softmax outputs. "
        f"{notes['test pairs']:,.0f} test pairs, each direction: every test clip (image) queries all test images (clips).",
        ""]
    if scales:
        lines += scale_report(scales, arguments)
    lines += [f"Command: `{command(__file__, argv)}`. {seconds:.0f} s on {machine()}.", ""]
    return "\n".join(lines)


def scale_report(scales, arguments):
    """The lines of part 2: queries/s and peak memory of the index and of numpy at each size."""
    lines = ["## Exact index at scale", ""]
    rows = []
    for size in sorted({size for size, _ in scales}):
        ours, theirs = scales[size, "mmzoo"], scales[size, "numpy"]
        identical = {True: "yes", False: "NO"}.get(ours.get("identical_to_argsort"), "")
        rows.append([f"{size:,}", f"{ours['index_bytes'] / 2 ** 20:,.0f} MB",
                     f"{ours['queries_per_second']:,.0f}", f"{theirs['queries_per_second']:,.0f}",
                     f"{ours['queries_per_second'] / theirs['queries_per_second']:.2f}",
                     f"{ours['peak_bytes'] / ours['index_bytes']:.2f}x", f"{theirs['peak_bytes'] / theirs['index_bytes']:.2f}x",
                     identical])
    lines += [markdown_table(["items", "index size", "mmzoo queries/s", "numpy queries/s", "ratio",
                              "mmzoo peak memory / index size", "numpy peak memory / index size",
                              "same ids as np.argsort (10k)"], rows, "rrrrrrrl"), ""]
    big = max(size for size, _ in scales)
    ratio = scales[big, "mmzoo"]["peak_bytes"] / scales[big, "mmzoo"]["index_bytes"]
    lines += [f"- {'met' if ratio < 2 else 'MISSED'}: peak memory of {big:,} items under 2x the index size ({ratio:.2f}x)",
              "",
              f"{arguments.queries} random unit-length {DIM}-d float32 queries, top {TOP_K}, each size and method in a "
              f"fresh process, queries/s from the median of {TIMED_SEARCHES} searches after an untimed one; peak "
              "memory is the process's RSS high-water mark minus its RSS before the items "
              "were made (the items, the scores of one batch and the top-k bookkeeping). The numpy reference holds "
              f"the whole item matrix and scores {REFERENCE_BATCH} queries at a time against all of it.", ""]
    return lines


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    arguments = parse_args(argv)
    if arguments.scale_worker:
        size, queries, method = arguments.scale_worker
        scale_worker(int(size), int(queries), method)
        return
    start = time.perf_counter()
    scales = scale(arguments.sizes, arguments.queries) if arguments.validation_speaker is None else {}
    runs = av_mnist(arguments)
    text = report(runs, scales, arguments, argv, time.perf_counter() - start)
    print(text)
    write_results(arguments.out, text)


if __name__ == "__main__":
    main()
