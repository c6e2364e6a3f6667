"""The bad-input matrix: every public function and subcommand, given bad input, fails clearly and writes nothing.

`MATRIX` maps each public callable (by its public dotted name) or `mmzoo`
subcommand to its cases. Each case asserts:

* the error is an `mmzoo.MmzooError` of the expected type (a subcommand: a
  non-zero exit with one `mmzoo: error:` line);
* the message names the argument and the received value;
* nothing was written: the test runs in an empty folder (also the working
  directory), which is unchanged afterwards, files made by the case's setup
  aside.

`test_every_public_callable_has_a_case` lists the public API (`__all__` of
each subpackage, or the public callables a module defines when it has no
`__all__`) and the subcommands, and fails on one with neither a case nor an
entry in `EXEMPT`. A new public function gets its cases here: add a key to
`MATRIX`.
"""

import argparse
import collections
import contextlib
import importlib
import inspect
import io
import os
import pathlib
import zipfile

import numpy as np
import pandas as pd
import pytest

import mmzoo
from mmzoo import ArgumentTypeError as TypeErr
from mmzoo import ConfigurationError as ValueErr
from mmzoo import DamagedFileError as Damaged

Case = collections.namedtuple("Case", "id call error argument received setup", defaults=(None,))
"""`call(ctx)` makes the bad call; `argument` and `received` must appear in the message; `setup(tmp)`
writes input files before the snapshot and returns a dict put on `ctx.files`."""

mmzoo.load()
import keras  # noqa: E402
from mmzoo import branches, datasets, evaluation, export, fusion, heads, layers, plots  # noqa: E402
from mmzoo import preprocessing, retrieval, robustness, training, zoo  # noqa: E402
cli_main = importlib.import_module("mmzoo.cli.main")


def _write(name, content):
    def setup(tmp):
        path = tmp / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return {name: str(path)}
    return setup


def _truncated_keras(tmp):
    model = _tiny_model()
    path = tmp / "model.keras"
    model.save(path)
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    return {"model.keras": str(path)}


def _truncated_shard(tmp):
    directory = datasets.prepare(_frame(), tmp / "p", text="text", label="label", verbose=0)
    shard = next(directory.glob("shard-*.tfrecord"))
    shard.write_bytes(shard.read_bytes()[:-5])
    return {"p": str(directory)}


def _manifest(tmp):
    path = tmp / "m.csv"
    pd.DataFrame({"text": ["a b", "c d"], "label": [0, 1]}).to_csv(path, index=False)
    return {"m.csv": str(path)}


_MODEL = {}


def _tiny_model():
    if "model" not in _MODEL:
        _MODEL["model"] = mmzoo.build_model({"audio": branches.dense(input_dim=4, hidden_units=(4,))},
                                            head=heads.multiclass(3))
    return _MODEL["model"]


def _tiny_model_with(**branch):
    """A model like `_tiny_model` whose branch has other settings (e.g. another name or input size)."""
    settings = {"input_dim": 4, "hidden_units": (4,), "name": _tiny_model().layers[1].name, **branch}
    return mmzoo.build_model({"audio": branches.dense(**settings)}, head=heads.multiclass(3))


def _dual_encoder():
    """A tiny untrained dual encoder: "image" samples `(4,)`, "audio" samples `(3,)`."""
    if "dual_encoder" not in _MODEL:
        _MODEL["dual_encoder"] = retrieval.dual_encoder(
            {"image": branches.dense(input_dim=4, hidden_units=(4,), name="image_dense"),
             "audio": branches.dense(input_dim=3, hidden_units=(4,), name="audio_dense")}, embedding_dim=4)
    return _MODEL["dual_encoder"]


def _index():
    return retrieval.Index(modality="image").add(np.eye(4, dtype="float32"))


def _data(values=None, labels=None):
    inputs = np.random.default_rng(0).random((8, 4)).astype("float32")
    if values is not None:
        inputs[2, 1] = values
    return {"audio": inputs}, np.arange(8) % 3 if labels is None else labels


def _nan_data():
    return _data(np.nan)


def _frame():
    return pd.DataFrame({"text": ["a b", "c d", "e f"], "label": [0, 1, 0]})


NOT_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20

