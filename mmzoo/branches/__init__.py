"""Branches: one modality's input -> features.

Each builder returns a `keras.Model` with one input, whose output is either a
pooled vector `(batch, dim)` or a token sequence `(batch, steps, dim)` for
attention fusion. Any user `keras.Model` with one input can be a branch too.

- image: `application` (any `keras.applications` network), `vgg16`, `conv2d`
- text: `lstm`, `embedding`
- audio: `dense` (feature vector), `audio_conv2d` (spectrogram)
- pretrained: `from_preset` (keras-hub presets: image, text, audio); `joint_similarity`,
  the loss, temperature and bias a two-tower preset (CLIP, SigLIP) scores pairs with
- `for_input(modality, input_shape)`: the recommended branch for an input shape,
  with settings measured on AV-MNIST
"""

from mmzoo.branches import audio, image, text
from mmzoo.branches.audio import conv2d as audio_conv2d
from mmzoo.branches.audio import dense
from mmzoo.branches.image import application, conv2d, vgg16
from mmzoo.branches.presets import from_preset, joint_similarity
from mmzoo.branches.recommended import for_input
from mmzoo.branches.text import embedding, lstm

__all__ = ["audio", "image", "text", "application", "vgg16", "conv2d", "lstm", "embedding", "dense", "audio_conv2d", "for_input", "from_preset", "joint_similarity"]
