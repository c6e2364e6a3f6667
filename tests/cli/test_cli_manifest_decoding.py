"""`mmzoo train` on a manifest decodes each file once on its way to training: DataFrame -> tf.data -> model."""

import argparse
import collections

import tensorflow as tf

from mmzoo import training
from mmzoo.cli import common, train
from mmzoo.preprocessing import wav
from media_files import manifest


def test_each_audio_file_is_decoded_once_on_its_way_to_training(tmp_path, monkeypatch):
    frame = manifest(tmp_path, rows=20)
    frame["split"] = ["train"] * 12 + ["validation"] * 4 + ["test"] * 4
    frame.to_csv(tmp_path / "manifest.csv", index=False)
    reads = collections.Counter()
    load_audio = wav.load_audio

    def counting_load_audio(path, **options):
        reads[path] += 1
        return load_audio(path, **options)

    # The manifest's WAV files are not at the command's 16 kHz: the pipeline decodes them through librosa.
    monkeypatch.setattr(wav, "load_audio", counting_load_audio)
    arguments = argparse.Namespace(name="concat", data=str(tmp_path / "manifest.csv"), seed=0, image_col="image",
                                   text_col=None, audio_col="audio", label_col="label")
    names = common.columns(arguments)
    data, class_names, _, _, _ = train.manifest_data(arguments, common.read_manifest(arguments.data, names), names)
    assert all(isinstance(split, tf.data.Dataset) for split in data.values())
    build, _ = train.builder("concat", data["train"], len(class_names), None)
    training.fit(build, data["train"], validation=data["validation"], epochs=3, batch_size=4, seed=0, verbose=0)

    trained = {str(tmp_path / path) for path in frame["audio"][:16]}
    assert {path for path in reads if path in trained} == trained
    assert {reads[path] for path in trained} == {1}, reads  # the parallel check's decode, kept for every epoch
