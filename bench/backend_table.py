"""Which mmzoo features run on which Keras backend: every cell measured, none written by hand.

Runs each feature in a fresh process per backend (`KERAS_BACKEND` is read
once, when Keras is imported), TensorFlow first, and writes the feature x
backend table to `bench/results/backends.md` (and, with `--readme`, between
the markers of the README's table):

    python bench/backend_table.py            # every feature, every installed backend
    python bench/backend_table.py --readme   # ... and refreshes the README's table

A cell reads "yes" when the feature ran and its check passed (the check is
in the feature's function below: predictions equal after a reload, weights
changed by training, parity with librosa, ...), "no: MmzooError" when
mmzoo refuses it up front with an error naming the backend (what is
TensorFlow by nature), "fails: ..." for anything else, and "not installed"
for a backend whose package is missing. One run of every feature takes a
few minutes on two CPU cores.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import traceback

BACKENDS = ("tensorflow", "jax", "torch")
BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
RESULTS = pathlib.Path(__file__).with_name("results") / "backends.md"
README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
TABLE_START = "<!-- backend table: bench/backend_table.py -->"
TABLE_END = "<!-- end of backend table -->"


# ---------------------------------------------------------------- features (run inside one backend's process)

def _synthetic(samples=64):
    from mmzoo.datasets import synthetic

    return synthetic.generate(samples, task="image+audio", image_size=16, audio_dim=16, seed=3,
                              modalities=("image", "audio"))


def _small_model(frozen_image=False):
    import mmzoo
    from mmzoo import branches, heads

    image = branches.conv2d(input_shape=(16, 16, 1), filters=(4,), units=8)
    if frozen_image:
        image.trainable = False
    return mmzoo.build_model({"image": image, "audio": branches.dense(input_dim=16, hidden_units=(8,))},
                             fusion="concat", head=heads.multiclass(4))


def _check_same(expected, received, what):
    import numpy as np

    np.testing.assert_allclose(received, expected, rtol=1e-5, atol=1e-5, err_msg=what)


def fit_save_reload(workdir, backend):
    """`training.fit` two epochs, save `.keras`, reload with safe_mode=True: identical predictions."""
    import keras
    import numpy as np

    import mmzoo.training

    inputs, labels = _synthetic()
    model, history = mmzoo.training.fit(lambda: _small_model(), (inputs, labels), epochs=2, batch_size=16,
                                        verbose=0)
    losses = history.history["loss"]
    assert np.isfinite(losses).all(), losses
    predictions = model.predict(inputs, verbose=0)
    path = workdir / f"{backend}.keras"
    model.save(path)
    np.savez(workdir / f"{backend}.npz", predictions=predictions, **inputs)
    _check_same(predictions, keras.saving.load_model(path, safe_mode=True).predict(inputs, verbose=0), "reload")


def loads_other_backends(workdir, backend):
    """`export.load_keras` of every `.keras` saved by `fit_save_reload` on the others: same predictions, trains on."""
    import warnings

    import numpy as np

    from mmzoo import export

    others = [other for other in BACKENDS if other != backend and (workdir / f"{other}.keras").exists()]
    assert others, "no model saved on another backend"
    for other in others:
        arrays = np.load(workdir / f"{other}.npz")
        inputs = {"image": arrays["image"], "audio": arrays["audio"]}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a PyTorch optimizer is compiled again as this backend's
            model, _ = export.load_keras(workdir / f"{other}.keras")
        _check_same(arrays["predictions"], model.predict(inputs, verbose=0), f"saved on {other}")
        loss = model.train_on_batch(inputs, np.argmax(arrays["predictions"], axis=-1), return_dict=True)["loss"]
        assert np.isfinite(loss), (other, loss)


def log_mel_layer(workdir, backend):
    """`LogMelSpectrogram` inside a model: backend tensors out, within 0.01 dB of librosa; saved and reloaded."""
    import keras
    import numpy as np

    from mmzoo.preprocessing.audio import log_mel_spectrogram
    from mmzoo.preprocessing.spectrogram import LogMelSpectrogram

    waveforms = np.random.default_rng(0).normal(scale=0.3, size=(2, 4000)).astype("float32")
    settings = {"sample_rate": 8000, "n_fft": 256, "hop_length": 80, "n_mels": 20}
    layer = LogMelSpectrogram(**settings)
    eager = layer(keras.ops.convert_to_tensor(waveforms))
    assert type(eager).__module__.split(".")[0] in {"tensorflow": ("tensorflow",), "jax": ("jax", "jaxlib"),
                                                    "torch": ("torch",)}[backend], type(eager)
    inputs = keras.Input((4000,), name="audio")
    model = keras.Model(inputs, layer(inputs))
    features = model.predict(waveforms, verbose=0)
    reference = np.stack([log_mel_spectrogram(waveform, **settings) for waveform in waveforms])
    assert np.abs(features - reference).max() < 0.01, np.abs(features - reference).max()
    path = workdir / f"log_mel_{backend}.keras"
    model.save(path)
    _check_same(features, keras.saving.load_model(path, safe_mode=True).predict(waveforms, verbose=0), "reload")


def conditional_gan(workdir, backend):
    """The zoo's `ConditionalGAN` trains with `fit`: both networks' weights move, losses finite."""
    import numpy as np

    from mmzoo.zoo import gan

    model = gan.conditional_gan(image_shape=(8, 8, 1), condition_dim=4, latent_dim=8, hidden_units=(16, 16))
    model.compile()
    images = np.random.default_rng(0).uniform(size=(64, 8, 8, 1)).astype("float32")
    conditions = np.eye(4, dtype="float32")[np.arange(64) % 4]
    before = [np.array(w) for w in model.generator.weights + model.discriminator.weights]
    history = model.fit(images, conditions, batch_size=16, epochs=1, verbose=0)
    after = [np.array(w) for w in model.generator.weights + model.discriminator.weights]
    assert all(np.isfinite(history.history[key]).all() for key in ("d_loss", "g_loss")), history.history
    assert not np.allclose(before[0], after[0]), "the generator did not train"
    assert not np.allclose(before[-2], after[-2]), "the discriminator did not train"


def cache_frozen(workdir, backend):
    """`training.fit(cache_frozen=True)` trains the same network as training on raw inputs."""
    import numpy as np

    import mmzoo.training

    inputs, labels = _synthetic()
    runs = {}
    for cache in (False, True):
        model, history = mmzoo.training.fit(lambda: _small_model(frozen_image=True), (inputs, labels), epochs=2,
                                            batch_size=16, seed=2, cache_frozen=cache, shuffle=False, verbose=0)
        runs[cache] = history.history["loss"], model.predict(inputs, verbose=0)
    np.testing.assert_allclose(runs[True][0], runs[False][0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(runs[True][1], runs[False][1], rtol=1e-4, atol=1e-5)


def evaluate(workdir, backend):
    """`evaluation.evaluate` on a `tf.data` dataset: the accuracy agrees with the predictions."""
    import numpy as np
    import tensorflow as tf

    import mmzoo.evaluation
    import mmzoo.training

    inputs, labels = _synthetic()
    model = _small_model()
    mmzoo.training.compile(model)
    report = mmzoo.evaluation.evaluate(model, tf.data.Dataset.from_tensor_slices((inputs, labels)).batch(16))
    expected = np.mean(model.predict(inputs, verbose=0).argmax(-1) == labels)
    assert abs(report["label"].accuracy - expected) < 1e-9, (report["label"].accuracy, expected)


def dual_encoder_search(workdir, backend):
    """`retrieval.dual_encoder`, each loss: `model.fit` on pairs lowers the loss; a reload searches the same.

    The reload is of the `.keras` file, with safe_mode=True; the search is of
    an index of the images by the clips, top 3: the same ids and scores.
    """
    import keras
    import numpy as np

    from mmzoo import branches, retrieval

    inputs, _ = _synthetic(128)
    for loss in ("softmax", "sigmoid"):
        keras.utils.set_random_seed(0)
        model = retrieval.dual_encoder({"image": branches.conv2d(input_shape=(16, 16, 1), filters=(4,), units=8),
                                        "audio": branches.dense(input_dim=16, hidden_units=(8,))},
                                       embedding_dim=8, loss=loss)
        model.compile(optimizer=keras.optimizers.Adam(3e-3))
        losses = model.fit(inputs, epochs=4, batch_size=32, verbose=0).history["loss"]
        assert np.isfinite(losses).all() and losses[-1] < losses[0], (loss, losses)
        path = workdir / f"dual_encoder_{loss}_{backend}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
        index = retrieval.build_index(model, inputs, "image")
        found = [retrieval.search(each, index, inputs["audio"], "audio", k=3) for each in (model, loaded)]
        np.testing.assert_array_equal(found[1][0], found[0][0], err_msg=f"{loss}: ids after a reload")
        _check_same(found[0][1], found[1][1], f"{loss}: scores after a reload")


def mirrored_strategy(workdir, backend):
    """`training.fit(strategy="mirrored")` on 2 CPU devices: the weights live on both, the loss is finite.

    The worker process splits the CPU in two devices first (`XLA_FLAGS` for
    JAX, logical devices for TensorFlow).
    """
    import numpy as np

    import mmzoo.training

    inputs, labels = _synthetic()
    model, history = mmzoo.training.fit(lambda: _small_model(), (inputs, labels), epochs=1, batch_size=16,
                                        strategy="mirrored", verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    if backend == "jax":
        devices = model.trainable_variables[0].value.sharding.device_set
    else:
        devices = model.trainable_variables[0].value.values
    assert len(devices) == 2, devices


def saved_model_export(workdir, backend):
    """`export.export_saved_model`: a SavedModel folder that TensorFlow loads and serves."""
    from mmzoo import export

    path = export.export_saved_model(_small_model(), workdir / f"saved_model_{backend}")
    assert (pathlib.Path(path) / "saved_model.pb").exists()


def tflite_export(workdir, backend):
    """`export.export_tflite` (float32): a `.tflite` whose predictions match the model's."""
    import numpy as np

    from mmzoo import export

    inputs, _ = _synthetic(8)
    model = _small_model()
    path = export.export_tflite(model, workdir / f"model_{backend}.tflite")
    predicted = export.TFLitePredictor(path).predict(inputs)
    np.testing.assert_allclose(predicted["label"] if isinstance(predicted, dict) else predicted,
                               model.predict(inputs, verbose=0), rtol=1e-4, atol=1e-5)


