"""`bench/retrieval.py`: its command line, and a small run of part 1 scored on a training speaker."""

import re

import numpy as np
import retrieval as bench


def test_defaults_and_the_validation_speaker_results_file():
    args = bench.parse_args([])
    assert args.seeds == list(range(10)) and args.epochs == 5 and args.validation_speaker is None
    assert args.out == str(bench.RESULTS)
    args = bench.parse_args(["--validation-speaker", "lucas"])
    assert args.out == str(bench.validation_results("lucas")) != str(bench.RESULTS)


def test_a_run_scored_on_a_training_speaker_skips_the_scale_part(tmp_path, capsys):
    out = tmp_path / "lucas.md"
    bench.main(["--epochs", "1", "--train-size", "256", "--seeds", "0", "--validation-speaker", "lucas",
                "--out", str(out)])
    text = out.read_text()
    assert text.startswith("# Cross-modal retrieval on AV-MNIST, scored on training speaker lucas")
    assert "3,000 test pairs" in text and "256 training pairs" in text
    assert "Exact index at scale" not in text and "The digit predicted (nearest prototype) is right for" in text
    for direction in ("spoken -> handwritten", "handwritten -> spoken"):
        assert f"| {direction} |" in text
        counts = re.search(rf"^\| {direction} \| (\d+) \| (\d+) \|$", text, re.MULTILINE)
        assert counts and all(0 <= int(count) <= 10 for count in counts.groups())


def test_first_items_right_counts_the_classes_whose_first_item_is_theirs():
    labels = np.array([0, 1, 2, 1])
    scores = np.array([[0.9, 0.1, 0.0], [0.2, 0.3, 0.9], [0.1, 0.2, 0.5], [0.0, 0.8, 0.1]])
    assert bench.first_items_right(scores, labels) == 2  # class 2's first item (item 1) is a 1
    assert bench.first_items_right(scores[[0, 3, 2]], labels[[0, 3, 2]]) == 3
