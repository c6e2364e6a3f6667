"""Reusable registered Keras layers, written with `keras.ops` so that every backend runs them.

One module per layer, named by the layer:

- `ApplicationPreprocessing`: the `preprocess_input` of a
  `keras.applications` network, inside the model (`mmzoo.branches.application`).
- `BandMeanNormalization`: subtracts, per clip, each frequency band's mean
  over time from a spectrogram (cepstral mean normalisation on log-mel bands).
- `ContrastiveLoss`: adds the symmetric InfoNCE loss of paired embeddings of
  every pair of modalities, with a learned temperature (`mmzoo.retrieval`).
- `MaskedGlobalMaxPooling1D`: max over the time steps a padding mask keeps.
- `masked_mean`: the mean of `(batch, steps, dim)` tokens over the steps a
  mask keeps (a function, used by the fusions).
- `MissingModalities`: reads the in-band "missing" marks of raw inputs (NaN,
  all padding, empty strings) into a per-sample mask.
- `ModalityDropout`: drops whole modalities while training and replaces a
  missing modality by a learned embedding
  (`mmzoo.build_model(..., modality_dropout=0.3)`).
- `PresetEncoder`: a pretrained keras-hub encoder with its preset's own
  preprocessing (tokenizer, image or audio converter), raw inputs in
  (`mmzoo.branches.from_preset`).
- `ProductOfExperts`: the logits of the normalised product of several
  classifiers' class probabilities (`mmzoo.product_of_experts`).
- `TokenAndPositionEmbedding`: token embeddings plus learned position
  embeddings, id 0 masked as padding.
- `TrainingOnly`: applies a layer (a random augmentation) in training only,
  the identity when the model is called without `training` or exported
  (`mmzoo.branches.audio_conv2d(frequency_shift=...)`).
"""

from mmzoo.layers.application_preprocessing import ApplicationPreprocessing
from mmzoo.layers.band_mean_normalization import BandMeanNormalization
from mmzoo.layers.contrastive_loss import ContrastiveLoss
from mmzoo.layers.masked_global_max_pooling1d import MaskedGlobalMaxPooling1D
from mmzoo.layers.masked_mean import masked_mean
from mmzoo.layers.missing_modalities import MissingModalities
from mmzoo.layers.modality_dropout import ModalityDropout
from mmzoo.layers.preset_encoder import PresetEncoder
from mmzoo.layers.product_of_experts import ProductOfExperts
from mmzoo.layers.token_and_position_embedding import TokenAndPositionEmbedding
from mmzoo.layers.training_only import TrainingOnly

__all__ = [
    "ApplicationPreprocessing", "BandMeanNormalization", "ContrastiveLoss", "MaskedGlobalMaxPooling1D",
    "masked_mean", "MissingModalities", "ModalityDropout", "PresetEncoder", "ProductOfExperts",
    "TokenAndPositionEmbedding", "TrainingOnly",
]