def cli_list(workdir, backend):
    """`mmzoo list` in a fresh process: exits 0 and lists the zoo."""
    result = subprocess.run([sys.executable, "-m", "mmzoo", "list"], capture_output=True, text=True,
                            env={**os.environ, "KERAS_BACKEND": backend}, timeout=600)
    assert result.returncode == 0, (result.returncode, result.stderr[-500:])
    assert "conditional_gan" in result.stdout, result.stdout[-500:]


def cli_train(workdir, backend):
    """`mmzoo train concat --data synthetic` in a fresh process: writes `model.keras`."""
    out = workdir / f"train_{backend}"
    result = subprocess.run([sys.executable, "-m", "mmzoo", "train", "concat", "--data", "synthetic", "--epochs",
                             "1", "--out", str(out)], capture_output=True, text=True,
                            env={**os.environ, "KERAS_BACKEND": backend}, timeout=1200)
    assert result.returncode == 0, (result.returncode, result.stderr[-800:])
    assert (out / "model.keras").exists(), sorted(os.listdir(out))


FEATURES = {
    "build, `training.fit`, save and reload `.keras`": fit_save_reload,
    "`export.load_keras` of a `.keras` saved on another backend": loads_other_backends,
    "`LogMelSpectrogram` layer (librosa parity)": log_mel_layer,
    "zoo `ConditionalGAN` trains": conditional_gan,
    "`fit(cache_frozen=True)`": cache_frozen,
    "`evaluation.evaluate`": evaluate,
    "`retrieval.dual_encoder` (softmax and sigmoid losses) trains, reloads, searches": dual_encoder_search,
    "`fit(strategy=\"mirrored\")`": mirrored_strategy,
    "SavedModel export": saved_model_export,
    "TFLite export": tflite_export,
    "`mmzoo list`": cli_list,
    "`mmzoo train concat --data synthetic`": cli_train,
}
"""Row label -> function(workdir, backend): raises when the feature does not work."""
QUICK = ("fit_save_reload", "log_mel_layer", "conditional_gan", "cache_frozen", "evaluate", "dual_encoder_search")
"""The features of `--quick`: the library's backend-neutral core, in one process per backend."""


