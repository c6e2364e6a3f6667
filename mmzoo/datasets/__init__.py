"""Datasets: DataFrame manifests of real files to `tf.data`, prepared shards of them, and bundled datasets."""

from mmzoo.datasets.av_mnist import hold_out_speaker, load_av_mnist
from mmzoo.datasets.dataframe import BadRow, BadRowsError, from_dataframe
from mmzoo.datasets.decoding import Decoding, decoding_path
from mmzoo.datasets.prepared import from_prepared, prepare
from mmzoo.datasets.registry import available, load
from mmzoo.datasets.splits import split

__all__ = ["BadRow", "BadRowsError", "Decoding", "available", "decoding_path", "from_dataframe", "from_prepared",
           "hold_out_speaker", "load", "load_av_mnist", "prepare", "split"]
