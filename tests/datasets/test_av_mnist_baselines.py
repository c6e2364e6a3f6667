"""The AV-MNIST baselines of `bench/av_mnist_baselines.py`: fusion beats each modality alone."""

import importlib.util
import pathlib

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[2] / "bench" / "av_mnist_baselines.py"


@pytest.mark.slow
def test_concat_fusion_beats_the_best_single_modality_on_held_out_speaker():
    spec = importlib.util.spec_from_file_location("av_mnist_baselines", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    accuracies = bench.run(holdout="speaker", report=lambda line: None)
    assert accuracies["image only"] > 0.5 and accuracies["audio only"] > 0.35
    assert accuracies["concat fusion"] > max(accuracies["image only"], accuracies["audio only"]) + 0.02