def run_features(names, workdir, backend):
    """Runs the named features in this process; returns `{function name: cell text}`."""
    from mmzoo.errors import MmzooError

    functions = {function.__name__: function for function in FEATURES.values()}
    cells = {}
    for name in names:
        try:
            functions[name](pathlib.Path(workdir), backend)
            cells[name] = "yes"
        except MmzooError as error:
            named = BACKEND_NAMES[backend] in str(error) or backend in str(error)
            cells[name] = f"no: {type(error).__name__}" if named else f"fails: {type(error).__name__}: {error}"
        except Exception as error:  # noqa: BLE001 - the cell records what went wrong
            traceback.print_exc()
            cells[name] = f"fails: {type(error).__name__}: {' '.join(str(error).split())[:200]}"
    return cells


def installed(backend):
    """Whether the backend's package can be imported (checked without importing it)."""
    import importlib.util

    return importlib.util.find_spec(backend) is not None


def measure(backend, names, workdir):
    """Runs features in a fresh process on `backend`; returns `{function name: cell text}`."""
    if not installed(backend):
        return {name: "not installed" for name in names}
    command = [sys.executable, __file__, "--worker", backend, "--workdir", str(workdir), "--features", *names]
    environment = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3",
                   "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=3600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        detail = " ".join(result.stderr.split()[-30:])
        return {name: f"fails: process exit {result.returncode}: {detail[:200]}" for name in names}
    return json.loads(lines[-1])


