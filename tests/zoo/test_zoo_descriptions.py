"""The zoo's architecture texts say the builders' real defaults.

Texts with `{parameter}` placeholders are filled from the builder's
signature; for the texts that restate a default in words, each stated
snippet is checked against `inspect.signature` of the builder.
"""

import textwrap

import numpy as np
import pytest

import mmzoo
from mmzoo.zoo import gan, registry

STATED_DEFAULTS = {
    "feature_concat_binary": ["image features ({image_dim}) -> Dense({units}, relu)",
                              "text features ({text_dim})   -> Dense({units}, relu)"],
    "dot_gated_fusion": ["image features ({image_dim}) -> Dense({units}, relu)",
                         "Embedding({vocab_size}, {embedding_dim}, mask_zero) -> LSTM({units})"],
    "mha_text_image": ["image features ({image_dim}) -> Dense({units}, relu)",
                       "Embedding({vocab_size}, {embedding_dim}, mask_zero) -> LSTM({units})",
                       "MultiHeadAttention(num_heads={num_heads}, key_dim={key_dim})"],
    "vgg16_lstm_classifier": ["image {image_shape[0]}x{image_shape[1]}x{image_shape[2]} -> VGG16",
                              "Embedding({vocab_size}, {embedding_dim}, mask_zero) -> LSTM({units})"],
    "conv_lstm_classifier": ["image {image_shape[0]}x{image_shape[1]}x{image_shape[2]} -> Conv2D({filters}, 3x3",
                             "Embedding({vocab_size}, {embedding_dim}, mask_zero) -> LSTM({units})",
                             "Dense({num_classes}, softmax)"],
    "trimodal_classifier": ["global max -> Dense({units})",
                            "Embedding({vocab_size}, {embedding_dim}) -> LSTM({units})",
                            "speech features ({audio_dim}) -> BatchNorm -> Dense({units})",
                            "MultiHeadAttention({num_heads} heads)"],
    "weighted_fusion_classifier": ["({units} features each)", "projected by Dense({units})"],
    "deep_fusion_classifier": ["Embedding({vocab_size}, {embedding_dim}, mask_zero)",
                               "speech spectrogram ({spectrogram_shape[0]}x{spectrogram_shape[1]})",
                               "Dense({hidden_units[0]}, relu) -> Dense({hidden_units[1]}, relu)"],
    "multitask_classifier": ["Dense({units}, relu) -> Dense(classes, softmax)"],
}


def test_every_architecture_text_is_filled_from_the_builder():
    for name in mmzoo.zoo.available():
        text = registry.get(name).architecture_text()
        assert "{" not in text and "}" not in text, name
        assert textwrap.indent(text, "  ") in mmzoo.zoo.describe(name)


@pytest.mark.parametrize("name", sorted(STATED_DEFAULTS))
def test_a_stated_default_is_the_builders_default(name):
    entry = registry.get(name)
    text = " ".join(entry.architecture_text().split())
    for snippet in STATED_DEFAULTS[name]:
        stated = " ".join(snippet.format(**entry.defaults()).split())
        assert stated in text, f"{name}: the text no longer says {stated!r}"


def test_the_gan_text_gives_each_network_its_own_default_optimizer():
    model = mmzoo.zoo.build("conditional_gan")
    model.compile()
    text = registry.get("conditional_gan").architecture_text()
    for optimizer, network in ((model.d_optimizer, "D"), (model.g_optimizer, "G")):
        rate = float(np.asarray(optimizer.learning_rate))
        assert f"Adam({rate:g}, beta_1={float(optimizer.beta_1):g}) for {network}" in text
    assert float(np.asarray(model.d_optimizer.learning_rate)) == pytest.approx(gan.D_LEARNING_RATE)
