"""Preprocessing of each modality: text ids, images, audio waveforms and features."""

from mmzoo.preprocessing.audio import (
    audio_features,
    load_audio,
    log_mel_spectrogram,
    mfcc,
    pad_or_trim,
    summary_vector,
)
from mmzoo.preprocessing.image import augmentation, decode_image, load_image
from mmzoo.preprocessing.spectrogram import (LOG_MEL_DEFAULTS, LogMelSpectrogram, log_mel_settings, mel_filterbank,
                                             tf_log_mel_spectrogram)
from mmzoo.preprocessing.text import branch_kwargs, load_vectorizer, save_vectorizer, text_vectorizer
from mmzoo.preprocessing.wav import decode_audio_file

__all__ = [
    "LOG_MEL_DEFAULTS",
    "LogMelSpectrogram",
    "audio_features",
    "augmentation",
    "branch_kwargs",
    "decode_audio_file",
    "decode_image",
    "load_audio",
    "load_image",
    "load_vectorizer",
    "log_mel_settings",
    "log_mel_spectrogram",
    "mel_filterbank",
    "mfcc",
    "pad_or_trim",
    "save_vectorizer",
    "summary_vector",
    "text_vectorizer",
    "tf_log_mel_spectrogram",
]
