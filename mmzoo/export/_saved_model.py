"""SavedModels whose `serve` endpoint calls the Keras model in inference mode."""

import keras
import tensorflow as tf


def write_saved_model(model, folder, named_outputs=False):
    """Writes `model` as a SavedModel with one endpoint, `serve`, that calls it with `training=False`.

    `keras.Model.export` traces the model without `training=False`, and
    Keras' augmentation layers default to training mode when called: a
    model with a bare one (a `RandomFlip` of the user's, say; mmzoo's
    branches wrap theirs in `mmzoo.layers.TrainingOnly`) would serve
    randomly augmented predictions.

    Args:
        model: A `keras.Model` with defined inputs.
        folder: Destination folder (written by `ExportArchive.write_out`).
        named_outputs: Whether `serve` returns `{output name: tensor}` (what
            the TFLite converter names its outputs by) rather than the
            model's own output structure.
    """
    specs = {tensor.name: tf.TensorSpec((None, *tensor.shape[1:]), tensor.dtype, name=tensor.name)
             for tensor in model.inputs}

    def serve(inputs):
        outputs = model(inputs, training=False)
        if not named_outputs:
            return outputs
        if isinstance(outputs, dict):
            return outputs
        if isinstance(outputs, (list, tuple)):
            return dict(zip(model.output_names, outputs))
        return {model.output_names[0]: outputs}

    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", serve, input_signature=[specs])
    archive.write_out(folder, verbose=False)
