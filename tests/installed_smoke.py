"""Checks an installed mmzoo from outside the repository: bundled data, noise, every fusion, saving, plots.

Run it with the Python of the environment to check, from any folder:

    python /path/to/tests/installed_smoke.py [--readme README.md] [--cli] [--out DIR]

It prints where mmzoo was imported from and the versions it ran with, then:
loads AV-MNIST's test split from the package data, mixes the bundled
background noise into its spectrograms, trains every fusion for one epoch on
generated data, saves each model as `.keras` and reloads it with
`safe_mode=True` (same predictions), evaluates and plots one of them; with
`--readme`, runs the README's ten-line example shrunk to one epoch; with
`--cli`, runs the `mmzoo` command installed next to this Python: `--version`,
`list`, then `train concat` on generated data for one epoch, `evaluate` and
`export --format tflite-int8`.
`tests/test_wheel.py` runs it in a fresh virtual environment on a wheel;
the oldest dependencies the package claims were checked with it too.
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import time


def readme_example(readme):
    """Returns the README's ten-line example (the first python block after "## Ten lines"), at one epoch."""
    text = pathlib.Path(readme).read_text(encoding="utf-8")
    section = text.split("## Ten lines", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shrunk = re.sub(r"epochs=\d+", "epochs=1", code)
    if shrunk == code:
        raise SystemExit("the README's ten-line example has no `epochs=` to shrink")
    return shrunk


def run_command(*arguments):
    """Runs the `mmzoo` command of this Python's environment; returns its stdout, raising on failure."""
    command = pathlib.Path(sys.executable).with_name("mmzoo")
    process = subprocess.run([str(command), *map(str, arguments)], capture_output=True, text=True, timeout=900)
    if process.returncode != 0:
        raise SystemExit(f"`mmzoo {' '.join(map(str, arguments))}` failed ({process.returncode}):\n{process.stderr}")
    return process.stdout


def cli_round_trip(out):
    """Runs `mmzoo --version`, `list`, `train`, `evaluate` and `export` in `out`."""
    import mmzoo

    assert run_command("--version").strip() == f"mmzoo {mmzoo.__version__}"
    assert "concat" in run_command("list")
    run_command("train", "concat", "--data", "synthetic", "--epochs", 1, "--out", out / "cli-concat")
    run_command("evaluate", out / "cli-concat" / "model.keras", "--data", "synthetic")
    run_command("export", out / "cli-concat" / "model.keras", "--format", "tflite-int8", "--data", "synthetic",
                "--out", out / "cli-concat.tflite")
    size = (out / "cli-concat.tflite").stat().st_size
    print(f"mmzoo --version, list, train, evaluate, export: ok (tflite-int8 {size / 1e3:.0f} kB)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", help="README.md whose ten-line example to run at one epoch")
    parser.add_argument("--cli", action="store_true", help="also run the mmzoo command: train, evaluate, export")
    parser.add_argument("--out", help="folder for the saved models and plots (default: a temporary folder)")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    import keras
    import numpy as np
    import tensorflow as tf

    import mmzoo
    from mmzoo import branches, heads, plots, robustness
    from mmzoo.datasets import load, synthetic

    print(json.dumps({"mmzoo": mmzoo.__version__, "file": mmzoo.__file__, "keras": keras.__version__,
                      "tensorflow": tf.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}))

    inputs, labels = load("av_mnist", split="test", as_dataset=False)
    assert inputs["image"].shape == (len(labels), 28, 28, 1) and set(np.unique(labels)) == set(range(10))
    print(f"av_mnist test split: {len(labels)} pairs, audio {inputs['audio'].shape[1:]}")

    clean = inputs["audio"][:32]
    noisy = robustness.corrupt(clean, modality="audio", noise="background_noise", level=0.5, seed=0)
    assert noisy.shape == clean.shape and noisy.dtype == clean.dtype and not np.array_equal(noisy, clean)
    print(f"background_noise at level 0.5: mean change {np.abs(noisy - clean).mean():.3f}")

    out = pathlib.Path(args.out or tempfile.mkdtemp(prefix="mmzoo-smoke-"))
    out.mkdir(parents=True, exist_ok=True)
    data, targets = synthetic.generate(256, task="image+text+audio", image_size=16, seed=0)
    for name in mmzoo.fusion.available():
        keras.utils.set_random_seed(0)
        model = mmzoo.build_model(
            branches={"image": branches.conv2d(input_shape=(16, 16, 1), filters=(4,), units=8),
                      "text": branches.lstm(vocab_size=len(synthetic.VOCABULARY), sequence_length=8, units=8),
                      "audio": branches.dense(input_dim=64, hidden_units=(8,))},
            fusion=name, head=heads.multiclass(2))
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(data, targets, epochs=1, batch_size=64, verbose=0)
        path = out / f"{name}.keras"
        model.save(path)
        reloaded = keras.saving.load_model(path, safe_mode=True)
        np.testing.assert_allclose(reloaded.predict(data, verbose=0), model.predict(data, verbose=0), atol=1e-5)
        print(f"fusion {name}: fit 1 epoch, saved and reloaded ({path.stat().st_size / 1e3:.0f} kB)")
    report = mmzoo.evaluation.evaluate(model, (data, targets))
    plots.training_curves(history, path=out / "training_curves.png")
    plots.confusion_matrix(report, path=out / "confusion_matrix.png")
    print(f"evaluate and plots: {sorted(p.name for p in out.glob('*.png'))}")

    if args.readme:
        namespace = {}
        exec(compile(readme_example(args.readme), "README ten lines", "exec"), namespace)  # noqa: S102
        print(f"README ten-line example at 1 epoch: {namespace['model'].count_params()} parameters")
    if args.cli:
        cli_round_trip(out)
    print(f"smoke passed in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
