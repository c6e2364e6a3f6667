import numpy as np
import pandas as pd
import pytest
import soundfile
import tensorflow as tf

from mmzoo.datasets import from_dataframe
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.preprocessing import text_vectorizer, wav
from media_files import CLASSES, manifest


@pytest.fixture
def files(tmp_path):
    return tmp_path, manifest(tmp_path, rows=8)


def _all(dataset):
    inputs, labels = [], []
    for x, y in dataset:
        inputs.append({key: value.numpy() for key, value in x.items()})
        labels.append(y.numpy())
    return {key: np.concatenate([batch[key] for batch in inputs]) for key in inputs[0]}, np.concatenate(labels)


def test_three_modalities_become_batched_named_inputs_and_label_ids(files):
    folder, df = files
    dataset = from_dataframe(
        df, image="image", text="caption", audio="audio", label="label", base_dir=folder,
        image_size=(16, 12), image_channels=3, audio_sample_rate=8000, audio_duration=0.5,
        audio_options={"n_mels": 20, "hop_length": 100, "n_fft": 256}, batch_size=3,
    )
    assert dataset.class_names == ["cat", "dog"]
    assert dataset.bad_rows == []
    inputs, labels = _all(dataset)
    assert inputs["image"].shape == (8, 16, 12, 3) and inputs["image"].dtype == np.float32
    assert inputs["audio"].shape == (8, 41, 20)
    assert inputs["text"].dtype == object and inputs["text"][0] == b"a small cat sleeps on the mat"
    np.testing.assert_array_equal(labels, [CLASSES.index(label) for label in df["label"]])
    assert 0.0 <= inputs["image"].min() and inputs["image"].max() <= 1.0
    # Dogs were drawn brighter, and their tone is higher, whatever the file format.
    brightness = inputs["image"].mean(axis=(1, 2, 3))
    assert brightness[labels == 1].min() > brightness[labels == 0].max()
    peak_band = inputs["audio"].mean(axis=1).argmax(axis=1)
    assert len(set(peak_band[labels == 0])) == 1 and len(set(peak_band[labels == 1])) == 1
    assert peak_band[labels == 1][0] > peak_band[labels == 0][0]


def test_any_subset_of_modalities_and_vectorized_text(files):
    folder, df = files
    vectorizer = text_vectorizer(df["caption"], max_tokens=30, sequence_length=5)
    dataset = from_dataframe(df, text="caption", label="label", text_vectorizer=vectorizer, batch_size=4)
    inputs, labels = _all(dataset)
    assert set(inputs) == {"text"}
    assert inputs["text"].shape == (8, 5) and inputs["text"].dtype == np.int64
    np.testing.assert_array_equal(inputs["text"], vectorizer(df["caption"].tolist()).numpy())

    audio_only = from_dataframe(df, audio="audio", base_dir=folder, audio_features="summary", batch_size=None)
    element = next(iter(audio_only))
    assert isinstance(element, dict) and set(element) == {"audio"}
    assert element["audio"].shape == (40,)
    assert audio_only.class_names is None

    unbatched = from_dataframe(df, text="caption", text_vectorizer=vectorizer, batch_size=None)
    assert next(iter(unbatched))["text"].shape == (5,)


def test_grayscale_vgg16_and_waveform_options(files):
    folder, df = files
    gray = from_dataframe(df, image="image", audio="audio", base_dir=folder, image_size=(8, 8),
                          image_channels=1, audio_features="waveform", audio_duration=0.25, batch_size=8)
    inputs = next(iter(gray))
    assert inputs["image"].shape == (8, 8, 8, 1) and inputs["audio"].shape == (8, 4000)
    vgg = from_dataframe(df, image="image", base_dir=folder, image_size=(8, 8), image_scale="vgg16")
    assert next(iter(vgg))["image"].numpy().min() < 0  # mean-subtracted


def test_integer_labels_and_explicit_class_names(files):
    folder, df = files
    df = df.assign(number=[7, 3] * 4)
    inferred = from_dataframe(df, text="caption", label="number", batch_size=8)
    assert inferred.class_names == [3, 7]
    np.testing.assert_array_equal(_all(inferred)[1], [1, 0] * 4)
    explicit = from_dataframe(df, text="caption", label="label", class_names=["dog", "cat", "bird"], batch_size=8)
    assert explicit.class_names == ["dog", "cat", "bird"]
    np.testing.assert_array_equal(_all(explicit)[1], [1, 0] * 4)


def test_shuffle_and_cache_keep_every_row_once(files):
    folder, df = files
    ids = df["caption"].str.cat(pd.Series(range(8), index=df.index).astype(str), sep=" ")
    df = df.assign(caption=ids)
    for cache in (False, True, str(folder / "cache")):
        dataset = from_dataframe(df, image="image", text="caption", label="label", base_dir=folder,
                                 image_size=(4, 4), shuffle=True, seed=3, cache=cache, batch_size=3)
        epochs = [sorted(_all(dataset)[0]["text"].tolist()) for _ in range(2)]
        assert epochs[0] == epochs[1] == sorted(text.encode() for text in ids)
    orders = {tuple(_all(dataset)[0]["text"].tolist()) for _ in range(4)}
    assert len(orders) > 1


