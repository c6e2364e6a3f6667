"""The zoo's registry: named model builders with their documentation."""

import dataclasses
import inspect
import textwrap

from mmzoo._deprecation import renamed_function, with_new_names
from mmzoo.errors import ArgumentTypeError, ConfigurationError


@dataclasses.dataclass(frozen=True)
class ZooEntry:
    """A named model of the zoo.

    Attributes:
        name: The name passed to `mmzoo.zoo.build`.
        summary: One line on what the model is.
        modalities: The modalities it takes.
        reproduces: The tutorial model or paper idea it reproduces.
        architecture: The layers, as the tutorial describes them. A
            `{parameter}` placeholder stands for the builder's default of
            that parameter (`describe` fills it in), so the text cannot
            drift from the code; write a literal brace as `{{` or `}}`.
        corrections: What had to change for the tutorial's code to run.
        builder: Function returning the model from keyword arguments; its
            defaults are the tutorial's sizes.
        example_data: Function `(num_samples, seed, config) -> (inputs,
            labels)` giving bundled data the model trains on, for the
            resolved builder arguments `config`.
        learning_rate: The Adam learning rate the entry is trained with.
        loss: Where the training loss comes from, as `describe` says it.
    """

    name: str
    summary: str
    modalities: tuple
    reproduces: str
    architecture: str
    corrections: tuple
    builder: object
    example_data: object
    learning_rate: float = 1e-3
    loss: str = "losses and metrics from the heads"

    def defaults(self):
        """Returns the builder's default keyword arguments."""
        return {
            name: parameter.default
            for name, parameter in inspect.signature(self.builder).parameters.items()
            if parameter.default is not inspect.Parameter.empty
        }

    def architecture_text(self):
        """Returns the architecture text with each `{parameter}` replaced by the builder's default."""
        return textwrap.dedent(self.architecture).strip().format_map(self.defaults())

    def resolve(self, overrides):
        """Returns the builder arguments: defaults updated with `overrides`.

        Args:
            overrides: Dict of keyword arguments to change.

        Returns:
            The full dict of builder arguments.

        Raises:
            ValueError: an override names no argument of the builder.
        """
        defaults = self.defaults()
        overrides = with_new_names(self.builder, overrides, stacklevel=4)
        unknown = sorted(set(overrides) - set(defaults))
        if unknown:
            raise ConfigurationError(
                f"Zoo model {self.name!r} has no argument(s) {unknown}; it accepts "
                f"{sorted(defaults)}. Received: "
                + ", ".join(f"{key}={overrides[key]!r}" for key in unknown)
            )
        return {**defaults, **overrides}


_ENTRIES = {}


def register(entry):
    """Adds an entry to the zoo.

    Args:
        entry: A `ZooEntry`.

    Returns:
        The entry.

    Raises:
        ValueError: an entry of that name exists already.
    """
    if entry.name in _ENTRIES:
        raise ConfigurationError(f"Zoo model {entry.name!r} is registered already. Received: name={entry.name!r}")
    _ENTRIES[entry.name] = entry
    return entry


def get(name):
    """Returns the `ZooEntry` of a name.

    Args:
        name: A zoo model name.

    Returns:
        The `ZooEntry`.

    Raises:
        TypeError: `name` is not a string.
        ValueError: no zoo model has that name; the message lists them.
    """
    if not isinstance(name, str):
        raise ArgumentTypeError(f"A zoo model name is a string. Received: name={name!r}")
    if name not in _ENTRIES:
        raise ConfigurationError(
            f"Unknown zoo model {name!r}; available: {', '.join(sorted(_ENTRIES))}. Received: name={name!r}"
        )
    return _ENTRIES[name]


def available():
    """Returns every zoo model with its one-line summary.

    Returns:
        Dict `{name: summary}` in registration order.
    """
    return {name: entry.summary for name, entry in _ENTRIES.items()}


def describe(name):
    """Describes a zoo model: architecture, source idea, corrections, defaults.

    Args:
        name: A zoo model name.

    Returns:
        A multi-line string.

    Raises:
        ValueError: no zoo model has that name.
    """
    entry = get(name)
    corrections = "\n".join(f"  - {line}" for line in entry.corrections) or "  - none needed"
    defaults = ", ".join(f"{key}={value!r}" for key, value in entry.defaults().items())
    return "\n".join([
        f"{entry.name}: {entry.summary}",
        f"Modalities: {', '.join(entry.modalities)}",
        f"Reproduces: {entry.reproduces}",
        "Architecture:",
        textwrap.indent(entry.architecture_text(), "  "),
        "Corrections to the tutorial code:",
        corrections,
        f"Defaults (override any with mmzoo.zoo.build({entry.name!r}, ...)): {defaults}",
        f"Training: Adam (learning rate {entry.learning_rate}), {entry.loss}.",
    ])


def build(name, **overrides):
    """Builds a zoo model by name.

    Example:
        >>> model = mmzoo.zoo.build("conv_lstm_classifier", num_classes=4)

    Args:
        name: A zoo model name (see `available()`).
        **overrides: Builder arguments to change; every size of the
            description is one.

    Returns:
        The uncompiled `keras.Model` (or, for `conditional_gan`, the GAN).

    Raises:
        ValueError: unknown name or override.
    """
    entry = get(name)
    return entry.builder(**entry.resolve(overrides))


def example_data(name, num_samples=512, seed=0, **overrides):
    """Returns bundled data a zoo model trains on, shaped for its arguments.

    Args:
        name: A zoo model name.
        num_samples: Number of samples.
        seed: Seed of the generator.
        **overrides: The builder arguments the model was built with.

    Returns:
        A tuple `(inputs, labels)` ready for `model.fit`.

    Raises:
        ValueError: unknown name or override.
    """
    entry = get(name)
    return entry.example_data(num_samples, seed, entry.resolve(overrides))


get_entry = renamed_function(get, "get_entry")
list_models = renamed_function(available, "list_models")