def measure_all(backends=BACKENDS, names=None):
    """Measures every feature on every backend; returns `{function name: {backend: cell}}`.

    TensorFlow runs first and, after the others saved their models, once
    more for the cross-backend load alone.
    """
    names = list(names or [function.__name__ for function in FEATURES.values()])
    table = {name: {} for name in names}
    with tempfile.TemporaryDirectory() as workdir:
        for backend in backends:
            first = [name for name in names if not (backend == "tensorflow" and name == "loads_other_backends")]
            for name, cell in measure(backend, first, workdir).items():
                table[name][backend] = cell
        if "tensorflow" in backends and "loads_other_backends" in names:
            table["loads_other_backends"]["tensorflow"] = measure(
                "tensorflow", ["loads_other_backends"], workdir)["loads_other_backends"]
    return table


def markdown(table, backends=BACKENDS):
    """The table as Markdown: one row per feature, one column per backend."""
    labels = {function.__name__: label for label, function in FEATURES.items()}
    lines = ["| Feature | " + " | ".join(BACKEND_NAMES[backend] for backend in backends) + " |",
             "|---|" + "---|" * len(backends)]
    for name, cells in table.items():
        lines.append(f"| {labels[name]} | " + " | ".join(cells[backend] for backend in backends) + " |")
    return "\n".join(lines)


def readme_table(text):
    """The table between the README's markers (without them)."""
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    return text[start:end].strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--features", nargs="+", help="function names of the features to run (default: all)")
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--readme", action="store_true", help="also write the table into README.md")
    arguments = parser.parse_args()
    if arguments.worker:
        import keras  # first: importing TensorFlow before Keras crashes the torch backend
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

        assert keras.backend.backend() == arguments.worker, keras.backend.backend()
        print(json.dumps(run_features(arguments.features, arguments.workdir, arguments.worker)), flush=True)
        return
    names = arguments.features or (QUICK if arguments.quick else None)
    started = time.perf_counter()
    table = markdown(measure_all(arguments.backends, names), arguments.backends)
    print(table)
    print(f"({time.perf_counter() - started:.0f} s)")
    if names is None and arguments.backends == list(BACKENDS):
        from bench_common import write_results

        write_results(RESULTS, f"# mmzoo features per Keras backend\n\nWritten by `python bench/backend_table.py`.\n\n{table}\n")
        if arguments.readme:
            text = README.read_text(encoding="utf-8")
            start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
            README.write_text(text[:start] + "\n\n" + table + "\n\n" + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
