"""Auxiliary per-modality heads: a remedy for a fused model that under-trains a modality.

Trained end to end, a fusion can lean on the modality that lowers the loss
fastest and leave the other branches half-trained (modality imbalance; see
`mmzoo.evaluation.modality_balance`). An auxiliary head on each branch's
features adds that branch's own classification loss, so every branch must
become discriminative on its own (unimodal auxiliary losses, as in
"What Makes Training Multi-modal Classification Networks Hard?", Wang et al.,
CVPR 2020). The heads exist only in the training model: the model that is
saved and served is unchanged.
"""

import keras

from mmzoo._deprecation import renamed_arguments
from mmzoo.assemble import branch_outputs
from mmzoo._checks import check_positive_number
from mmzoo.errors import ConfigurationError
from mmzoo.heads import CLASSIFICATION_TASKS, Head, heads_of

AUXILIARY_SUFFIX = "_auxiliary"


@renamed_arguments(weight="loss_weight")
def with_auxiliary_heads(model, loss_weight=0.5):
    """Returns a training model: `model`'s output plus one classifier per modality on its branch's features.

    The returned model shares every layer of `model`; training it trains
    `model`, which keeps its own inputs and output. Its outputs are a dict:
    the model's output under its own name, and `"<modality>_auxiliary"`
    per modality (token features are averaged over their steps first).
    Compile it with `mmzoo.training.compile` (each auxiliary loss weighs
    `loss_weight`) and give every output the same labels:

    Example:
        >>> trainer = with_auxiliary_heads(model, loss_weight=0.5)
        >>> mmzoo.training.compile(trainer)
        >>> trainer.fit(inputs, {name: labels for name in trainer.output_names}, epochs=5)
        >>> model.predict(inputs)                 # the fused model, now trained

    Args:
        model: A single-output classifier made by `mmzoo.build_model`
            (multiclass, binary or multilabel head).
        loss_weight: Loss weight of each auxiliary head, a positive number (the
            fused output weighs 1). 0.5 is measured on AV-MNIST
            (`bench/results/av_mnist.md`).

    Returns:
        An uncompiled `keras.Model` with dict outputs.

    Raises:
        ArgumentTypeError: `model` is not a model of `mmzoo.build_model`.
        ConfigurationError: `loss_weight` is not positive, or the model has
            several outputs or a regression head.
    """
    check_positive_number("loss_weight", loss_weight)
    inputs, output, features = branch_outputs(model)
    heads = heads_of(model)
    if len(heads) != 1:
        raise ConfigurationError(
            f"Auxiliary heads need a single-output classifier. Received: model={model.name!r} with outputs "
            f"{list(heads)}"
        )
    (name, prediction), = heads.items()
    if prediction.task not in CLASSIFICATION_TASKS:
        raise ConfigurationError(
            f"Auxiliary heads need a classification head. Received: model={model.name!r} with a "
            f"{prediction.task!r} head"
        )
    outputs = {name: output}
    for modality, tensor in features.items():
        head_name = f"{modality}{AUXILIARY_SUFFIX}"
        if len(tensor.shape) == 3:
            tensor = keras.layers.GlobalAveragePooling1D(name=f"{head_name}_pool")(tensor)
        outputs[head_name] = Head(prediction.task, int(model.output.shape[-1]), head_name,
                                  loss_weight=float(loss_weight))(tensor)
    return keras.Model(inputs, outputs, name=f"{model.name}_with_auxiliary_heads")