MATRIX = {
    # Compose.
    "mmzoo.build_model": [
        Case("branches not a dict", lambda c: mmzoo.build_model([1], head=heads.binary()), TypeErr, "branches", "list"),
        Case("unknown fusion", lambda c: mmzoo.build_model({"audio": branches.dense(4)}, fusion="sum",
                                                           head=heads.binary()), ValueErr, "fusion", "'sum'"),
        Case("modality_dropout out of range", lambda c: mmzoo.build_model(
            {"audio": branches.dense(4)}, head=heads.binary(), modality_dropout=1.5), ValueErr,
            "modality_dropout", "1.5"),
    ],
    "mmzoo.product_of_experts": [
        Case("models not a list", lambda c: mmzoo.product_of_experts(3), TypeErr, "models", "3"),
    ],
    "mmzoo.branches.vgg16": [
        Case("weights not a file", lambda c: branches.vgg16((32, 32, 3), weights="no.h5"), ValueErr, "weights",
             "'no.h5'"),
    ],
    "mmzoo.branches.conv2d": [
        Case("2-D input", lambda c: branches.conv2d(input_shape=(8, 8)), ValueErr, "input_shape", "(8, 8)"),
        Case("kernel_size zero", lambda c: branches.conv2d(kernel_size=0), ValueErr, "kernel_size", "0"),
    ],
    "mmzoo.branches.lstm": [
        Case("vocab_size string", lambda c: branches.lstm("10"), TypeErr, "vocab_size", "'10'"),
        Case("recurrent_dropout 1", lambda c: branches.lstm(10, recurrent_dropout=1.0), ValueErr,
             "recurrent_dropout", "1.0"),
    ],
    "mmzoo.branches.embedding": [
        Case("embedding_dim zero", lambda c: branches.embedding(10, embedding_dim=0), ValueErr, "embedding_dim", "0"),
    ],
    "mmzoo.branches.dense": [
        Case("input_dim negative", lambda c: branches.dense(input_dim=-1), ValueErr, "input_dim", "-1"),
        Case("batch_norm string", lambda c: branches.dense(batch_norm="yes"), TypeErr, "batch_norm", "'yes'"),
    ],
    "mmzoo.branches.audio_conv2d": [
        Case("1-D input", lambda c: branches.audio_conv2d(input_shape=(64,)), ValueErr, "input_shape", "(64,)"),
    ],
    "mmzoo.branches.application": [
        Case("unknown name", lambda c: branches.application("resnet9"), ValueErr, "name", "'resnet9'"),
        Case("unknown pooling", lambda c: branches.application("MobileNetV2", weights=None, pooling="mean"),
             ValueErr, "pooling", "'mean'"),
        Case("trainable string", lambda c: branches.application("MobileNetV2", weights=None, trainable="yes"),
             TypeErr, "trainable", "'yes'"),
    ],
    "mmzoo.branches.from_preset": [
        Case("missing folder", lambda c: branches.from_preset(str(c.tmp / "no_preset"), "image"), ValueErr,
             "preset", "no_preset'"),
        Case("unknown modality", lambda c: branches.from_preset("bert_tiny_en_uncased", "smell"), ValueErr,
             "modality", "'smell'"),
        Case("preset a number", lambda c: branches.from_preset(3, "image"), TypeErr, "preset", "3"),
    ],
    "mmzoo.branches.joint_similarity": [
        Case("missing folder", lambda c: branches.joint_similarity(str(c.tmp / "no_preset")), ValueErr,
             "preset", "no_preset'"),
        Case("preset a number", lambda c: branches.joint_similarity(3), TypeErr, "preset", "3"),
    ],
    "mmzoo.branches.for_input": [
        Case("unknown modality", lambda c: branches.for_input("smell", (4,)), ValueErr, "modality", "'smell'"),
    ],
    "mmzoo.fusion.WeightedFusion": [
        Case("units zero", lambda c: fusion.WeightedFusion(units=0), ValueErr, "units", "0"),
    ],
    "mmzoo.fusion.NonlinearFusion": [
        Case("normalize string", lambda c: fusion.NonlinearFusion(normalize="yes"), TypeErr, "normalize", "'yes'"),
    ],
    "mmzoo.fusion.DotGatedFusion": [
        Case("scaled string", lambda c: fusion.DotGatedFusion(scaled="no"), TypeErr, "scaled", "'no'"),
    ],
    "mmzoo.fusion.GatedMultimodalUnit": [
        Case("units string", lambda c: fusion.GatedMultimodalUnit(units="8"), TypeErr, "units", "'8'"),
    ],
    "mmzoo.fusion.AttentionFusion": [
        Case("key_dim zero", lambda c: fusion.AttentionFusion(key_dim=0), ValueErr, "key_dim", "0"),
        Case("unknown pooling", lambda c: fusion.AttentionFusion(pooling="mean"), ValueErr, "pooling", "'mean'"),
    ],
    "mmzoo.fusion.TensorFusion": [
        Case("max_output_dim zero", lambda c: fusion.TensorFusion(max_output_dim=0), ValueErr, "max_output_dim", "0"),
    ],
    "mmzoo.fusion.LateFusion": [
        Case("num_outputs zero", lambda c: fusion.LateFusion(num_outputs=0), ValueErr, "num_outputs", "0"),
    ],
    "mmzoo.fusion.get": [
        Case("unknown name", lambda c: fusion.get("sum"), ValueErr, "fusion", "'sum'"),
        Case("wrong type", lambda c: fusion.get(3), TypeErr, "fusion", "3"),
    ],
    "mmzoo.fusion.attention_scores": [
        Case("model without attention", lambda c: fusion.attention_scores(_tiny_model(), _data()[0]), ValueErr,
             "model", "'mmzoo_model'"),
    ],
    "mmzoo.heads.Head": [
        Case("unknown task", lambda c: heads.Head("smell", 2, "label"), ValueErr, "task", "'smell'"),
    ],
    "mmzoo.heads.MultitaskHead": [
        Case("tasks not a dict", lambda c: heads.MultitaskHead([1, 2]), TypeErr, "tasks", "[1, 2]"),
    ],
    "mmzoo.heads.binary": [
        Case("loss_weight negative", lambda c: heads.binary(loss_weight=-1), ValueErr, "loss_weight", "-1"),
    ],
    "mmzoo.heads.multiclass": [
        Case("one class", lambda c: heads.multiclass(1), ValueErr, "num_classes", "1"),
        Case("hidden_units with zero", lambda c: heads.multiclass(3, hidden_units=(0,)), ValueErr, "hidden_units",
             "(0,)"),
    ],
    "mmzoo.heads.multilabel": [
        Case("num_classes string", lambda c: heads.multilabel("3"), TypeErr, "num_classes", "'3'"),
    ],
    "mmzoo.heads.regression": [
        Case("num_outputs zero", lambda c: heads.regression(0), ValueErr, "num_outputs", "0"),
    ],
    "mmzoo.heads.multitask": [
        Case("duplicate names in a list", lambda c: heads.multitask([heads.multiclass(3), heads.multiclass(2)]),
             ValueErr, "tasks", "['label', 'label']"),
        Case("one task", lambda c: heads.multitask({"x": heads.binary()}), ValueErr, "tasks", "['x']"),
        Case("not heads", lambda c: heads.multitask({"x": 1, "y": 2}), TypeErr, "tasks", "{'x': 1, 'y': 2}"),
    ],
    "mmzoo.heads.predicted_classes": [
        Case("unknown task", lambda c: heads.predicted_classes(np.zeros((2, 2)), "smell"), ValueErr, "task",
             "'smell'"),
    ],
    "mmzoo.heads.heads_of": [
        Case("not a model", lambda c: heads.heads_of(3), TypeErr, "model", "3"),
    ],
    "mmzoo.heads.takes_labels": [
        Case("not a model", lambda c: heads.takes_labels(None), TypeErr, "model", "None"),
    ],
    "mmzoo.heads.prediction_layers": [
        Case("not a model", lambda c: heads.prediction_layers("m"), TypeErr, "model", "'m'"),
    ],
    "mmzoo.layers.BandMeanNormalization": [
        Case("time_axis 3", lambda c: layers.BandMeanNormalization(time_axis=3), ValueErr, "time_axis", "3"),
    ],
    "mmzoo.layers.masked_mean": [
        Case("tokens 2-D", lambda c: layers.masked_mean(np.zeros((2, 3)), np.ones((2, 3))), ValueErr, "tokens",
             "(2, 3)"),
    ],
    "mmzoo.layers.ApplicationPreprocessing": [
        Case("unknown application", lambda c: layers.ApplicationPreprocessing("resnet9"), ValueErr, "application",
             "'resnet9'"),
    ],
    "mmzoo.layers.ContrastiveLoss": [
        Case("temperature zero", lambda c: layers.ContrastiveLoss(temperature=0), ValueErr, "temperature", "0"),
        Case("num_classes string", lambda c: layers.ContrastiveLoss(num_classes="3"), TypeErr, "num_classes", "'3'"),
    ],
    "mmzoo.layers.PresetEncoder": [
        Case("encoder not a model", lambda c: layers.PresetEncoder(3), TypeErr, "encoder", "3"),
        Case("unknown pooling", lambda c: layers.PresetEncoder(_tiny_model(), pooling="mean"), ValueErr, "pooling",
             "'mean'"),
    ],
    "mmzoo.layers.TrainingOnly": [
        Case("layer a string", lambda c: layers.TrainingOnly("RandomFlip"), TypeErr, "layer", "'RandomFlip'"),
        Case("layer changes the shape", lambda c: layers.TrainingOnly(keras.layers.Dense(3))(np.zeros((2, 4, 4, 1))),
             ValueErr, "layer", "Dense"),
    ],
    "mmzoo.layers.ModalityDropout": [
        Case("rate 1", lambda c: layers.ModalityDropout(rate=1.0), ValueErr, "rate", "1.0"),
    ],
    "mmzoo.layers.TokenAndPositionEmbedding": [
        Case("sequence_length zero", lambda c: layers.TokenAndPositionEmbedding(10, 0, 4), ValueErr,
             "sequence_length", "0"),
    ],
    # Data.
    "mmzoo.datasets.load": [
        Case("unknown name", lambda c: datasets.load("mnist"), ValueErr, "name", "'mnist'"),
        Case("unknown split", lambda c: datasets.load("synthetic", split="dev"), ValueErr, "split", "'dev'"),
        Case("av_mnist path not npz", lambda c: datasets.load("av_mnist", path=c.files["x.npz"]), Damaged, "path",
             "x.npz", _write("x.npz", "hello")),
        Case("av_mnist npz of other arrays", lambda c: datasets.load("av_mnist", path=c.files["o.npz"]), Damaged,
             "path", "o.npz", lambda tmp: (np.savez(tmp / "o.npz", a=np.zeros(2)), {"o.npz": str(tmp / "o.npz")})[1]),
    ],
    "mmzoo.datasets.load_av_mnist": [
        Case("unknown holdout", lambda c: datasets.load_av_mnist(holdout="time"), ValueErr, "holdout", "'time'"),
        Case("truncated npz", lambda c: datasets.load_av_mnist(path=c.files["t.npz"]), Damaged, "path", "t.npz",
             _write("t.npz", b"PK\x03\x04" + b"\x00" * 30)),
    ],
    "mmzoo.datasets.hold_out_speaker": [
        Case("unknown speaker", lambda c: datasets.hold_out_speaker("bob"), ValueErr, "speaker", "'bob'"),
        Case("unknown holdout", lambda c: datasets.hold_out_speaker("lucas", holdout="time"), ValueErr, "holdout",
             "'time'"),
    ],
    "mmzoo.datasets.from_dataframe": [
        Case("mixed label types", lambda c: datasets.from_dataframe(
            pd.DataFrame({"text": ["a", "b", "c", "d"], "label": [1, "1", 2, "cat"]}), text="text", label="label"),
            ValueErr, "label", "'cat'"),
        Case("df not a DataFrame", lambda c: datasets.from_dataframe([1, 2], text="text"), TypeErr, "df", "[1, 2]"),
        Case("unknown column", lambda c: datasets.from_dataframe(_frame(), text="caption"), ValueErr, "text",
             "'caption'"),
        Case("unknown errors", lambda c: datasets.from_dataframe(_frame(), text="text", errors="ignore"), ValueErr,
             "errors", "'ignore'"),
        Case("image_size zero", lambda c: datasets.from_dataframe(_frame(), image="text", image_size=(0, 4)),
             ValueErr, "image_size", "(0, 4)"),
    ],
    "mmzoo.datasets.prepare": [
        Case("mixed label types", lambda c: datasets.prepare(
            pd.DataFrame({"text": ["a", "b"], "label": [1, "1"]}), c.tmp / "out", text="text", label="label"),
            ValueErr, "label", "'1'"),
        Case("rows_per_shard zero", lambda c: datasets.prepare(_frame(), c.tmp / "out", text="text",
                                                               rows_per_shard=0), ValueErr, "rows_per_shard", "0"),
    ],
    "mmzoo.datasets.from_prepared": [
        Case("not prepared", lambda c: datasets.from_prepared(c.tmp), ValueErr, "directory", "tmp"),
        Case("truncated shard", lambda c: datasets.from_prepared(c.files["p"]), Damaged, "directory", "shard-",
             _truncated_shard),
        Case("damaged metadata", lambda c: datasets.from_prepared(c.tmp / "p"), Damaged, "directory", "metadata.json",
             lambda tmp: ((tmp / "p").mkdir(), (tmp / "p" / "metadata.json").write_text("{\"format"), {})[2]),
    ],
    "mmzoo.datasets.split": [
        Case("df not a DataFrame", lambda c: datasets.split([1, 2]), TypeErr, "df", "[1, 2]"),
    ],
    "mmzoo.datasets.decoding_path": [
        Case("not .keras", lambda c: datasets.decoding_path("model.h5"), ValueErr, "path", "'model.h5'"),
    ],
    "mmzoo.datasets.Decoding": [
        Case("damaged settings", lambda c: datasets.Decoding.load(c.files["m.keras"]), Damaged, "path",
             "m.preprocessing.json",
             lambda tmp: ((tmp / "m.preprocessing.json").write_text("{nope"), {"m.keras": str(tmp / "m.keras")})[1]),
    ],
    "mmzoo.preprocessing.text_vectorizer": [
        Case("max_tokens one", lambda c: preprocessing.text_vectorizer(["a"], max_tokens=1), ValueErr,
             "max_tokens", "1"),
        Case("corpus a string", lambda c: preprocessing.text_vectorizer("a b c"), TypeErr, "corpus", "'a b c'"),
    ],
    "mmzoo.preprocessing.save_vectorizer": [
        Case("not a vectorizer", lambda c: preprocessing.save_vectorizer(3, c.tmp / "v.json"), TypeErr,
             "vectorizer", "3"),
    ],
    "mmzoo.preprocessing.load_vectorizer": [
        Case("damaged JSON", lambda c: preprocessing.load_vectorizer(c.files["v.json"]), Damaged, "path", "v.json",
             _write("v.json", "{\"format\": ")),
        Case("JSON of another kind", lambda c: preprocessing.load_vectorizer(c.files["w.json"]), ValueErr, "path",
             "w.json", _write("w.json", "[1, 2]")),
    ],
    "mmzoo.preprocessing.branch_kwargs": [
        Case("not a vectorizer", lambda c: preprocessing.branch_kwargs("v"), TypeErr, "vectorizer", "'v'"),
    ],
    "mmzoo.preprocessing.decode_image": [
        Case("channels 2", lambda c: preprocessing.decode_image(b"", channels=2), ValueErr, "channels", "2"),
        Case("resize not a bool", lambda c: preprocessing.decode_image(b"", resize="no"), TypeErr, "resize", "'no'"),
    ],
    "mmzoo.preprocessing.load_image": [
        Case("damaged image", lambda c: preprocessing.load_image(c.files["x.png"]), Damaged, "path", "x.png",
             _write("x.png", NOT_PNG)),
        Case("unknown scale", lambda c: preprocessing.load_image("x.png", scale="imagenet"), ValueErr, "scale",
             "'imagenet'"),
    ],
    "mmzoo.preprocessing.augmentation": [
        Case("rotation above 1", lambda c: preprocessing.augmentation(rotation=2), ValueErr, "rotation", "2"),
    ],
    "mmzoo.preprocessing.load_audio": [
        Case("damaged audio", lambda c: preprocessing.load_audio(c.files["x.wav"]), Damaged, "path", "x.wav",
             _write("x.wav", b"RIFF\x10\x00\x00\x00WAVEfmt ")),
        Case("sample_rate zero", lambda c: preprocessing.load_audio("x.wav", sample_rate=0), ValueErr,
             "sample_rate", "0"),
    ],
    "mmzoo.preprocessing.decode_audio_file": [
        Case("duration zero", lambda c: preprocessing.decode_audio_file("x.wav", 16000, 0), ValueErr, "duration",
             "0"),
    ],
    "mmzoo.preprocessing.pad_or_trim": [
        Case("length zero", lambda c: preprocessing.pad_or_trim(np.zeros(4), 0), ValueErr, "length", "0"),
    ],
    "mmzoo.preprocessing.log_mel_spectrogram": [
        Case("n_mels zero", lambda c: preprocessing.log_mel_spectrogram(np.zeros(400), n_mels=0), ValueErr,
             "n_mels", "0"),
        Case("non-finite waveform", lambda c: preprocessing.log_mel_spectrogram(np.full(400, np.nan)), ValueErr,
             "waveform", "nan"),
    ],
    "mmzoo.preprocessing.tf_log_mel_spectrogram": [
        Case("hop_length zero", lambda c: preprocessing.tf_log_mel_spectrogram(np.zeros(400), hop_length=0),
             ValueErr, "hop_length", "0"),
    ],
    "mmzoo.preprocessing.LogMelSpectrogram": [
        Case("fmax above Nyquist", lambda c: preprocessing.LogMelSpectrogram(sample_rate=8000, fmax=6000), ValueErr,
             "fmax", "6000"),
    ],
    "mmzoo.preprocessing.log_mel_settings": [
        Case("unknown option", lambda c: preprocessing.log_mel_settings(n_bands=3), TypeErr, "n_bands", "3"),
    ],
    "mmzoo.preprocessing.mel_filterbank": [
        Case("fmin above fmax", lambda c: preprocessing.mel_filterbank(16000, 512, 40, fmin=5000, fmax=1000),
             ValueErr, "fmin", "5000"),
    ],
    "mmzoo.preprocessing.mfcc": [
        Case("n_mfcc above n_mels", lambda c: preprocessing.mfcc(np.zeros(400), n_mfcc=80, n_mels=40), ValueErr,
             "n_mfcc", "80"),
    ],
    "mmzoo.preprocessing.audio_features": [
        Case("unknown kind", lambda c: preprocessing.audio_features(np.zeros(400), kind="chroma"), ValueErr, "kind",
             "'chroma'"),
    ],
    "mmzoo.preprocessing.summary_vector": [
        Case("1-D features", lambda c: preprocessing.summary_vector(np.zeros(4)), ValueErr, "features", "(4,)"),
    ],
    # Train, judge, ship.
    "mmzoo.training.fit": [
        Case("NaN in numpy inputs", lambda c: training.fit(_tiny_model(), _nan_data(), epochs=1, verbose=0),
             ValueErr, "train['audio']", "samples [2]"),
        Case("labels beyond the head", lambda c: training.fit(_tiny_model(), _data(labels=np.arange(8)), epochs=1,
                                                              verbose=0), ValueErr, "labels", "7"),
        Case("dataset labels beyond the head", lambda c: training.fit(
            _tiny_model(), _dataset(labels=np.arange(8) + 3), epochs=1, verbose=0), ValueErr, "labels", "6"),
        Case("dataset with inf", lambda c: training.fit(_tiny_model(), _dataset(np.inf), epochs=1, verbose=0),
             ValueErr, "train['audio']", "samples [2]"),
        Case("checkpoint_dir is a file", lambda c: training.fit(_tiny_model(), _data(), epochs=1, verbose=0,
                                                                checkpoint_dir=c.files["f"]), ValueErr,
             "checkpoint_dir", "/f'", _write("f", "x")),
        Case("epochs zero", lambda c: training.fit(_tiny_model(), _data(), epochs=0), ValueErr, "epochs", "0"),
        Case("train a dict", lambda c: training.fit(_tiny_model(), {"audio": 1}), TypeErr, "train", "dict"),
        Case("unknown strategy", lambda c: training.fit(_tiny_model(), _data(), strategy="gpu"), ValueErr,
             "strategy", "'gpu'"),
    ],
    "mmzoo.training.compile": [
        Case("learning_rate negative", lambda c: training.compile(_tiny_model(), learning_rate=-1.0), ValueErr,
             "learning_rate", "-1.0"),
        Case("not a model", lambda c: training.compile("model"), TypeErr, "model", "'model'"),
    ],
    "mmzoo.training.get_strategy": [
        Case("unknown name", lambda c: training.get_strategy("gpu"), ValueErr, "strategy", "'gpu'"),
    ],
    "mmzoo.training.BackupAndRestore": [
        Case("damaged state", lambda c: training.BackupAndRestore(c.tmp / "b").restore(_tiny_model()), Damaged,
             "backup_dir", "/b'", lambda tmp: ((tmp / "b").mkdir(), (tmp / "b" / "state.json").write_text("{"),
                                               {})[2]),
    ],
    "mmzoo.training.BestModelCheckpoint": [
        Case("damaged record", lambda c: training.BestModelCheckpoint(c.tmp / "best.keras", resume=True), Damaged,
             "filepath", "best.keras", _write("best.json", "{\"best\": ")),
    ],
    "mmzoo.training.frozen_branches": [
        Case("not a model", lambda c: training.frozen_branches(3), TypeErr, "model", "3"),
    ],
    "mmzoo.training.feature_model": [
        Case("frozen not a dict", lambda c: training.feature_model(_tiny_model(), [1]), TypeErr, "frozen", "[1]"),
    ],
    "mmzoo.training.warm_start": [
        Case("trained not a model", lambda c: training.warm_start(_tiny_model(), [1]), TypeErr, "trained[0]", "1"),
        Case("no branch in common", lambda c: training.warm_start(_tiny_model(), _tiny_model_with(name="other")),
             ValueErr, "trained branches", "['other']"),
        Case("branch of other shapes", lambda c: training.warm_start(_tiny_model(), _tiny_model_with(input_dim=5)),
             ValueErr, "weight shapes", "(5, 4)"),
    ],
    "mmzoo.training.with_auxiliary_heads": [
        Case("loss_weight zero", lambda c: training.with_auxiliary_heads(_tiny_model(), 0), ValueErr,
             "loss_weight", "0"),
    ],
    "mmzoo.evaluation.evaluate": [
        Case("NaN in inputs", lambda c: evaluation.evaluate(_tiny_model(), _nan_data()), ValueErr, "data['audio']",
             "samples [2]"),
        Case("threshold 2", lambda c: evaluation.evaluate(_tiny_model(), _data(), threshold=2), ValueErr,
             "threshold", "2"),
    ],
    "mmzoo.evaluation.predict_with_labels": [
        Case("batch_size zero", lambda c: evaluation.predict_with_labels(_tiny_model(), _data(), batch_size=0),
             ValueErr, "batch_size", "0"),
    ],
    "mmzoo.evaluation.classification_metrics": [
        Case("unknown task", lambda c: evaluation.classification_metrics([0, 1], np.eye(2), task="smell"), ValueErr,
             "task", "'smell'"),
        Case("NaN probabilities", lambda c: evaluation.classification_metrics([0, 1], np.full((2, 2), np.nan)),
             ValueErr, "probabilities", "NaN or inf"),
    ],
    "mmzoo.evaluation.regression_metrics": [
        Case("sizes differ", lambda c: evaluation.regression_metrics([0.0, 1.0], [0.0]), ValueErr, "predictions",
             "(1, 1)"),
    ],
    "mmzoo.evaluation.modality_balance": [
        Case("probe_size zero", lambda c: evaluation.modality_balance(_tiny_model(), _data(), _data(), probe_size=0),
             ValueErr, "probe_size", "0"),
    ],
    "mmzoo.evaluation.branch_features": [
        Case("inputs not a dict", lambda c: evaluation.branch_features(_tiny_model(), [1]), TypeErr, "inputs",
             "[1]"),
    ],
    "mmzoo.evaluation.retrieval_ranks": [
        Case("1-D similarities", lambda c: evaluation.retrieval_ranks(np.ones(3)), ValueErr, "similarities.shape",
             "(3,)"),
        Case("labels of the wrong length", lambda c: evaluation.retrieval_ranks(np.eye(3), [0, 1], [0, 1, 2]),
             ValueErr, "query_labels.shape", "(2,)"),
    ],
    "mmzoo.evaluation.retrieval_metrics": [
        Case("recall_at zero", lambda c: evaluation.retrieval_metrics(np.eye(3), recall_at=(0,)), ValueErr,
             "recall_at", "(0,)"),
        Case("recall_at a string", lambda c: evaluation.retrieval_metrics(np.eye(3), recall_at="1"), TypeErr,
             "recall_at", "'1'"),
    ],
    "mmzoo.evaluation.cross_modal_metrics": [
        Case("embeddings a list", lambda c: evaluation.cross_modal_metrics([1, 2]), TypeErr, "embeddings", "[1, 2]"),
        Case("one modality", lambda c: evaluation.cross_modal_metrics({"a": np.eye(3)}), ValueErr, "embeddings",
             "['a']"),
        Case("sizes differ", lambda c: evaluation.cross_modal_metrics({"a": np.eye(3), "b": np.ones((3, 2))}),
             ValueErr, "embeddings.shape", "'b': (3, 2)"),
    ],
    "mmzoo.export.load_keras": [
        Case("truncated .keras", lambda c: export.load_keras(c.files["model.keras"]), Damaged, "path", "model.keras",
             _truncated_keras),
        Case("not a zip", lambda c: export.load_keras(c.files["x.keras"]), Damaged, "path", "x.keras",
             _write("x.keras", "hello")),
        Case("missing file", lambda c: export.load_keras(c.tmp / "none.keras"), ValueErr, "path", "none.keras"),
        Case("damaged vocabulary", lambda c: export.load_keras(c.files["model.keras"]), Damaged, "path",
             "model.audio.vocab.json",
             lambda tmp: (_tiny_model().save(tmp / "model.keras"), (tmp / "model.audio.vocab.json").write_text("{"),
                          {"model.keras": str(tmp / "model.keras")})[2]),
    ],
    "mmzoo.export.save_keras": [
        Case("wrong extension", lambda c: export.save_keras(_tiny_model(), c.tmp / "m.h5"), ValueErr, "path",
             "m.h5"),
        Case("exists", lambda c: export.save_keras(_tiny_model(), c.files["m.keras"]), ValueErr, "path",
             "m.keras'", _write("m.keras", "old")),
        Case("vectorizers unknown input", lambda c: export.save_keras(_tiny_model(), c.tmp / "m.keras",
                                                                      vectorizers={"text": None}), ValueErr,
             "vectorizers", "['text']"),
    ],
    "mmzoo.export.export_model": [
        Case("unknown format", lambda c: export.export_model(_tiny_model(), c.tmp / "m", format="onnx"), ValueErr,
             "format", "'onnx'"),
    ],
    "mmzoo.export.export_saved_model": [
        Case("not a model", lambda c: export.export_saved_model(3, c.tmp / "s"), TypeErr, "model", "3"),
    ],
    "mmzoo.export.export_tflite": [
        Case("unknown quantization", lambda c: export.export_tflite(_tiny_model(), c.tmp / "m.tflite",
                                                                    quantization="int4"), ValueErr, "quantization",
             "'int4'"),
        Case("int8 without data", lambda c: export.export_tflite(_tiny_model(), c.tmp / "m.tflite",
                                                                 quantization="int8"), ValueErr,
             "representative_data", "None"),
    ],
    "mmzoo.export.TFLitePredictor": [
        Case("damaged .tflite", lambda c: export.TFLitePredictor(c.files["m.tflite"]), Damaged, "path", "m.tflite",
             _write("m.tflite", b"TFL3" + b"\x00" * 12)),
        Case("num_threads zero", lambda c: export.TFLitePredictor(c.files["n.tflite"], num_threads=0), ValueErr,
             "num_threads", "0", _write("n.tflite", "x")),
    ],
    "mmzoo.export.export_report": [
        Case("unknown format", lambda c: export.export_report(_tiny_model(), _data(), c.tmp / "r", formats=("onnx",)),
             ValueErr, "formats", "'onnx'"),
    ],
    "mmzoo.export.report_markdown": [
        Case("not a report", lambda c: export.report_markdown("report"), TypeErr, "report", "'report'"),
    ],
    "mmzoo.export.vocabulary_path": [
        Case("not .keras", lambda c: export.vocabulary_path("m.h5", "text"), ValueErr, "path", "'m.h5'"),
    ],
    "mmzoo.robustness.corrupt": [
        Case("unknown noise", lambda c: robustness.corrupt(np.zeros((2, 4)), "audio", "pink", 0.1), ValueErr,
             "noise", "'pink'"),
        Case("level above 1", lambda c: robustness.corrupt(np.zeros((2, 4)), "audio", "white_noise", 2.0), ValueErr,
             "level", "2.0"),
    ],
    "mmzoo.robustness.available_noises": [
        Case("unknown modality", lambda c: robustness.available_noises("smell"), ValueErr, "modality", "'smell'"),
    ],
    "mmzoo.robustness.robustness": [
        Case("unknown modality", lambda c: robustness.robustness(_tiny_model(), _data(), "image", "gaussian"),
             ValueErr, "modality", "'image'"),
    ],
    "mmzoo.robustness.ablation": [
        Case("batch_size zero", lambda c: robustness.ablation(_tiny_model(), _data(), batch_size=0), ValueErr,
             "batch_size", "0"),
    ],
    "mmzoo.robustness.relative_robustness": [
        Case("lengths differ", lambda c: robustness.relative_robustness([0.0, 0.5], [0.9]), ValueErr, "accuracies",
             "[0.9]"),
    ],
    "mmzoo.robustness.effective_robustness": [
        Case("lengths differ", lambda c: robustness.effective_robustness([0.0, 0.5], [0.9, 0.8], [0.9]), ValueErr,
             "reference_accuracies", "[0.9]"),
    ],
    "mmzoo.robustness.remove_modality": [
        Case("unknown modality", lambda c: robustness.remove_modality(_data()[0], "image"), ValueErr, "modality",
             "'image'"),
    ],
    "mmzoo.plots.training_curves": [
        Case("not a history", lambda c: plots.training_curves(3, path=c.tmp / "c.png"), TypeErr, "history", "3"),
    ],
    "mmzoo.plots.confusion_matrix": [
        Case("not square", lambda c: plots.confusion_matrix(np.zeros((2, 3)), path=c.tmp / "c.png"), ValueErr,
             "report_or_matrix", "(2, 3)"),
    ],
    "mmzoo.plots.roc_curves": [
        Case("probabilities missing", lambda c: plots.roc_curves([0, 1], path=c.tmp / "r.png"), ValueErr,
             "probabilities", "None"),
    ],
    "mmzoo.plots.model_comparison": [
        Case("scores not a dict", lambda c: plots.model_comparison([0.9], path=c.tmp / "m.png"), TypeErr, "scores",
             "[0.9]"),
    ],
    "mmzoo.plots.robustness_curves": [
        Case("curves empty", lambda c: plots.robustness_curves([], path=c.tmp / "r.png"), TypeErr, "curves", "[]"),
    ],
    "mmzoo.plots.fusion_weights": [
        Case("no weighted fusion", lambda c: plots.fusion_weights(_tiny_model(), path=c.tmp / "f.png"), ValueErr,
             "model_or_layer", "'mmzoo_model'"),
    ],
    "mmzoo.plots.attention_map": [
        Case("no attention", lambda c: plots.attention_map(_tiny_model(), _data()[0], path=c.tmp / "a.png"),
             ValueErr, "model", "'mmzoo_model'"),
    ],
    "mmzoo.plots.save_figure": [
        Case("not a figure", lambda c: plots.save_figure("figure", c.tmp / "f.png"), TypeErr, "figure", "'figure'"),
    ],
    "mmzoo.retrieval.dual_encoder": [
        Case("branches a list", lambda c: retrieval.dual_encoder([1]), TypeErr, "branches", "[1]"),
        Case("one modality", lambda c: retrieval.dual_encoder({"audio": branches.dense(input_dim=3)}), ValueErr,
             "branches", "['audio']"),
        Case("embedding_dim zero", lambda c: retrieval.dual_encoder(
            {"image": branches.dense(input_dim=4, name="i"), "audio": branches.dense(input_dim=3, name="a")},
            embedding_dim=0), ValueErr, "embedding_dim", "0"),
    ],
    "mmzoo.retrieval.modalities_of": [
        Case("not a model", lambda c: retrieval.modalities_of("m"), TypeErr, "model", "'m'"),
        Case("a model without encoders", lambda c: retrieval.modalities_of(_tiny_model()), TypeErr, "model",
             "'mmzoo_model'"),
    ],
    "mmzoo.retrieval.encoder": [
        Case("not a model", lambda c: retrieval.encoder(3, "image"), TypeErr, "model", "3"),
        Case("unknown modality", lambda c: retrieval.encoder(_dual_encoder(), "text"), ValueErr, "modality",
             "'text'"),
    ],
    "mmzoo.retrieval.embed": [
        Case("data a string", lambda c: retrieval.embed(_dual_encoder(), "abc", "image"), TypeErr, "data", "'abc'"),
        Case("samples of the other modality", lambda c: retrieval.embed(_dual_encoder(), np.zeros((2, 3)), "image"),
             ValueErr, "data.shape", "(2, 3)"),
        Case("batch_size zero", lambda c: retrieval.embed(_dual_encoder(), np.zeros((2, 4)), "image", batch_size=0),
             ValueErr, "batch_size", "0"),
    ],
    "mmzoo.retrieval.Index": [
        Case("modality a number", lambda c: retrieval.Index(modality=3), TypeErr, "modality", "3"),
        Case("1-D embeddings", lambda c: retrieval.Index().add(np.ones(4)), ValueErr, "embeddings.shape", "(4,)"),
        Case("k above the size", lambda c: _index().search(np.eye(4), k=5), ValueErr, "k", "5"),
        Case("save not .npz", lambda c: _index().save(c.tmp / "i.json"), ValueErr, "path", "i.json'"),
    ],
    "mmzoo.retrieval.index_path": [
        Case("model_path a number", lambda c: retrieval.index_path(3, "image"), TypeErr, "model_path", "3"),
        Case("modality a number", lambda c: retrieval.index_path("m.keras", 3), TypeErr, "modality", "3"),
    ],
    "mmzoo.retrieval.build_index": [
        Case("ids of another length", lambda c: retrieval.build_index(_dual_encoder(), np.zeros((2, 4)), "image",
                                                                      ids=[1]), ValueErr, "ids.shape", "(1,)"),
        Case("unknown modality", lambda c: retrieval.build_index(_dual_encoder(), np.zeros((2, 4)), "text"),
             ValueErr, "modality", "'text'"),
    ],
    "mmzoo.retrieval.search": [
        Case("index not an Index", lambda c: retrieval.search(_dual_encoder(), [1], np.zeros((2, 3)), "audio"),
             TypeErr, "index", "[1]"),
        Case("k zero", lambda c: retrieval.search(_dual_encoder(), _index(), np.zeros((2, 3)), "audio", k=0),
             ValueErr, "k", "0"),
        Case("by_class a string", lambda c: retrieval.search(_dual_encoder(), _index(), np.zeros((2, 3)), "audio",
                                                             by_class="yes"), TypeErr, "by_class", "'yes'"),
    ],
    "mmzoo.retrieval.class_prototypes": [
        Case("model a path", lambda c: retrieval.class_prototypes("model.keras"), TypeErr, "model", "'model.keras'"),
        Case("a model without prototypes", lambda c: retrieval.class_prototypes(_dual_encoder()), ValueErr,
             "num_classes", "model="),
    ],
    "mmzoo.retrieval.class_queries": [
        Case("a model without prototypes", lambda c: retrieval.class_queries(_dual_encoder(), np.zeros((2, 8))),
             ValueErr, "num_classes", "model="),
    ],
    "mmzoo.retrieval.class_embeddings": [
        Case("prompts a number", lambda c: retrieval.class_embeddings(_dual_encoder(), 3, "audio"), TypeErr,
             "prompts", "3"),
        Case("a class without prompts", lambda c: retrieval.class_embeddings(
            _dual_encoder(), [np.zeros((1, 3)), np.zeros((0, 3))], "audio"), ValueErr, "prompts[1].shape", "(0, 3)"),
    ],
    "mmzoo.retrieval.zero_shot_classify": [
        Case("unknown prompt_modality", lambda c: retrieval.zero_shot_classify(
            _dual_encoder(), [np.zeros((1, 3))], "text", np.zeros((2, 4)), "image"), ValueErr, "modality", "'text'"),
        Case("data of the other modality", lambda c: retrieval.zero_shot_classify(
            _dual_encoder(), [np.zeros((1, 3))], "audio", np.zeros((2, 3)), "image"), ValueErr, "data.shape",
             "(2, 3)"),
    ],
    "mmzoo.zoo.get": [
        Case("unknown name", lambda c: zoo.get("resnet"), ValueErr, "name", "'resnet'"),
    ],
    "mmzoo.zoo.build": [
        Case("unknown override", lambda c: zoo.build("weighted_fusion_classifier", colour=3), ValueErr, "colour",
             "3"),
    ],
    "mmzoo.zoo.describe": [
        Case("name not a string", lambda c: zoo.describe(3), TypeErr, "name", "3"),
    ],
    "mmzoo.zoo.example_data": [
        Case("num_samples zero", lambda c: zoo.example_data("weighted_fusion_classifier", num_samples=0), ValueErr,
             "num_samples", "0"),
    ],
    # The command.
    "mmzoo describe": [
        Case("unknown name", lambda c: ["describe", "resnet"], ValueErr, "unknown model", "'resnet'"),
    ],
    "mmzoo train": [
        Case("unknown data", lambda c: ["train", "concat", "--data", "mnist", "--out", "run"], ValueErr, "--data",
             "'mnist'"),
        Case("epochs zero", lambda c: ["train", "concat", "--data", "synthetic", "--epochs", "0", "--out", "run"],
             ValueErr, "--epochs", "'0'"),
        Case("damaged manifest", lambda c: ["train", "concat", "--data", c.files["m.csv"], "--text-col", "text",
                                            "--out", "run"], ValueErr, "manifest", "m.csv",
             _write("m.csv", b"\xff\xfe\x00bad\x00")),
    ],
    "mmzoo prepare": [
        Case("rows per shard zero", lambda c: ["prepare", "concat", "--data", c.files["m.csv"], "--text-col",
                                               "text", "--rows-per-shard", "0", "--out", "p"], ValueErr,
             "--rows-per-shard", "'0'", _manifest),
    ],
    "mmzoo evaluate": [
        Case("truncated .keras", lambda c: ["evaluate", c.files["model.keras"], "--data", "synthetic"], Damaged,
             "model.keras", "damaged", _truncated_keras),
        Case("not .keras", lambda c: ["evaluate", "model.h5", "--data", "synthetic"], ValueErr, "MODEL",
             "'model.h5'"),
    ],
    "mmzoo export": [
        Case("unknown format", lambda c: ["export", "m.keras", "--data", "synthetic", "--format", "onnx", "--out",
                                          "x"], ValueErr, "--format", "'onnx'"),
        Case("truncated .keras", lambda c: ["export", c.files["model.keras"], "--data", "synthetic", "--format",
                                            "keras", "--out", "copy.keras"], Damaged, "model.keras", "damaged",
             _truncated_keras),
    ],
    "mmzoo search": [
        Case("missing model", lambda c: ["search", "none.keras", "--query", "av_mnist:1", "--modality", "audio"],
             ValueErr, "MODEL", "'none.keras'"),
        Case("k zero", lambda c: ["search", c.files["m.keras"], "--query", "av_mnist:1", "--modality", "audio",
                                  "--k", "0"], ValueErr, "--k", "'0'", _write("m.keras", "x")),
        Case("row not a number", lambda c: ["search", c.files["m.keras"], "--query", "av_mnist:x", "--modality",
                                            "audio"], ValueErr, "--query", "'av_mnist:x'", _write("m.keras", "x")),
    ],
    "mmzoo demo": [
        Case("epochs zero", lambda c: ["demo", "--epochs", "0"], ValueErr, "--epochs", "'0'"),
    ],
}

