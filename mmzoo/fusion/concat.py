"""Feature-level (early) fusion by concatenation."""

import keras
from keras import ops

from mmzoo.fusion.base import Fusion


@keras.saving.register_keras_serializable(package="mmzoo")
class ConcatFusion(Fusion):
    """Concatenates the modality features into one vector.

    Token sequences are first averaged over their (unmasked) steps, so a 3-D
    attention output and 2-D vectors can be fused without a shape error.

    Example:
        >>> fused = ConcatFusion()({"image": image_features, "text": text_features})
    """

    def fuse(self, features, masks, training=None):
        vectors = self.vectors(features, masks)
        if len(vectors) == 1:
            return next(iter(vectors.values()))
        return ops.concatenate(list(vectors.values()), axis=-1)

