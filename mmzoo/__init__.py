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

`import mmzoo` does not import TensorFlow unless Keras is already loaded,
so that the `mmzoo` command answers `--help` and argument errors at once:
the first use of any public name below imports every subpackage (and
registers mmzoo's layers for `keras.saving.load_model`). To load a saved
model in a fresh process, import Keras first (`import keras; import
mmzoo`), call `mmzoo.load()`, or use `mmzoo.export.load_keras(path)`.
"""

import importlib
import sys

__version__ = "0.1.0"

SUBPACKAGES = (
    "branches", "datasets", "evaluation", "export", "fusion", "heads", "layers", "plots", "preprocessing",
    "robustness", "training", "zoo",
)
_NAMES = {
    "build_model": "mmzoo.assemble",
    "product_of_experts": "mmzoo.assemble",
    "ModalityDropout": "mmzoo.layers",
    "MmzooError": "mmzoo.errors",
    "ConfigurationError": "mmzoo.errors",
    "ArgumentTypeError": "mmzoo.errors",
}

__all__ = [
    "build_model", "product_of_experts", "branches", "fusion", "heads", "layers", "zoo", "training", "datasets",
    "preprocessing",
    "evaluation", "plots", "export", "robustness", "ModalityDropout",
    "MmzooError", "ConfigurationError", "ArgumentTypeError", "__version__", "load",
]


def load():
    """Imports every subpackage, as a plain eager `import mmzoo` would.

    Returns:
        The `mmzoo` package.
    """
    for name in SUBPACKAGES:
        importlib.import_module(f"mmzoo.{name}")
    return importlib.import_module(__name__)


def __getattr__(name):
    """Imports the subpackages on first use of a public name (PEP 562)."""
    if name in SUBPACKAGES or name in _NAMES:
        load()
        module = importlib.import_module(_NAMES.get(name, f"mmzoo.{name}"))
        return module if name in SUBPACKAGES else getattr(module, name)
    raise AttributeError(f"module 'mmzoo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


if "keras" in sys.modules:
    load()
