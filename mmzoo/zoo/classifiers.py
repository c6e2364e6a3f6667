"""The classifier tutorial models: CNN/VGG16 + LSTM, trimodal fusions, decision fusion, multitask."""

import mmzoo.branches as branches
import mmzoo.heads as heads
from mmzoo._deprecation import renamed_arguments
from mmzoo._docstrings import shared_arguments
from mmzoo.assemble import build_model
from mmzoo._checks import check_choice
from mmzoo.errors import ConfigurationError
from mmzoo.fusion import AttentionFusion, ConcatFusion, LateFusion, NonlinearFusion, WeightedFusion
from mmzoo.zoo.example_data import example_inputs, labelled_data
from mmzoo.zoo.registry import ZooEntry, register


_TEXT_ARGS = """vocab_size: Number of token ids (0 is padding).
        sequence_length: Tokens per text.
        embedding_dim: Size of the token embeddings."""
_IMAGE_TEXT_RETURNS = """Returns:
        A `keras.Model` with inputs `image` and `text`, output `label`."""
_TRIMODAL_ARGS = f"""image_shape: Image size.
        {_TEXT_ARGS}
        audio_dim: Size of the speech feature vector."""
_TRIMODAL_RETURNS = """Returns:
        A `keras.Model` with inputs `image`, `text`, `audio`, output `label`."""
_documented = shared_arguments(text_args=_TEXT_ARGS, image_text_returns=_IMAGE_TEXT_RETURNS,
                               trimodal_args=_TRIMODAL_ARGS, trimodal_returns=_TRIMODAL_RETURNS)


def _image_text_classifier(image_branch, vocab_size, sequence_length, embedding_dim, units, num_classes, name):
    """An image branch and an LSTM text branch, concatenated, softmax."""
    return build_model(
        branches={
            "image": image_branch,
            "text": branches.lstm(vocab_size, sequence_length, embedding_dim=embedding_dim, units=units),
        },
        fusion=ConcatFusion(name="concat_fusion"),
        head=heads.multiclass(num_classes),
        name=name,
    )


@_documented
@renamed_arguments(input_shape="image_shape", lstm_units="units")
def vgg16_lstm_classifier(image_shape=(224, 224, 3), weights="imagenet", trainable=False, vocab_size=10000,
                          sequence_length=20, embedding_dim=128, units=128, num_classes=10):
    """Frozen VGG16 image features (flattened) and an LSTM text encoder, concatenated, softmax.

    Args:
        image_shape: Image size, at least 32x32.
        weights: VGG16 weights: "imagenet", None or a local weights file.
        trainable: Whether VGG16 is trained too.
        {{text_args}}
        units: Size of the LSTM state (the text features).
        num_classes: Number of classes.

    {{image_text_returns}}
    """
    image_branch = branches.vgg16(input_shape=image_shape, weights=weights, trainable=trainable)
    return _image_text_classifier(image_branch, vocab_size, sequence_length, embedding_dim, units, num_classes,
                                  name="vgg16_lstm_classifier")


@_documented
@renamed_arguments(input_shape="image_shape", lstm_units="units")
def conv_lstm_classifier(image_shape=(64, 64, 3), filters=32, vocab_size=10000, sequence_length=20,
                         embedding_dim=64, units=64, num_classes=10):
    """One Conv2D + MaxPooling block on the image and an LSTM on the text, concatenated, softmax.

    Args:
        image_shape: Image size.
        filters: Filters of the convolution.
        {{text_args}}
        units: Size of the LSTM state (the text features).
        num_classes: Number of classes.

    {{image_text_returns}}
    """
    image_branch = branches.conv2d(input_shape=image_shape, filters=(filters,), padding="valid")
    return _image_text_classifier(image_branch, vocab_size, sequence_length, embedding_dim, units, num_classes,
                                  name="conv_lstm_classifier")


@_documented
def trimodal_branches(image_shape, vocab_size, sequence_length, embedding_dim, audio_dim, units):
    """The image, text and speech branches the trimodal zoo models share.

    Args:
        {{trimodal_args}}
        units: Size of each branch's features.

    Returns:
        Dict `{"image": conv2d, "text": lstm, "audio": dense}` of new branches.
    """
    return {
        "image": branches.conv2d(input_shape=image_shape, filters=(16, 32), pooling="max", units=units),
        "text": branches.lstm(vocab_size, sequence_length, embedding_dim=embedding_dim, units=units),
        "audio": branches.dense(audio_dim, hidden_units=(units,), batch_norm=True),
    }