def test_absolute_paths_without_base_dir(files):
    folder, df = files
    df = df.assign(image=[str(folder / name) for name in df["image"]])
    dataset = from_dataframe(df, image="image", label="label", image_size=(4, 4), batch_size=8)
    assert _all(dataset)[0]["image"].shape == (8, 4, 4, 3)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"df": [1, 2]}, ArgumentTypeError, "Received: df="),
        ({"df": pd.DataFrame({"caption": []}), "text": "caption"}, ConfigurationError, "no row"),
        ({"image": "picture"}, ConfigurationError, "Received: image='picture'"),
        ({"label": "label"}, ConfigurationError, "At least one"),
        ({"text": "caption", "errors": "ignore"}, ConfigurationError, "Received: errors='ignore'"),
        ({"text": "caption", "batch_size": 0}, ConfigurationError, "Received: batch_size=0"),
        ({"image": "image", "image_channels": 2}, ConfigurationError, "Received: image_channels=2"),
        ({"image": "image", "image_channels": 1, "image_scale": "vgg16"}, ConfigurationError,
         "image_scale='vgg16'.*Received: image_channels=1"),
        ({"audio": "audio", "audio_features": "cqt"}, ConfigurationError, "Received: audio_features='cqt'"),
        ({"audio": "audio", "audio_duration": None}, ArgumentTypeError, "Received: audio_duration=None"),
        ({"audio": "audio", "audio_options": {"n_bins": 3}}, ConfigurationError, "Received: audio_options="),
        ({"text": "caption", "text_vectorizer": "words"}, ArgumentTypeError, "Received: text_vectorizer="),
        ({"text": "caption", "label": "label", "class_names": ["a", "a"]}, ConfigurationError, "class_names="),
    ],
)
def test_invalid_arguments_are_rejected_before_reading_files(files, kwargs, error, match):
    folder, df = files
    kwargs = {"df": df, "base_dir": folder, **kwargs}
    with pytest.raises(error, match=match):
        from_dataframe(**kwargs)


def test_in_memory_cache_keeps_the_check_decode_as_the_only_one(tmp_path, monkeypatch):
    frame = manifest(tmp_path, rows=8)
    options = dict(image="image", audio="audio", label="label", base_dir=tmp_path, image_size=(8, 8),
                   audio_sample_rate=8000, audio_duration=0.5, batch_size=3, shuffle=True, seed=0)
    plain = from_dataframe(frame, **options)
    reads = []
    load_audio = wav.load_audio
    monkeypatch.setattr(wav, "load_audio", lambda path, **kwargs: reads.append(path) or load_audio(path, **kwargs))
    cached = from_dataframe(frame, cache=True, **options)
    epochs = [list(cached) for _ in range(3)]
    resampled = sum(soundfile.info(str(tmp_path / path)).samplerate != 8000 for path in frame["audio"])
    assert len(reads) == resampled > 0  # the 44.1 kHz files go through librosa: once each, however many epochs
    for (inputs, labels), (expected_inputs, expected_labels) in zip(epochs[0], plain):
        np.testing.assert_array_equal(labels, expected_labels)
        np.testing.assert_array_equal(inputs["image"], expected_inputs["image"])
        np.testing.assert_allclose(inputs["audio"], expected_inputs["audio"], atol=1e-5)


@pytest.mark.parametrize("sizes", [[(8, 8)] * 4, [(8, 8), (8, 8), (12, 10), (8, 8)]])
def test_images_are_resized_only_when_the_check_pass_found_one_of_another_size(tmp_path, sizes):
    rng = np.random.default_rng(0)
    pictures = [rng.integers(0, 256, (*size, 3), dtype=np.uint8) for size in sizes]
    for number, pixels in enumerate(pictures):
        tf.io.write_file(str(tmp_path / f"{number}.png"), tf.io.encode_png(pixels))
    frame = pd.DataFrame({"image": [f"{number}.png" for number in range(len(sizes))], "label": ["a", "b", "a", "b"]})
    inputs, _ = _all(from_dataframe(frame, image="image", label="label", base_dir=tmp_path, image_size=(8, 8),
                                    batch_size=2))
    assert inputs["image"].shape == (4, 8, 8, 3)
    for number, pixels in enumerate(pictures):
        expected = tf.image.resize(pixels.astype(np.float32), (8, 8), antialias=True).numpy().clip(0, 255) / 255
        np.testing.assert_allclose(inputs["image"][number], expected, atol=1e-6)
