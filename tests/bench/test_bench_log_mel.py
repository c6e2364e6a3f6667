"""`bench/log_mel_throughput.py`: its command line, its methods agree with librosa, its table."""

import numpy as np
import pytest

import log_mel_throughput as bench


def test_defaults():
    args = bench.parse_args([])
    assert args.clips == 1000 and args.repeats == 15 and args.batch_sizes == [1, 64] and args.out == bench.RESULTS


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--clips", "0"], "argument --clips: must be a positive integer. Received: '0'"),
        (["--repeats", "many"], "argument --repeats: must be a positive integer. Received: 'many'"),
        (["--batch-sizes"], "argument --batch-sizes: expected at least one argument"),
        (["--batch-sizes", "8", "8"], "argument --batch-sizes: values must be distinct. Received repeated: 8"),
    ],
)
def test_bad_arguments_end_with_a_message_naming_the_argument(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.parse_args(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_load_clips_names_a_folder_without_recordings(tmp_path):
    with pytest.raises(FileNotFoundError, match="No recording in .*fsdd/recordings"):
        bench.load_clips(tmp_path, 4)


def test_load_clips_rejects_more_clips_than_recordings(tmp_path):
    folder = tmp_path / "fsdd" / "recordings"
    folder.mkdir(parents=True)
    (folder / "0_a_0.wav").touch()
    with pytest.raises(ValueError, match="at most the 1 recordings. Received: clips=2"):
        bench.load_clips(tmp_path, 2)


def test_every_method_computes_the_librosa_spectrogram():
    clips = np.random.default_rng(0).normal(0, 0.1, (5, 800)).astype(np.float32)
    outputs = {name: method(clips) for name, method in bench.methods([1, 2], samples=800).items()}
    assert list(outputs) == ["librosa", "in-graph, batch 1", "in-graph, batch 2"]
    assert [len(output) for output in outputs.values()] == [5, 5, 3]
    for output in outputs.values():
        assert bench.parity_error(output, outputs["librosa"]) < 0.01


def test_measure_rotates_the_methods_and_returns_one_speed_per_repetition():
    calls = []
    functions = {name: (lambda clips, name=name: calls.append(name) or [clips]) for name in ("a", "b", "c")}
    speeds, outputs = bench.measure(functions, np.zeros((4, 2)), repeats=3)
    assert calls == ["a", "b", "c", "a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert {name: len(values) for name, values in speeds.items()} == {"a": 3, "b": 3, "c": 3}
    assert all(value > 0 for values in speeds.values() for value in values)
    assert list(outputs) == ["a", "b", "c"]


def test_table_gives_medians_ratios_and_parity():
    speeds = {"librosa": [100.0, 200.0, 300.0], "in-graph, batch 1": [300.0, 400.0, 900.0]}
    lines = bench.table(speeds, {"in-graph, batch 1": 5e-4}).splitlines()
    assert lines[2] == "| librosa | 200 | 100-300 | 1.00x | reference |"
    assert lines[3] == "| in-graph, batch 1 | 400 | 300-900 | 3.00x | 5.0e-04 |"
