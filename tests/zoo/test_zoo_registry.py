import pytest

from mmzoo import zoo

EXPECTED = [
    "feature_concat_binary", "dot_gated_fusion", "mha_text_image", "vgg16_lstm_classifier",
    "conv_lstm_classifier", "trimodal_classifier", "weighted_fusion_classifier", "deep_fusion_classifier",
    "decision_fusion_classifier", "multitask_classifier", "trimodal_captioner", "conditional_gan",
    "pretrained_image_text_classifier", "pretrained_trimodal_classifier", "pretrained_dual_encoder", "dual_encoder",
]


def test_list_names_every_entry_with_a_summary():
    listed = zoo.available()
    assert list(listed) == EXPECTED
    assert all(isinstance(summary, str) and 20 < len(summary) < 120 for summary in listed.values())


@pytest.mark.parametrize("name", EXPECTED)
def test_describe_gives_architecture_source_and_corrections(name):
    text = zoo.describe(name)
    entry = zoo.get(name)
    assert text.startswith(f"{name}: ")
    for heading in ("Architecture:", "Reproduces:", "Corrections to the tutorial code:", "Defaults"):
        assert heading in text
    assert entry.corrections, f"{name} names no correction"
    for correction in entry.corrections:
        assert correction in text


@pytest.mark.parametrize("name, words", [
    ("mha_text_image", ["3-D", "pooled"]),
    ("vgg16_lstm_classifier", ["does not exist", "Tokenizer"]),
    ("conv_lstm_classifier", ["2-D", "LSTM"]),
    ("dot_gated_fusion", ["Lambda"]),
    ("trimodal_classifier", ["Embedding"]),
])
def test_describe_names_the_tutorial_bugs(name, words):
    corrections = " ".join(zoo.get(name).corrections)
    for word in words:
        assert word in corrections


def test_unknown_name_lists_the_available_ones():
    with pytest.raises(ValueError, match="available: .*feature_concat_binary") as raised:
        zoo.build("resnet_transformer_xl")
    assert "Received: name='resnet_transformer_xl'" in str(raised.value)


def test_unknown_override_names_the_accepted_ones():
    with pytest.raises(ValueError, match=r"no argument\(s\) \['num_layers'\]") as raised:
        zoo.build("conv_lstm_classifier", num_layers=3)
    assert "num_classes" in str(raised.value) and "Received: num_layers=3" in str(raised.value)


def test_name_must_be_a_string():
    with pytest.raises(TypeError, match="Received: name=3"):
        zoo.describe(3)
