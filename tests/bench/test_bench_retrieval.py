"""`bench/retrieval.py`: its command line, and a small run of part 1 scored on a training speaker."""

import retrieval as bench


def test_defaults_and_the_validation_speaker_results_file():
    args = bench.parse_args([])
    assert args.seeds == [0, 1, 2] and args.epochs == 5 and args.validation_speaker is None
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