EXEMPT = {
    # Take no argument a user gives.
    "mmzoo.datasets.available": "takes no argument",
    "mmzoo.fusion.available": "takes no argument",
    "mmzoo.zoo.available": "takes no argument",
    "mmzoo list": "takes no argument",
    # Results mmzoo returns, and base classes: users read them, they do not build them.
    "mmzoo.datasets.BadRow": "a result returned by mmzoo",
    "mmzoo.datasets.BadRowsError": "an error raised by mmzoo",
    "mmzoo.evaluation.EvaluationReport": "a result returned by mmzoo",
    "mmzoo.evaluation.ClassificationReport": "a result returned by mmzoo",
    "mmzoo.evaluation.RegressionReport": "a result returned by mmzoo",
    "mmzoo.evaluation.ModalityBalance": "a result returned by mmzoo",
    "mmzoo.robustness.RobustnessResult": "a result returned by mmzoo",
    "mmzoo.robustness.AblationResult": "a result returned by mmzoo",
    "mmzoo.zoo.ZooEntry": "a registry entry returned by mmzoo",
    "mmzoo.heads.Prediction": "the output layer a head builds, created by mmzoo.build_model",
    "mmzoo.fusion.Fusion": "the base class of fusions, taking only standard Keras layer arguments",
    "mmzoo.fusion.ConcatFusion": "takes only standard Keras layer arguments",
    "mmzoo.layers.MaskedGlobalMaxPooling1D": "takes only standard Keras layer arguments",
    "mmzoo.layers.MissingModalities": "takes only standard Keras layer arguments",
    "mmzoo.layers.ProductOfExperts": "takes only standard Keras layer arguments; built by product_of_experts",
}
"""Public callables without a bad-input case, and why."""


