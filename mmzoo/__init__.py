"""mmzoo: multimodal (image + text + audio) models for TensorFlow / Keras 3.

Compose a model from one branch per modality, a fusion and a head:

    >>> import mmzoo
    >>> from mmzoo import branches, heads
    >>> model = mmzoo.build_model(
    ...     branches={"image": branches.conv2d(input_shape=(28, 28, 1)),
    ...               "audio": branches.dense(input_dim=128)},
    ...     fusion="gated",
    ...     head=heads.multiclass(10),
    ... )

Subpackages: `branches`, `fusion`, `heads` (compose), `zoo` (the tutorial
models by name), `datasets` and `preprocessing` (data), `training` (compile
and fit on one or many devices), `evaluation` (metrics per output) and
`plots` (figures of training and evaluation), `export` (`.keras`,
SavedModel and TFLite, with a size/accuracy report), `robustness` (noisy
and missing modalities, ablation, `ModalityDropout`).
"""

from mmzoo import (
    branches, datasets, evaluation, export, fusion, heads, plots, preprocessing, robustness, training, zoo,
)
from mmzoo.assemble import build_model
from mmzoo.errors import ArgumentTypeError, ConfigurationError, MmzooError
from mmzoo.robustness import ModalityDropout

__version__ = "0.1.0"

__all__ = [
    "build_model", "branches", "fusion", "heads", "zoo", "training", "datasets", "preprocessing",
    "evaluation", "plots", "export", "robustness", "ModalityDropout",
    "MmzooError", "ConfigurationError", "ArgumentTypeError", "__version__",
]
