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

`import mmzoo` does not import TensorFlow or Keras, so that the `mmzoo`
command answers `--help` and argument errors at once; the first use of any
public name below imports every subpackage. mmzoo's layers are registered
for `keras.saving.load_model` whatever the import order: when Keras is
loaded already, `import mmzoo` imports every subpackage at once; otherwise
it adds a finder to `sys.meta_path` that waits for the `keras` module and,
as soon as Keras has finished importing (and any mmzoo module that imported
it has too), imports every subpackage (then removes itself). So in a fresh
process

    >>> import mmzoo, keras
    >>> model = keras.saving.load_model("model.keras", safe_mode=True)

works, as does `import keras, mmzoo` or `import mmzoo, tensorflow`.
`mmzoo.load()` imports every subpackage explicitly.
"""

import importlib
import importlib.abc
import importlib.util
import sys

__version__ = "0.1.0"

SUBPACKAGES = (
    "branches", "datasets", "evaluation", "export", "fusion", "heads", "layers", "plots", "preprocessing",
    "retrieval", "robustness", "training", "zoo",
)
_NAMES = {
    "build_model": "mmzoo.assemble",
    "product_of_experts": "mmzoo.assemble",
    "ModalityDropout": "mmzoo.layers",
    "MmzooError": "mmzoo.errors",
    "ConfigurationError": "mmzoo.errors",
    "ArgumentTypeError": "mmzoo.errors",
    "DamagedFileError": "mmzoo.errors",
    "MissingDependencyError": "mmzoo.errors",
}

__all__ = [
    "build_model", "product_of_experts", "branches", "fusion", "heads", "layers", "zoo", "training", "datasets",
    "preprocessing",
    "evaluation", "plots", "export", "robustness", "ModalityDropout",
    "MmzooError", "ConfigurationError", "ArgumentTypeError", "DamagedFileError", "MissingDependencyError",
    "__version__", "load",
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


class _LoadAfterKeras(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports every subpackage once the `keras` module has finished importing.

    A finder on `sys.meta_path` that answers for the top-level `keras`
    module and for mmzoo's own modules: it returns their own specs with
    itself as the loader and runs their own loaders, so that it knows when
    Keras is loaded and whether an mmzoo module is being imported. Once
    Keras is loaded and no mmzoo import is under way, it puts the loaders
    back, removes itself from `sys.meta_path` and calls `load()`, so that
    mmzoo's layers are registered before any model is loaded. Waiting for
    the outermost mmzoo import to finish is what makes
    `from mmzoo.fusion import DotGatedFusion` work as a first import: that
    import loads Keras half-way through `mmzoo.fusion`, and importing every
    subpackage at that moment would meet the half-initialised module.
    """

    def __init__(self):
        self._loaders = {}
        self._mmzoo_imports = 0
        self._keras_loaded = False

    def find_spec(self, fullname, path=None, target=None):
        """Returns the module's own spec with this object as its loader; None for modules of other packages."""
        if fullname != "keras" and not fullname.startswith(f"{__name__}."):
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        self._loaders[fullname] = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        """Lets the module's own loader create the module."""
        return self._loaders[spec.name].create_module(spec)

    def get_code(self, fullname):
        """Returns the module's code from its own loader, for `python -m mmzoo` (runpy runs it without `exec_module`)."""
        return self._loaders[fullname].get_code(fullname)

    def exec_module(self, module):
        """Runs the module's own loader; then, once Keras is loaded and no mmzoo import is under way, `load()`."""
        name = module.__spec__.name
        own_loader = self._loaders.pop(name)
        module.__loader__ = module.__spec__.loader = own_loader
        is_keras = name == "keras"
        self._mmzoo_imports += not is_keras
        try:
            own_loader.exec_module(module)
        finally:
            self._mmzoo_imports -= not is_keras
        self._keras_loaded = self._keras_loaded or is_keras
        if self._keras_loaded and not self._mmzoo_imports and self in sys.meta_path:
            parent, _, child = name.rpartition(".")
            if parent:  # what the import system does on return, needed now by `import mmzoo.<child> as ...` in load()
                setattr(sys.modules[parent], child, module)
            sys.meta_path.remove(self)
            load()


if "keras" in sys.modules:
    load()
else:
    sys.meta_path.insert(0, _LoadAfterKeras())
