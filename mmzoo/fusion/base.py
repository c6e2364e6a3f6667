"""The base class of every fusion layer."""

import keras
from keras import ops

from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.layers.masked_mean import masked_mean


class Fusion(keras.layers.Layer):
    """Fuses branch features keyed by modality into one representation.

    Inputs are a dict `{modality: features}` (or a list, whose entries are
    named `input_0`, `input_1`, ...). Features are vectors `(batch, dim)` or
    token sequences `(batch, steps, dim)`. Modalities are always processed in
    sorted name order, so a model's weights do not depend on dict order.

    Subclasses implement `build_fusion(shapes)` (create sublayers from a dict
    of shapes, e.g. one Dense per modality with `build_projections`) and
    `fuse(features, masks, training)`, and may extend
    `check_input_shapes(shapes)`.

    Attributes:
        produces_logits: True when the output is already the decision scores
            of a classifier (decision-level fusion), so a head only applies
            its activation.
        min_modalities: The fewest modalities the fusion works with.
    """

    produces_logits = False
    min_modalities = 1

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.modalities = None

    @staticmethod
    def _as_dict(inputs):
        if isinstance(inputs, dict):
            return dict(inputs)
        if isinstance(inputs, (list, tuple)):
            return {f"input_{index}": value for index, value in enumerate(inputs)}
        raise ArgumentTypeError(
            "A fusion takes a dict {modality: features} or a list of features. "
            f"Received: inputs of type {type(inputs).__name__}"
        )

    def check_input_shapes(self, shapes):
        """Raises when the fusion cannot take features of these shapes.

        Called by `mmzoo.build_model` before any graph is built, and again
        when the layer is built.

        Args:
            shapes: Dict `{modality: shape}`, batch dimension included.

        Raises:
            ConfigurationError: too few modalities, or a feature is neither a
                vector nor a token sequence.
        """
        shapes = self._as_dict(shapes)
        if len(shapes) < self.min_modalities:
            raise ConfigurationError(
                f"{type(self).__name__} needs at least {self.min_modalities} "
                f"modalities. Received: modalities={sorted(shapes)}"
            )
        for modality, shape in shapes.items():
            if len(shape) not in (2, 3) or shape[-1] is None:
                raise ConfigurationError(
                    f"{type(self).__name__} takes features of shape (batch, dim) or "
                    f"(batch, steps, dim); modality {modality!r} has another. "
                    f"Received: shape={tuple(shape)!r}"
                )

    def build(self, input_shape):
        shapes = {name: tuple(shape) for name, shape in self._as_dict(input_shape).items()}
        self.check_input_shapes(shapes)
        self.modalities = sorted(shapes)
        self.build_fusion({name: shapes[name] for name in self.modalities})
        self.built = True

    def build_fusion(self, shapes):
        """Creates and builds the sublayers; the default creates none.

        Args:
            shapes: Dict `{modality: shape}` in sorted modality order.
        """

    def build_projections(self, shapes, units, activation=None, prefix="project"):
        """Creates and builds one Dense layer per modality, from its feature size to `units`.

        Args:
            shapes: Dict `{modality: shape}` in sorted modality order.
            units: Output size of every projection.
            activation: Activation of the projections, or None.
            prefix: Name prefix; the layer of modality `m` is `f"{prefix}_{m}"`.

        Returns:
            A list of built Dense layers, one per modality in sorted order.
        """
        projections = []
        for name, shape in shapes.items():
            projection = keras.layers.Dense(units, activation=activation, name=f"{prefix}_{name}")
            projection.build((shape[0], shape[-1]))
            projections.append(projection)
        return projections

    @staticmethod
    def project(projections, vectors):
        """Applies one projection per modality, or none when `projections` is empty.

        Args:
            projections: Layers from `build_projections`, or an empty list.
            vectors: Tensors in sorted modality order.

        Returns:
            A list of tensors in sorted modality order.
        """
        vectors = list(vectors)
        if not projections:
            return vectors
        return [projection(vector) for projection, vector in zip(projections, vectors)]

    def ordered(self, inputs, mask=None):
        """Keys the inputs and their masks by modality, in sorted modality order.

        Args:
            inputs: Dict `{modality: features}` or a list of features.
            mask: The Keras masks of the inputs (same structure), or None.

        Returns:
            A tuple `(features, masks)` of dicts in sorted modality order; a
            modality without a mask has None.
        """
        features = self._as_dict(inputs)
        masks = self._as_dict(mask) if mask is not None else {}
        ordered = {name: features[name] for name in self.modalities}
        ordered_masks = {name: masks.get(name) for name in self.modalities}
        return ordered, ordered_masks

    def call(self, inputs, mask=None, training=None):
        features, masks = self.ordered(inputs, mask)
        return self.fuse(features, masks, training=training)

    def fuse(self, features, masks, training=None):
        """Combines the features.

        Args:
            features: Dict `{modality: tensor}` in sorted modality order.
            masks: Dict `{modality: boolean (batch, steps) mask or None}`.
            training: Whether the layer runs in training mode (for dropout).

        Returns:
            The fused tensor.
        """
        raise NotImplementedError

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def per_modality(self, values):
        """Pairs one value per modality with the modality names.

        Args:
            values: A tensor or variable of shape `(num_modalities,)`.

        Returns:
            Dict `{modality: float}` in sorted modality order.

        Raises:
            ConfigurationError: the layer has not been built yet.
        """
        if not self.built:
            raise ConfigurationError(f"Layer {self.name!r} has no weights until it is built.")
        numbers = ops.convert_to_numpy(values)
        return {name: float(number) for name, number in zip(self.modalities, numbers)}

    @staticmethod
    def vectors(features, masks):
        """Turns every token sequence into a vector by its masked mean.

        Args:
            features: Dict `{modality: tensor}`.
            masks: Dict `{modality: mask or None}`.

        Returns:
            Dict `{modality: (batch, dim) tensor}`.
        """
        return {
            name: masked_mean(value, masks.get(name)) if len(value.shape) == 3 else value
            for name, value in features.items()
        }
