"""A DataFrame of real PNG/JPEG, WAV (8 and 44.1 kHz, mono and stereo) and text files trains a three-branch model."""

import numpy as np

import mmzoo
from mmzoo import branches, heads
from mmzoo.datasets import from_dataframe
from mmzoo.preprocessing import branch_kwargs, text_vectorizer
from media_files import manifest


def test_three_branch_model_trains_one_epoch_on_real_files(tmp_path):
    df = manifest(tmp_path, rows=16)
    vectorizer = text_vectorizer(df["caption"], max_tokens=50, sequence_length=8)
    audio_options = {"n_mels": 24, "hop_length": 200, "n_fft": 512}
    dataset = from_dataframe(
        df, image="image", text="caption", audio="audio", label="label", base_dir=tmp_path,
        image_size=(16, 16), image_channels=3, audio_sample_rate=8000, audio_duration=0.5,
        audio_options=audio_options, text_vectorizer=vectorizer, batch_size=4, shuffle=True, seed=0,
    )
    audio_shape = dataset.element_spec[0]["audio"].shape[1:]
    assert tuple(audio_shape) == (21, 24)
    model = mmzoo.build_model(
        branches={
            "image": branches.conv2d(input_shape=(16, 16, 3), filters=(8,)),
            "text": branches.lstm(**branch_kwargs(vectorizer), embedding_dim=8, units=8),
            "audio": branches.audio_conv2d(input_shape=tuple(audio_shape), filters=(8,)),
        },
        fusion="concat",
        head=heads.multiclass(len(dataset.class_names)),
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    before = [weight.copy() for weight in model.get_weights()]
    history = model.fit(dataset, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    probabilities = model.predict(dataset.map(lambda inputs, label: inputs), verbose=0)
    assert probabilities.shape == (16, 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
