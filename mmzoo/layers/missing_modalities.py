"""`MissingModalities`: the in-band "missing" marks of raw inputs -> a per-sample mask.

A modality is marked missing *in band*, per sample:

| input kind                      | a sample's modality is missing when |
|---------------------------------|-------------------------------------|
| float (images, spectrograms...) | every value of the sample is NaN    |
| integer (token ids)             | every id is 0 (padding)             |
| string (raw text)               | every string is empty               |
"""

import keras
import tensorflow as tf
from keras import ops

from mmzoo._checks import check_modality_dict

MISSING_LAYER_NAME = "missing_modalities"
"""Name `mmzoo.build_model` gives its `MissingModalities` layer."""


@keras.saving.register_keras_serializable(package="mmzoo")
class MissingModalities(keras.layers.Layer):
    """Reads the in-band "missing" marks of raw inputs into a per-sample mask.

    Takes the model's raw inputs as a dict `{modality: tensor}` and returns a
    tuple `(inputs, present)`: the inputs with the rows of missing float
    samples set to zeros (so no NaN reaches a branch), and `{modality:
    (batch,) float32}` holding 1.0 where the modality is present and 0.0
    where it is missing (see the module docstring for the marks).

    Args:
        **kwargs: Standard layer arguments.
    """

    def call(self, inputs):
        check_modality_dict("inputs", inputs)
        cleaned, present = {}, {}
        for modality, values in inputs.items():
            axes = tuple(range(1, len(values.shape)))
            if values.dtype == tf.string:
                missing = tf.reduce_all(tf.equal(values, ""), axis=axes)
                cleaned[modality] = values
            elif "float" in str(values.dtype):
                missing = ops.all(ops.isnan(values), axis=axes)
                row = ops.reshape(missing, (-1,) + (1,) * len(axes))
                cleaned[modality] = ops.where(row, ops.zeros_like(values), values)
            else:
                missing = ops.all(ops.equal(values, 0), axis=axes)
                cleaned[modality] = values
            present[modality] = ops.cast(ops.logical_not(missing), "float32")
        return cleaned, present

    def compute_output_spec(self, inputs):
        present = {
            modality: keras.KerasTensor((values.shape[0],), dtype="float32") for modality, values in inputs.items()
        }
        cleaned = {
            modality: keras.KerasTensor(values.shape, dtype=values.dtype) for modality, values in inputs.items()
        }
        return cleaned, present
