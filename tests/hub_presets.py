"""Tiny random keras-hub presets saved with keras-hub's own classes, loaded as a user's downloaded ones.

`save_tiny_presets(folder)` writes four preset folders (a few kB of
weights each) and returns `{kind: path}`:

- `"text"`: a BERT backbone with a WordPiece tokenizer of 16 words;
- `"image"`: a ViT backbone on 32x32 images with its image converter;
- `"audio"`: a Whisper backbone with an audio converter for 1 s at 1.6 kHz;
- `"no_tokenizer"`: the BERT backbone without its tokenizer.
"""

import os
import shutil

import numpy as np
from bench_common import clip_bpe_vocabulary

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "cat", "dog", "sat", "ran", "red",
              "blue", "big", "small", "on"]
IMAGE_SIZE = 32
SAMPLE_RATE = 1600
AUDIO_SAMPLES = SAMPLE_RATE


def save_tiny_presets(folder):
    """Saves the tiny presets into `folder`; returns `{kind: preset folder}`."""
    import keras_hub

    paths = {kind: os.path.join(folder, kind) for kind in ("text", "image", "audio", "no_tokenizer")}
    keras_hub.models.BertBackbone(vocabulary_size=len(VOCABULARY), num_layers=1, num_heads=2, hidden_dim=16,
                                  intermediate_dim=32, max_sequence_length=32).save_to_preset(paths["text"])
    shutil.copytree(paths["text"], paths["no_tokenizer"])
    keras_hub.tokenizers.BertTokenizer(vocabulary=VOCABULARY).save_to_preset(paths["text"])
    keras_hub.models.ViTBackbone(image_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), patch_size=8, num_layers=1, num_heads=2,
                                 hidden_dim=16, mlp_dim=32).save_to_preset(paths["image"])
    keras_hub.layers.ViTImageConverter(image_size=(IMAGE_SIZE, IMAGE_SIZE), scale=1 / 255.0).save_to_preset(
        paths["image"])
    keras_hub.models.WhisperBackbone(vocabulary_size=16, num_layers=1, num_heads=2, hidden_dim=16,
                                     intermediate_dim=32, num_mels=16, max_encoder_sequence_length=50,
                                     max_decoder_sequence_length=8).save_to_preset(paths["audio"])
    keras_hub.layers.WhisperAudioConverter(num_mels=16, num_fft_bins=64, stride=32, sampling_rate=SAMPLE_RATE,
                                           max_audio_length=1).save_to_preset(paths["audio"])
    return paths


def example_data(count, seed=0):
    """Raw inputs for the tiny presets and a label each modality tells on its own.

    Label 1: texts about a cat, bright images, a high tone; label 0: a dog,
    dark images, a low tone.

    Returns:
        `(inputs, labels)`: `{"text": object array of strings, "image":
        (count, 32, 32, 3) pixels in [0, 255], "audio": (count, 1600)
        waveforms}` and int labels.
    """
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 2
    words = np.array(["the", "a", "red", "blue", "big", "small", "sat", "ran", "on"])
    texts = np.array([" ".join([*rng.choice(words, 3), "cat" if label else "dog", *rng.choice(words, 2)])
                      for label in labels], dtype=object)
    brightness = np.where(labels, 200.0, 50.0)[:, None, None, None]
    images = np.clip(brightness + rng.normal(0, 30, (count, IMAGE_SIZE, IMAGE_SIZE, 3)), 0, 255).astype("float32")
    time = np.arange(AUDIO_SAMPLES) / SAMPLE_RATE
    tones = np.where(labels, 600.0, 150.0)[:, None]
    audio = (np.sin(2 * np.pi * tones * time) + rng.normal(0, 0.05, (count, AUDIO_SAMPLES))).astype("float32")
    return {"text": texts, "image": images, "audio": audio}, labels


def save_tiny_clip(folder):
    """Saves a tiny random CLIP pair of towers with its tokenizer and image converter; returns the folder."""
    import keras_hub

    path = os.path.join(folder, "clip")
    vocabulary, merges = clip_bpe_vocabulary(["a", "the", "photo", "of", "cat", "dog", "car", "tree", "red", "blue",
                                              "small", "big", "on", "near"])
    vision = keras_hub.models.CLIPVisionEncoder(patch_size=8, hidden_dim=16, num_layers=1, num_heads=2,
                                                intermediate_dim=32, image_shape=(IMAGE_SIZE, IMAGE_SIZE, 3))
    text = keras_hub.models.CLIPTextEncoder(vocabulary_size=len(vocabulary), embedding_dim=16, hidden_dim=16,
                                            num_layers=1, num_heads=2, intermediate_dim=32, max_sequence_length=16)
    backbone = keras_hub.models.CLIPBackbone(vision, text, projection_dim=8)
    backbone.clip_head.logit_scale.assign(np.log(100.0))  # a trained CLIP's scale, at CLIP's cap
    backbone.save_to_preset(path)
    keras_hub.tokenizers.CLIPTokenizer(vocabulary=vocabulary, merges=merges).save_to_preset(path)
    keras_hub.layers.CLIPImageConverter(image_size=(IMAGE_SIZE, IMAGE_SIZE)).save_to_preset(path)
    return path


def save_tiny_siglip(folder):
    """Saves a tiny random SigLIP pair of towers (they pool and project themselves) with its tokenizer; returns the folder."""
    import io

    import keras_hub
    import sentencepiece

    path = os.path.join(folder, "siglip")
    proto = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(["a photo of a cat", "the red car", "a big dog near the tree", "a small blue tree"]),
        model_writer=proto, vocab_size=16, model_type="WORD", pad_id=0, bos_id=-1, eos_id=1, unk_id=2,
        unk_piece="<unk>", eos_piece="</s>", pad_piece="<pad>")
    tokenizer = keras_hub.tokenizers.SigLIPTokenizer(proto=proto.getvalue())
    vision = keras_hub.models.SigLIPVisionEncoder(patch_size=8, hidden_dim=16, num_layers=1, num_heads=2,
                                                  intermediate_dim=32, image_shape=(IMAGE_SIZE, IMAGE_SIZE, 3))
    text = keras_hub.models.SigLIPTextEncoder(vocabulary_size=tokenizer.vocabulary_size(), embedding_dim=16,
                                              hidden_dim=16, num_layers=1, num_heads=2, intermediate_dim=32,
                                              max_sequence_length=16)
    backbone = keras_hub.models.SigLIPBackbone(vision, text)
    backbone.siglip_head.logit_scale.assign(np.log(120.0))  # learned values as a trained SigLIP's: a scale above
    backbone.siglip_head.logit_bias.assign(-12.0)  # CLIP's cap of 100, a large negative bias
    backbone.save_to_preset(path)
    tokenizer.save_to_preset(path)
    keras_hub.layers.SigLIPImageConverter(image_size=(IMAGE_SIZE, IMAGE_SIZE)).save_to_preset(path)
    return path
