from mmzoo.examples import quickstart


def test_quickstart_uses_all_three_modalities(capsys):
    accuracy = quickstart.main(["--epochs", "8", "--train-samples", "2500", "--seed", "1"])
    assert accuracy > 0.85
    assert "test accuracy" in capsys.readouterr().out