@_documented
def trimodal_classifier(image_shape=(32, 32, 3), vocab_size=1000, sequence_length=20, embedding_dim=64,
                        audio_dim=64, units=64, num_heads=2, key_dim=32, num_classes=10):
    """Image, text and speech branches fused by cross-modal attention into a classifier.

    Args:
        {{trimodal_args}}
        units: Size of each branch's features and of the attention tokens.
        num_heads: Attention heads.
        key_dim: Size of each head's queries and keys.
        num_classes: Number of classes.

    {{trimodal_returns}}
    """
    return build_model(
        branches=trimodal_branches(image_shape, vocab_size, sequence_length, embedding_dim, audio_dim, units),
        fusion=AttentionFusion(num_heads=num_heads, key_dim=key_dim, units=units, name="attention_fusion"),
        head=heads.multiclass(num_classes, hidden_units=(units,)),
        name="trimodal_classifier",
    )


@_documented
def weighted_fusion_classifier(variant="linear", image_shape=(32, 32, 3), vocab_size=1000, sequence_length=20,
                               embedding_dim=64, audio_dim=64, units=64, num_classes=10):
    """X = sum_m w_m X_m (or ReLU of it) over image, text and speech, then softmax.

    After training, `model.get_layer("weighted_fusion").modality_weights()`
    returns the learned weight of each modality.

    Args:
        variant: "linear" (X = sum_m w_m X_m) or "nonlinear" (ReLU of it).
        {{trimodal_args}}
        units: Size of each branch's features and of the common projection.
        num_classes: Number of classes.

    {{trimodal_returns}}

    Raises:
        ValueError: unknown `variant`.
    """
    check_choice("variant", variant, ("linear", "nonlinear"))
    fusion_class = WeightedFusion if variant == "linear" else NonlinearFusion
    return build_model(
        branches=trimodal_branches(image_shape, vocab_size, sequence_length, embedding_dim, audio_dim, units),
        fusion=fusion_class(units=units, name="weighted_fusion"),
        head=heads.multiclass(num_classes),
        name=f"weighted_fusion_classifier_{variant}",
    )


@_documented
def deep_fusion_classifier(image_shape=(32, 32, 3), vocab_size=1000, sequence_length=20, embedding_dim=64,
                           spectrogram_shape=(32, 32), hidden_units=(128, 64), num_classes=10):
    """Conv image, embedded text and conv speech spectrogram, concatenated, then fully connected layers.

    Args:
        image_shape: Image size.
        {{text_args}}
        spectrogram_shape: `(time, frequency)` of the speech spectrogram.
        hidden_units: Widths of the fully connected layers after fusion.
        num_classes: Number of classes.

    {{trimodal_returns}}
    """
    return build_model(
        branches={
            "image": branches.conv2d(input_shape=image_shape, filters=(16, 32)),
            "text": branches.embedding(vocab_size, sequence_length, embedding_dim=embedding_dim),
            "audio": branches.audio_conv2d(input_shape=spectrogram_shape, filters=(16, 32)),
        },
        fusion=ConcatFusion(name="concat_fusion"),
        head=heads.multiclass(num_classes, hidden_units=hidden_units),
        name="deep_fusion_classifier",
    )


@_documented
def decision_fusion_classifier(image_shape=(32, 32, 3), vocab_size=1000, sequence_length=20, embedding_dim=64,
                               audio_dim=64, units=64, num_classes=10):
    """One classifier per modality, combined as softmax(sum_m w_m y_m) with learned w.

    After training, `model.get_layer("late_fusion").modality_weights()`
    returns the learned weight of each modality's decision.

    Args:
        {{trimodal_args}}
        units: Size of each branch's features.
        num_classes: Number of classes.

    {{trimodal_returns}}
    """
    return build_model(
        branches=trimodal_branches(image_shape, vocab_size, sequence_length, embedding_dim, audio_dim, units),
        fusion=LateFusion(name="late_fusion"),
        head=heads.multiclass(num_classes),
        name="decision_fusion_classifier",
    )


