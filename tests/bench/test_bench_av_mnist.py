"""`bench/av_mnist.py`: its command line, its table and its verdict; the full run is a slow test."""

import types

import numpy as np
import pytest

import av_mnist as bench
from mmzoo.evaluation import ModalityBalance
from mmzoo.experiments.av_mnist import MODEL_NAMES


def _runs(accuracies, parameters=1000):
    return [{"model": "m", "accuracy": value, "macro_f1": value - 0.01, "parameters": parameters,
             "training_seconds": 10.0, "seed": seed} for seed, value in enumerate(accuracies)]


def test_defaults_are_three_seeds_five_epochs_every_model_with_the_reference():
    args = bench.parse_args([])
    assert args.seeds == [0, 1, 2] and args.epochs == 5 and args.holdout == "speaker"
    assert args.models == list(MODEL_NAMES) and args.train_size is None and args.out == bench.RESULTS
    assert args.reference and args.balance and not args.from_scratch


def test_from_scratch_writes_its_own_results_file():
    assert bench.parse_args(["--from-scratch"]).out == bench.RESULTS_FROM_SCRATCH["speaker"]
    args = bench.parse_args(["--from-scratch", "--holdout", "recording"])
    assert args.from_scratch and args.out == bench.RESULTS_FROM_SCRATCH["recording"]
    assert len({bench.RESULTS, *bench.RESULTS_BY_HOLDOUT.values(), *bench.RESULTS_FROM_SCRATCH.values()}) == 4


def test_validation_speaker_scores_on_a_training_speaker_into_its_own_file():
    args = bench.parse_args(["--validation-speaker", "lucas"])
    assert args.validation_speaker == "lucas" and args.out == bench.validation_results("lucas") != bench.RESULTS
    train, held = bench.load_data(validation_speaker="lucas", train_size=500)
    full_train, test = bench.load_data()
    assert len(train[1]) == 500 and len(held[1]) == 3000 != len(test[1])
    assert not ({bytes(image) for image in held[0]["image"][:200]} & {bytes(image) for image in test[0]["image"]})


def test_table_and_verdict_name_the_pairs_they_score_on():
    rows = {"image only": _runs([0.6]), "concat": _runs([0.7])}
    assert "mmzoo lucas's accuracy (mean ± std)" in bench.table(rows, scored_on="lucas's")
    assert bench.verdict(rows, scored_on="lucas's").startswith("By mean lucas's accuracy")


def test_the_training_text_says_how_the_fusions_started():
    warm = bench.training_text(bench.parse_args([]), warm=True)
    assert "fine-tuned for 2 epoch(s)" in warm and "`mmzoo.training.warm_start`" in warm
    assert bench.training_text(bench.parse_args(["--from-scratch"]), warm=True) == (
        "Every model trains from fresh weights for 5 epoch(s).")
    assert bench.training_text(bench.parse_args([]), warm=False).startswith("Every model trains from fresh")


