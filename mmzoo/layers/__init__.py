"""Reusable registered Keras layers, written with `keras.ops` so that every backend runs them.

- `BandMeanNormalization`: subtracts, per clip, each frequency band's mean
  over time from a spectrogram (cepstral mean normalisation on log-mel bands).
"""

from mmzoo.layers.band_mean_normalization import BandMeanNormalization

__all__ = ["BandMeanNormalization"]