@_documented
def multitask_classifier(image_shape=(32, 32, 3), vocab_size=1000, sequence_length=20, embedding_dim=64,
                         audio_dim=64, units=64, tasks=(("shape", 4), ("pitch", 4)),
                         loss_weights=(("shape", 1.0), ("pitch", 1.0))):
    """One fused representation of image, text and speech; several classifiers trained together.

    Args:
        {{trimodal_args}}
        units: Size of each branch's features.
        tasks: Pairs `(output name, number of classes)`, e.g. the shape
            drawn and the pitch heard, or a digit and a speaker.
        loss_weights: Pairs `(output name, weight)` of the losses.

    Returns:
        A `keras.Model` with inputs `image`, `text`, `audio` and one output
        per task.
    """
    return build_model(
        branches=trimodal_branches(image_shape, vocab_size, sequence_length, embedding_dim, audio_dim, units),
        fusion=ConcatFusion(name="concat_fusion"),
        head=heads.multitask(
            {name: heads.multiclass(count, hidden_units=(units,)) for name, count in dict(tasks).items()},
            loss_weights=dict(loss_weights),
        ),
        name="multitask_classifier",
    )


_TEXT_IDS = ("ids", "sequence_length", "vocab_size")
_image_text_data = labelled_data("image+text", "sum", image=("pixels", "image_shape"), text=_TEXT_IDS)
# Binary labels: offline, VGG16's weights are random and the text carries most of the signal.
_vgg16_image_text_data = labelled_data("image+text", "threshold", image=("pixels", "image_shape"), text=_TEXT_IDS)
_trimodal_data = labelled_data("image+text+audio", "sum", image=("pixels", "image_shape"), text=_TEXT_IDS,
                               audio=("features", "audio_dim"))
_deep_fusion_data = labelled_data("image+text+audio", "sum", image=("pixels", "image_shape"), text=_TEXT_IDS,
                                  audio=("spectrogram", "spectrogram_shape"))


def _multitask_data(num_samples, seed, config):
    inputs, _, factors = example_inputs(num_samples, seed, "image", image=("pixels", config["image_shape"]),
                                        text=("ids", config["sequence_length"], config["vocab_size"]),
                                        audio=("features", config["audio_dim"]))
    sources = {"shape": "image", "colour": "text", "pitch": "audio"}
    unknown = [name for name, _ in config["tasks"] if name not in sources]
    if unknown:
        raise ConfigurationError(
            f"The bundled data has labels for the tasks {sorted(sources)} only. Received: tasks={config['tasks']!r}"
        )
    return inputs, {name: factors[sources[name]].astype("int32") for name, _ in config["tasks"]}


register(ZooEntry(
    name="vgg16_lstm_classifier",
    summary="Frozen VGG16 (ImageNet, flattened) + Embedding/LSTM(128) text, concatenated, softmax.",
    modalities=("image", "text"),
    reproduces="The VGG16 + LSTM image-text classification tutorial (transfer learning, frozen backbone).",
    architecture="""
        image 224x224x3 -> VGG16 (ImageNet weights, no top, frozen) -> Flatten (25088)
        text ids -> Embedding(10000, 128, mask_zero) -> LSTM(128)
        Concatenate -> Dense(num_classes, softmax); Adam, cross-entropy, accuracy
    """,
    corrections=(
        "The tutorial used an RNN 'application' from keras.applications that does not exist; the "
        "text encoder is an Embedding + LSTM.",
        "Texts are turned into ids with keras.layers.TextVectorization (mmzoo.preprocessing), not "
        "the removed keras.preprocessing.text.Tokenizer.",
        "Labels are class ids with sparse categorical cross-entropy (the tutorial's categorical "
        "cross-entropy on one-hot labels, without the to_categorical step).",
        "ImageNet weights download on first use; offline, pass weights=None or a local weights file.",
    ),
    builder=vgg16_lstm_classifier,
    example_data=_vgg16_image_text_data,
))

register(ZooEntry(
    name="conv_lstm_classifier",
    summary="Conv2D(32) + MaxPooling on 64x64x3 images and Embedding/LSTM(64) text, concatenated, softmax.",
    modalities=("image", "text"),
    reproduces="The small CNN + LSTM image-text classification tutorial.",
    architecture="""
        image 64x64x3 -> Conv2D(32, 3x3, relu, valid) -> MaxPooling(2x2) -> Flatten (30752)
        text ids -> Embedding(10000, 64, mask_zero) -> LSTM(64)
        Concatenate -> Dense(10, softmax)
    """,
    corrections=(
        "The tutorial fed the 2-D output of a Dense layer to the LSTM; the LSTM reads the 3-D "
        "(batch, steps, 64) Embedding output.",
        "Texts become ids with TextVectorization, not the removed Tokenizer.",
    ),
    builder=conv_lstm_classifier,
    example_data=_image_text_data,
))