def test_quick_settings_parse():
    args = bench.parse_args(["--seeds", "4", "--epochs", "1", "--train-size", "2000", "--holdout", "recording",
                             "--models", "image only", "concat", "--no-reference", "--no-balance"])
    assert args.seeds == [4] and args.epochs == 1 and args.train_size == 2000
    assert args.holdout == "recording" and args.models == ["image only", "concat"]
    assert not args.reference and not args.balance
    assert args.out == bench.RESULTS_BY_HOLDOUT["recording"] != bench.RESULTS


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--seeds"], "argument --seeds: expected at least one argument"),
        (["--seeds", "x"], "argument --seeds: must be a non-negative integer. Received: 'x'"),
        (["--seeds", "-1"], "argument --seeds: must be a non-negative integer. Received: '-1'"),
        (["--seeds", "1", "1"], "argument --seeds: values must be distinct. Received repeated: 1"),
        (["--epochs", "0"], "argument --epochs: must be a positive integer. Received: '0'"),
        (["--train-size", "0"], "argument --train-size: must be a positive integer. Received: '0'"),
        (["--models", "fancy"], "argument --models: invalid choice: 'fancy'"),
        (["--models", "late", "late"], "argument --models: values must be distinct. Received repeated: late"),
        (["--holdout", "digit"], "argument --holdout: invalid choice: 'digit'"),
    ],
)
def test_bad_arguments_end_with_a_message_naming_the_argument(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.parse_args(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_table_gives_mean_std_the_reference_the_difference_and_every_seed():
    rows = {"image only": _runs([0.60, 0.62, 0.64], parameters=105866), "late": _runs([0.70, 0.72, 0.74])}
    lines = bench.table(rows, {"late": _runs([0.69, 0.71])}).splitlines()
    assert lines[0].startswith("| model | modalities | mmzoo test accuracy (mean ± std) |")
    assert lines[2] == ("| image only | image | 62.0% ± 2.0 | 61.0% ± 2.0 |  |  | 65-75% | 105,866 | 10 "
                        "| 60.0, 62.0, 64.0 |")
    assert lines[3].startswith("| late | image + audio | 72.0% ± 2.0 | 71.0% ± 2.0 | 70.0% ± 1.4 | +2.0 |")
    assert "above the best single modality" in lines[3]


def test_table_of_one_seed_has_no_standard_deviation():
    assert "| audio only | audio | 50.0% | 49.0% |  |  | 40-66% |" in bench.table({"audio only": _runs([0.5])})


def test_verdict_compares_the_best_fusion_with_the_best_single_modality():
    rows = {"image only": _runs([0.60, 0.62]), "audio only": _runs([0.50]), "concat": _runs([0.66, 0.68]),
            "tensor": _runs([0.64])}
    assert bench.verdict(rows) == ("By mean test accuracy, the best fusion, concat (67.0%), beats the best "
                                   "single modality, image only (61.0%): +6.0 points.")
    rows["image only"] = _runs([0.70])
    assert "concat (67.0%), does not beat the best single modality, image only (70.0%): -3.0 points" in (
        bench.verdict(rows))


def test_verdict_says_where_mmzoo_is_below_the_reference():
    rows = {"image only": _runs([0.60]), "concat": _runs([0.66])}
    assert bench.verdict(rows, {"concat": _runs([0.65])}).endswith("on every model both have.")
    assert bench.verdict(rows, {"concat": _runs([0.67]), "image only": _runs([0.5])}).endswith(
        "below the plain-Keras reference on: concat.")


def test_verdict_needs_both_kinds_of_model():
    assert bench.verdict({"concat": _runs([0.7])}).startswith("No comparison")


def test_targets_are_met_or_missed_with_their_figures():
    rows = {"image only": _runs([0.60]), "audio only": _runs([0.66]), "concat": _runs([0.90]),
            "late": _runs([0.80]), bench.WITH_AUXILIARY: _runs([0.99])}
    lines = bench.targets(rows, {"concat": _runs([0.88])}).splitlines()
    assert lines == [
        "- met: audio only >= 65% (66.0%)",
        "- met: concat >= plain-Keras concat (90.0% vs 88.0%)",
        "- met: best fusion >= 89% (concat 90.0%)",
        "- MISSED: every fusion >= best single modality + 15 points (lowest: late 80.0% vs 81.0%)",
    ]


def _digits_of_four_coefficients(count, seed):
    """Images made of 4 random components, their coefficients centred on the digit's, and noise for audio."""
    rng = np.random.default_rng(seed)
    components = np.random.default_rng(99).normal(size=(4, 784))
    labels = rng.integers(0, 10, count)
    codes = np.random.default_rng(98).normal(size=(10, 4))[labels] * 2 + rng.normal(size=(count, 4))
    images = (codes @ components).reshape(count, 28, 28, 1).astype("float32")
    return {"image": images, "audio": rng.normal(size=(count, 8, 8)).astype("float32")}, labels


def _audio_only(probabilities):
    """A stand-in for the Result of "audio only" whose model predicts the given probabilities."""
    return types.SimpleNamespace(model=types.SimpleNamespace(predict=lambda inputs, **kwargs: probabilities))


def test_fusion_ceiling_multiplies_the_best_image_probabilities_with_the_audio_model():
    train, test = _digits_of_four_coefficients(2000, 0), _digits_of_four_coefficients(500, 1)
    uninformative = bench.fusion_ceiling(train, test, _audio_only(np.full((500, 10), 0.1)))
    assert uninformative["k"] in bench.NEIGHBOURS
    assert 0.5 < uninformative["image classifier"] < 0.99          # the digits overlap: not every image is clear
    assert uninformative["ceiling"] == pytest.approx(uninformative["image classifier"], abs=0.02)
    certain = bench.fusion_ceiling(train, test, _audio_only(np.eye(10)[test[1]]))
    assert certain["ceiling"] == 1.0


def test_ceiling_text_sets_the_estimate_beside_the_models_and_the_margin_target():
    rows = {"image only": _runs([0.60, 0.62]), "audio only": _runs([0.74, 0.76]), "concat": _runs([0.88, 0.90]),
            "late": _runs([0.86, 0.88]), bench.WITH_AUXILIARY: _runs([0.99, 0.99]),
            bench.PRODUCT_OF_EXPERTS: _runs([0.89, 0.89])}
    ceilings = [{"image classifier": 0.61, "k": 200, "ceiling": 0.89}, {"image classifier": 0.63, "k": 100,
                                                                          "ceiling": 0.91}]
    text = bench.ceiling_text(rows, {"audio only": _runs([0.6]), "concat": _runs([0.8])}, ceilings)
    assert "| nearest neighbours on the image's PCA coefficients (k = 200, 100) | 62.0% ± 1.4 |" in text
    assert "| nearest neighbours x audio only: the estimate | 90.0% ± 1.4 |" in text
    assert "| fusions, lowest (late) and highest (concat) | 87.0% and 89.0% |" in text
    assert "| best single modality + 15 points (the margin target) | 90.0% |" in text
    assert "plain Keras +20.0 points (audio only 60.0%), mmzoo +14.0 (audio only 75.0%)" in text
    assert "Concat above" not in bench.ceiling_text(rows, {}, ceilings)


def test_balance_table_averages_the_probes_over_the_seeds():
    reports = [ModalityBalance({"image": 0.6, "audio": 0.5}, {"image": 0.62, "audio": 0.66}),
               ModalityBalance({"image": 0.62, "audio": 0.54}, {"image": 0.6, "audio": 0.64})]
    lines = bench.balance_table({"concat": reports}).splitlines()
    assert lines[2] == "| concat | image | 61.0% ± 1.4 | 61.0% ± 1.4 | +0.0 |"
    assert lines[3] == "| concat | audio | 52.0% ± 2.8 | 65.0% ± 1.4 | -13.0 |"


@pytest.mark.slow
def test_the_recipe_reaches_its_floor_on_the_held_out_speaker_beside_plain_keras(av_mnist_trained_once):
    train, test = bench.load_data("speaker")
    rows, reference, _, ceilings = bench.run(train, test, models=("image only", "audio only", "concat"),
                                             seeds=(0,), epochs=5, balance=False, report=lambda line: None)
    accuracy = {name: runs[0]["accuracy"] for name, runs in rows.items()}
    assert accuracy["concat"] >= 0.86
    assert accuracy["audio only"] >= 0.6 and accuracy["image only"] > 0.5
    assert accuracy["concat"] > max(accuracy["image only"], accuracy["audio only"]) + 0.10
    assert accuracy["product of experts"] >= accuracy["concat"] - 0.01
    assert accuracy["concat"] >= reference["concat"][0]["accuracy"] - 0.01
    assert "beats the best single modality" in bench.verdict(rows)
    # an image holds 4 PCA coefficients: a nearest-neighbour classifier on them does no better than image only
    assert abs(ceilings[0]["image classifier"] - accuracy["image only"]) < 0.03
    assert ceilings[0]["ceiling"] > accuracy["audio only"] + 0.10
