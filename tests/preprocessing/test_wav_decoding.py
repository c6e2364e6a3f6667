"""Audio decoded in the graph matches librosa; files the graph cannot read go through librosa."""

import numpy as np
import pytest
import soundfile
import tensorflow as tf

from mmzoo.datasets import from_dataframe
from mmzoo.preprocessing import audio_features, decode_audio_file, load_audio
from mmzoo.preprocessing import wav
from media_files import manifest, write_tone


@pytest.fixture
def librosa_calls(monkeypatch):
    """Counts the files the in-graph decoder hands to librosa."""
    calls = []

    def counting(path, **kwargs):
        calls.append(path)
        return load_audio(path, **kwargs)

    monkeypatch.setattr(wav, "load_audio", counting)
    return calls


@pytest.mark.parametrize("sample_rate, channels, in_graph", [(8000, 1, True), (8000, 2, True), (44100, 1, False)])
def test_decoded_waveform_equals_librosa_and_takes_the_graph_route_for_pcm16_at_the_rate(
        tmp_path, librosa_calls, sample_rate, channels, in_graph):
    path = write_tone(tmp_path / "tone.wav", sample_rate=sample_rate, channels=channels, seconds=0.6)
    decoded = tf.function(lambda name: decode_audio_file(name, 8000, 0.5))(tf.constant(str(path))).numpy()
    np.testing.assert_allclose(decoded, load_audio(str(path), sample_rate=8000, duration=0.5), atol=1e-6)
    assert decoded.shape == (4000,)
    assert (len(librosa_calls) == 0) == in_graph


def test_float_wav_goes_through_librosa(tmp_path, librosa_calls):
    path = tmp_path / "float.wav"
    soundfile.write(str(path), 0.3 * np.ones(3000, dtype=np.float32), 8000, subtype="FLOAT")
    decoded = decode_audio_file(tf.constant(str(path)), 8000, 0.5).numpy()
    np.testing.assert_allclose(decoded[:3000], 0.3, atol=1e-6)
    np.testing.assert_array_equal(decoded[3000:], 0.0)
    assert len(librosa_calls) == 1


def test_manifest_log_mel_matches_librosa_within_a_hundredth_of_a_db(tmp_path):
    frame = manifest(tmp_path, rows=8)
    options = {"n_mels": 24, "hop_length": 200, "n_fft": 512}
    dataset = from_dataframe(frame, audio="audio", label="label", base_dir=tmp_path, audio_sample_rate=8000,
                             audio_duration=0.5, audio_options=options, batch_size=None)
    for (inputs, _), name in zip(dataset, frame["audio"]):
        expected = audio_features(load_audio(str(tmp_path / name), sample_rate=8000, duration=0.5),
                                  kind="log_mel", sample_rate=8000, **options)
        assert np.abs(inputs["audio"].numpy() - expected).max() < 0.01
