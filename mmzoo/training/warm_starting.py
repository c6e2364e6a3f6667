"""Warm start: a fusion model's branches start from the same branches trained in other models."""

import keras

from mmzoo.errors import ArgumentTypeError, ConfigurationError


def _branches(argument, model):
    """The nested models (branches, as `build_model` makes them) of a model: `{name: layer}`."""
    if not isinstance(model, keras.Model):
        raise ArgumentTypeError(f"`{argument}` must be a keras.Model. Received: {argument}={model!r}")
    return {layer.name: layer for layer in model.layers if isinstance(layer, keras.Model)}


def warm_start(model, trained):
    """Starts a model's branches from the weights of the branches of the same name in trained models.

    Copies the weights of every branch (a nested `keras.Model`, as
    `mmzoo.build_model` makes them) of the trained models into the branch of
    the same name in `model`; the fusion and the head keep their fresh
    weights. The use: train the single-modality models first, then start
    each fusion from their branches and fine-tune it for a few epochs
    (`mmzoo.training.recipe.fine_tune_epochs`), as `mmzoo demo` does. Each
    branch has then learnt its modality alone, so the fusion cannot neglect
    the harder one (modality imbalance; Du et al., "On Uni-Modal Feature
    Learning in Supervised Multi-Modal Learning", ICML 2023), and the
    fusions of a comparison cost a fraction of a training from scratch.
    Measured on AV-MNIST in `bench/results/av_mnist.md` (warm-started) and
    `bench/results/av_mnist_from_scratch.md`.

    Example:
        >>> image = lambda: branches.for_input("image", (28, 28, 1))       # named "image_conv2d"
        >>> audio = lambda: branches.for_input("audio", (32, 32))          # named "audio_conv2d"
        >>> image_only = mmzoo.build_model({"image": image()}, head=heads.multiclass(10))
        >>> audio_only = mmzoo.build_model({"audio": audio()}, head=heads.multiclass(10))
        >>> ...                                           # each trained on its own modality
        >>> fused = mmzoo.build_model({"image": image(), "audio": audio()}, fusion="gated",
        ...                           head=heads.multiclass(10))
        >>> warm_start(fused, [image_only, audio_only])   # ['audio_conv2d', 'image_conv2d']

    Args:
        model: The model to start (untrained), made by `mmzoo.build_model`.
        trained: A trained `keras.Model`, or a list of them, whose branches
            carry the names of `model`'s branches.

    Returns:
        The sorted names of the branches copied.

    Raises:
        ArgumentTypeError: `model`, `trained` or an item of it is not a
            Keras model.
        ConfigurationError: no branch of `trained` is a branch of `model`,
            two trained models hold a branch of the same name, or a branch's
            weights have other shapes than `model`'s; nothing is copied then.
    """
    targets = _branches("model", model)
    sources = {}
    for position, source in enumerate(trained if isinstance(trained, (list, tuple)) else [trained]):
        for name, branch in _branches(f"trained[{position}]", source).items():
            if name in sources and name in targets:
                raise ConfigurationError(f"Two trained models hold a branch named {name!r}; which one to copy is "
                                         f"ambiguous. Received: trained[{position}]={source.name!r}")
            sources[name] = branch
    shared = sorted(set(sources) & set(targets))
    if not shared:
        raise ConfigurationError(f"No branch of `trained` has the name of a branch of `model` "
                                 f"({sorted(targets)}). Received: trained branches={sorted(sources)}")
    for name in shared:
        received = [tuple(weight.shape) for weight in sources[name].weights]
        expected = [tuple(weight.shape) for weight in targets[name].weights]
        if received != expected:
            raise ConfigurationError(f"The trained branch {name!r} does not fit the model's: weight shapes "
                                     f"{expected} expected. Received: {name} weight shapes={received}")
    for name in shared:
        targets[name].set_weights(sources[name].get_weights())
    return shared