def public_callables():
    """Returns `{public dotted name: object}` of every public callable of mmzoo, and the subcommands."""
    found = {"mmzoo.build_model": mmzoo.build_model, "mmzoo.product_of_experts": mmzoo.product_of_experts}
    for package in mmzoo.SUBPACKAGES:
        module = importlib.import_module(f"mmzoo.{package}")
        names = getattr(module, "__all__", None)
        if names is None:
            names = [name for name in dir(module) if not name.startswith("_")
                     and getattr(getattr(module, name), "__module__", None) == module.__name__]
        for name in names:
            value = getattr(module, name)
            if callable(value) and not inspect.ismodule(value):
                found.setdefault(f"mmzoo.{package}.{name}", value)
    for command in cli_main.COMMANDS:
        found[f"mmzoo {command}"] = command
    return found


def _resolve(key):
    if key.startswith("mmzoo "):
        return key.split()[1]
    module, _, name = key.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _cases():
    return [pytest.param(key, case, id=f"{key}: {case.id}") for key, cases in MATRIX.items() for case in cases]


def _dataset(values=None, labels=None):
    import tensorflow as tf
    return tf.data.Dataset.from_tensor_slices(_data(values, labels)).batch(4)


def _snapshot(folder):
    return sorted((str(path.relative_to(folder)), path.stat().st_size if path.is_file() else -1)
                  for path in folder.rglob("*"))


