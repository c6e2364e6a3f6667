"""Reusable registered Keras layers, written with `keras.ops` so that every backend runs them.

- `BandMeanNormalization`: subtracts, per clip, each frequency band's mean
  over time from a spectrogram (cepstral mean normalisation on log-mel bands).
- `ProductOfExperts`: the logits of the normalised product of several
  classifiers' class probabilities (`mmzoo.product_of_experts`).
"""

from mmzoo.layers.band_mean_normalization import BandMeanNormalization
from mmzoo.layers.product_of_experts import ProductOfExperts

__all__ = ["BandMeanNormalization", "ProductOfExperts"]
