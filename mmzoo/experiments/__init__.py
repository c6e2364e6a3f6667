"""Reproducible experiments on the bundled data, shared by `mmzoo demo` and `bench/`."""

from mmzoo.experiments import av_mnist

__all__ = ["av_mnist"]
