"""The hand-written reference of the AV-MNIST bench: plain Keras and numpy, no mmzoo.

What a user writes in twenty lines on the same arrays: a small Conv2D tower
per modality (two Conv2D + MaxPooling blocks, `Flatten`, `Dense(64)`), the
towers concatenated (or their logits summed, for late fusion), a softmax;
the spectrograms standardised with the training mean and standard
deviation; Adam at its default rate, batch 64. `bench/av_mnist.py` trains it
side by side with mmzoo's models, on the same data, seeds and epochs.
"""

import time

import keras
import numpy as np
from sklearn.metrics import f1_score

MODELS = ("image only", "audio only", "concat", "late")
"""The models of the reference, named as in `mmzoo.experiments.av_mnist`."""


def _tower(inputs):
    x = inputs
    for filters in (16, 32):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    return keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(x))


def _build(name, image_shape, audio_shape):
    image, audio = keras.Input(image_shape), keras.Input(audio_shape)
    inputs = {"image only": [image], "audio only": [audio], "concat": [image, audio], "late": [image, audio]}[name]
    towers = [_tower(x) for x in inputs]
    if name == "late":
        logits = keras.layers.Add()([keras.layers.Dense(10)(tower) for tower in towers])
    else:
        logits = keras.layers.Dense(10)(towers[0] if len(towers) == 1 else keras.layers.Concatenate()(towers))
    return keras.Model(inputs, keras.layers.Softmax()(logits))


def train_and_evaluate(name, train, test, epochs=5, seed=0, batch_size=64):
    """Trains one reference model and judges it on the test split.

    Args:
        name: One of `MODELS`.
        train: `(inputs, labels)` numpy training pairs, inputs keyed "image" and "audio".
        test: `(inputs, labels)` numpy test pairs.
        epochs: Training epochs.
        seed: Seed of the weights and the shuffling.
        batch_size: Samples per step.

    Returns:
        Dict of model, accuracy, macro_f1, parameters and training_seconds,
        as `mmzoo.experiments.av_mnist.Result.row()`.
    """
    mean, std = train[0]["audio"].mean(), train[0]["audio"].std()

    def arrays(inputs):
        pairs = {"image": inputs["image"], "audio": ((inputs["audio"] - mean) / std)[..., None]}
        return [pairs[key] for key in {"image only": ["image"], "audio only": ["audio"]}.get(name, ["image", "audio"])]

    keras.utils.set_random_seed(seed)
    model = _build(name, train[0]["image"].shape[1:], train[0]["audio"].shape[1:] + (1,))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(arrays(train[0]), train[1], epochs=epochs, batch_size=batch_size, verbose=0)
    seconds = time.perf_counter() - start
    predicted = np.argmax(model.predict(arrays(test[0]), batch_size=256, verbose=0), axis=-1)
    return {"model": name, "accuracy": float(np.mean(predicted == test[1])),
            "macro_f1": float(f1_score(test[1], predicted, average="macro")),
            "parameters": int(model.count_params()), "training_seconds": seconds}