register(ZooEntry(
    name="trimodal_classifier",
    summary="Text, image and speech branches fused by multi-head cross-modal attention, softmax.",
    modalities=("image", "text", "audio"),
    reproduces="The text + image + speech attention-fusion tutorial, reported with accuracy, recall, "
               "F1, confusion matrix and ROC.",
    architecture="""
        image -> Conv2D(16), Conv2D(32) + MaxPooling -> global max -> Dense(64)
        text ids -> Embedding(1000, 64) -> LSTM(64)
        speech features (64) -> BatchNorm -> Dense(64)
        AttentionFusion: one token per modality + modality embedding -> MultiHeadAttention(2 heads)
        -> residual + LayerNorm -> mean over tokens -> Dense(64, relu) -> Dense(num_classes, softmax)
    """,
    corrections=(
        "The tutorial's attention output (3-D) was concatenated with 2-D vectors; here attention "
        "runs over modality tokens and is pooled to a vector before the classifier.",
        "Speech features enter a Dense branch, not an Embedding (Embedding needs integer ids, not "
        "float features).",
    ),
    builder=trimodal_classifier,
    example_data=_trimodal_data,
))

register(ZooEntry(
    name="weighted_fusion_classifier",
    summary="Linear fusion X = sum_m w_m X_m (or ReLU of it) of image, text and speech, learned weights.",
    modalities=("image", "text", "audio"),
    reproduces="The linear and nonlinear weighted-fusion formulas of the multimodal fusion tutorials.",
    architecture="""
        image, text, speech branches as trimodal_classifier (64 features each)
        each projected by Dense(64); X = sum_m w_m X_m with w = softmax(learned scores)
        variant="nonlinear": ReLU(X); then Dense(num_classes, softmax)
    """,
    corrections=(
        "The weights are variables of a registered layer, readable after training with "
        "modality_weights(), instead of Python floats fixed before training.",
    ),
    builder=weighted_fusion_classifier,
    example_data=_trimodal_data,
))

register(ZooEntry(
    name="deep_fusion_classifier",
    summary="Image Conv+Pooling, text Embedding, speech Conv+Pooling, concatenated, fully connected layers.",
    modalities=("image", "text", "audio"),
    reproduces="The deep (intermediate) fusion tutorial with a convolutional speech spectrogram branch.",
    architecture="""
        image -> [Conv2D + MaxPooling] x2 (16, 32) -> Flatten
        text ids -> Embedding(1000, 64, mask_zero) -> masked average
        speech spectrogram (32x32) -> [Conv2D + MaxPooling] x2 (16, 32) -> Flatten
        Concatenate -> Dense(128, relu) -> Dense(64, relu) -> Dense(num_classes, softmax)
    """,
    corrections=(
        "The text Embedding output is 3-D; it is averaged over the (unpadded) tokens before the "
        "concatenation instead of being concatenated as is.",
        "The spectrogram gets its channel axis inside the model (a Reshape layer, not a Lambda).",
    ),
    builder=deep_fusion_classifier,
    example_data=_deep_fusion_data,
))

register(ZooEntry(
    name="decision_fusion_classifier",
    summary="Decision-level fusion: one classifier per modality, softmax(sum_m w_m y_m) with learned w.",
    modalities=("image", "text", "audio"),
    reproduces="The decision-level (late) fusion formula of the multimodal fusion tutorials.",
    architecture="""
        image, text, speech branches as trimodal_classifier
        y_m = Dense(num_classes)(features_m) for each modality
        p = softmax(sum_m w_m y_m), w learned (starts at 1/3 each)
    """,
    corrections=(
        "The per-modality decisions are combined inside the model (a registered LateFusion layer), "
        "so the weights are learned end to end instead of averaging three separately trained models.",
    ),
    builder=decision_fusion_classifier,
    example_data=_trimodal_data,
))

register(ZooEntry(
    name="multitask_classifier",
    summary="One fused image + text + speech representation, two classifiers trained together.",
    modalities=("image", "text", "audio"),
    reproduces="The multitask tutorial: shared multimodal encoder, one head per task, weighted losses.",
    architecture="""
        image, text, speech branches as trimodal_classifier -> Concatenate
        -> per task: Dense(64, relu) -> Dense(classes, softmax), named outputs ("shape", "pitch")
        loss = sum_t loss_weight_t * loss_t
    """,
    corrections=(
        "Outputs are named, so labels are passed as a dict and loss weights by name, not by position.",
    ),
    builder=multitask_classifier,
    example_data=_multitask_data,
))
