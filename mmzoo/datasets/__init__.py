"""Datasets: DataFrame manifests of real files to `tf.data`, and bundled datasets."""

from mmzoo.datasets.av_mnist import load_av_mnist
from mmzoo.datasets.dataframe import BadRow, BadRowsError, from_dataframe
from mmzoo.datasets.registry import available, load

__all__ = ["BadRow", "BadRowsError", "available", "from_dataframe", "load", "load_av_mnist"]