def _run_command(argv):
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        with pytest.raises(SystemExit) as raised:
            cli_main.main(argv)
    return raised.value.code, stderr.getvalue().strip()


@pytest.mark.parametrize("key, case", _cases())
def test_bad_input_is_a_clear_error_that_writes_nothing(key, case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = case.setup(tmp_path) if case.setup else {}
    context = argparse.Namespace(tmp=tmp_path, files=files)
    before = _snapshot(tmp_path)
    if key.startswith("mmzoo "):
        status, message = _run_command(case.call(context))
        assert status != 0
        assert len(message.splitlines()) == 1 and message.startswith("mmzoo: error: "), message
    else:
        with pytest.raises(case.error) as raised:
            case.call(context)
        assert isinstance(raised.value, mmzoo.MmzooError)
        message = str(raised.value)
        assert "Received: " in message, message
        if case.error is Damaged:
            assert "damaged" in message, message
    for fragment in (case.argument, case.received):
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert _snapshot(tmp_path) == before, "the failed call wrote files"


def test_the_matrix_has_at_least_eighty_cases():
    assert sum(len(cases) for cases in MATRIX.values()) >= 80


def test_every_public_callable_has_a_case():
    public = public_callables()
    covered = {id(_resolve(key)) if not key.startswith("mmzoo ") else key for key in [*MATRIX, *EXEMPT]}
    missing = [name for name, value in public.items()
               if (id(value) if not name.startswith("mmzoo ") else name) not in covered]
    assert not missing, f"public callables without a bad-input case in MATRIX (or a reason in EXEMPT): {missing}"


def test_every_key_and_exemption_is_public():
    public = public_callables()
    unknown = sorted(set(MATRIX) - set(public)) + sorted(set(EXEMPT) - set(public))
    assert not unknown, f"not public callables: {unknown}"


def test_a_damaged_keras_file_is_a_zip_no_more():
    """The truncated file of the cases is what an interrupted copy leaves: not a readable zip."""
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = _truncated_keras(pathlib.Path(folder))["model.keras"]
        assert os.path.getsize(path) > 0 and not zipfile.is_zipfile(path)
