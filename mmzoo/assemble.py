"""`build_model`: branches + fusion + head -> one functional Keras model."""

import keras

import mmzoo.fusion as fusion_catalogue
from mmzoo._checks import check_rate
from mmzoo.errors import ArgumentTypeError, ConfigurationError
from mmzoo.heads import Head, MultitaskHead, Prediction, prediction_layers
from mmzoo.layers import ProductOfExperts
from mmzoo.layers.missing_modalities import MISSING_LAYER_NAME, MissingModalities
from mmzoo.layers.modality_dropout import ModalityDropout


def _check_branches(branches):
    if not isinstance(branches, dict):
        raise ArgumentTypeError(
            "`branches` must be a dict {modality: keras.Model}, e.g. "
            "{'image': mmzoo.branches.conv2d(), 'text': mmzoo.branches.lstm(1000)}. "
            f"Received: branches of type {type(branches).__name__}"
        )
    if not branches:
        raise ConfigurationError("`branches` needs at least one modality. Received: branches={}")
    for modality, branch in branches.items():
        if not isinstance(modality, str) or not modality.isidentifier():
            raise ConfigurationError(
                "Modality names must be identifiers such as 'image', 'text' or 'audio'. "
                f"Received: modality={modality!r}"
            )
        if not isinstance(branch, keras.Model):
            raise ArgumentTypeError(
                f"Branch {modality!r} must be a keras.Model. "
                f"Received: {modality}={branch!r} (of type {type(branch).__name__})"
            )
        try:
            branch_inputs, branch_outputs = branch.inputs, branch.outputs
        except (AttributeError, ValueError):
            branch_inputs = branch_outputs = None
        if not branch_inputs or not branch_outputs:
            raise ConfigurationError(
                f"Branch {modality!r} has no defined input; build it from keras.Input "
                f"(functional API) or give Sequential an Input. Received: {modality}={branch.name!r}"
            )
        if len(branch_inputs) != 1:
            raise ConfigurationError(
                f"Branch {modality!r} must take exactly one input (its modality). "
                f"Received: {modality}={branch.name!r} with {len(branch_inputs)} inputs"
            )
        if len(branch_outputs) != 1:
            raise ConfigurationError(
                f"Branch {modality!r} must have exactly one output. "
                f"Received: {modality}={branch.name!r} with {len(branch_outputs)} outputs"
            )


def _check_unique_names(branches, fusion_layer, head, dropout_layer):
    names = (
        list(branches)
        + [branch.name for branch in branches.values()]
        + [fusion_layer.name]
        + head.output_names
        + ([dropout_layer.name, MISSING_LAYER_NAME] if dropout_layer is not None else [])
    )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ConfigurationError(
            "Modalities, branches, the fusion and the outputs each need their own "
            "name in the model (pass name=... to the builder that made the "
            f"clashing part). Received: names used more than once={repeated}"
        )


def _check_head(head):
    if not isinstance(head, (Head, MultitaskHead)):
        raise ArgumentTypeError(
            "`head` must be made by mmzoo.heads (multiclass, binary, multilabel, "
            f"regression, multitask). Received: head={head!r}"
        )


def _dropout_layer(modality_dropout):
    if modality_dropout is None or isinstance(modality_dropout, ModalityDropout):
        return modality_dropout
    if isinstance(modality_dropout, bool) or not isinstance(modality_dropout, (int, float)):
        raise ArgumentTypeError(
            "`modality_dropout` must be None, a rate in [0, 1) or a "
            f"mmzoo.ModalityDropout layer. Received: modality_dropout={modality_dropout!r}"
        )
    check_rate("modality_dropout", modality_dropout)
    return ModalityDropout(rate=modality_dropout, name="modality_dropout")


def _configure_fusion(fusion_layer, head):
    """Gives a decision-level fusion whose size is not set the head's number of outputs.

    Args:
        fusion_layer: The `mmzoo.fusion.Fusion` layer, already checked
            against the head by `head.check_fusion`.
        head: The single-output head after it (a decision-level fusion
            cannot feed a multitask head).
    """
    if fusion_layer.produces_logits and fusion_layer.num_outputs is None:
        fusion_layer.num_outputs = head.units


def build_model(branches, fusion="concat", head=None, name="mmzoo_model", modality_dropout=None):
    """Builds a multimodal functional model: one branch per modality, a fusion, a head.

    The model's inputs are a dict named by modality, so data is passed as
    `model.fit({"image": x, "text": t, "audio": a}, y)` and a modality can
    never land in another's slot.

    Example:
        >>> import mmzoo
        >>> from mmzoo import branches, heads
        >>> model = mmzoo.build_model(
        ...     branches={
        ...         "image": branches.conv2d(input_shape=(28, 28, 1), filters=(16, 32)),
        ...         "text": branches.lstm(vocab_size=1000, sequence_length=20),
        ...         "audio": branches.dense(input_dim=128),
        ...     },
        ...     fusion="attention",
        ...     head=heads.multiclass(10),
        ... )

    Args:
        branches: Dict `{modality: keras.Model}`; each model has one input
            and outputs `(batch, dim)` or `(batch, steps, dim)` features.
        fusion: A fusion name (see `mmzoo.fusion.available()`) or a
            `mmzoo.fusion.Fusion` layer.
        head: A head from `mmzoo.heads`.
        name: Name of the returned model.
        modality_dropout: None, a rate in [0, 1) or a
            `mmzoo.ModalityDropout` layer. With one, the model drops whole
            modalities at random while training (replacing their features
            by a learned "missing" embedding) and accepts missing
            modalities at inference, marked in band per sample: all-NaN
            floats, all-zero token ids or empty strings (see
            `mmzoo.robustness.remove_modality`). The inputs stay the same.

    Returns:
        A `keras.Model` with dict inputs named by modality and outputs named
        by the head (one tensor for a single-output head, a dict otherwise).

    Raises:
        TypeError: `branches`, a branch, `fusion`, `head` or
            `modality_dropout` has the wrong type.
        ValueError: no branches, a branch with several inputs or outputs, a
            name used twice, an unknown fusion name, features the fusion
            or head cannot take, or a modality dropout rate outside [0, 1).
    """
    _check_branches(branches)
    _check_head(head)
    fusion_layer = fusion_catalogue.get(fusion)
    dropout_layer = _dropout_layer(modality_dropout)
    _check_unique_names(branches, fusion_layer, head, dropout_layer)
    feature_shapes = {modality: tuple(branch.outputs[0].shape) for modality, branch in branches.items()}
    fusion_layer.check_input_shapes(feature_shapes)
    head.check_fusion(fusion_layer)
    _configure_fusion(fusion_layer, head)

    inputs = {
        modality: keras.Input(
            shape=tuple(branch.inputs[0].shape[1:]),
            dtype=branch.inputs[0].dtype,
            name=modality,
        )
        for modality, branch in branches.items()
    }
    if dropout_layer is None:
        features = {modality: branch(inputs[modality]) for modality, branch in branches.items()}
    else:
        cleaned, present = MissingModalities(name=MISSING_LAYER_NAME)(inputs)
        features = {modality: branch(cleaned[modality]) for modality, branch in branches.items()}
        features = dropout_layer(features, present=present)
    fused = fusion_layer(features)
    outputs = head(fused, from_logits=fusion_layer.produces_logits)
    return keras.Model(inputs, outputs, name=name)


def branch_outputs(model):
    """Traces a model of `build_model` again and returns each modality's branch features in the new graph.

    The branches' layers are shared, not copied, so a model built on the
    returned tensors (e.g. with auxiliary heads on the features, or a
    feature extractor) trains and reads the same weights as `model`.

    Example:
        >>> inputs, outputs, features = branch_outputs(model)
        >>> extractor = keras.Model(inputs, features)      # {modality: (batch, dim)}

    Args:
        model: A model made by `build_model`.

    Returns:
        A tuple `(inputs, outputs, features)`: the new symbolic inputs (a
        dict named by modality), the model's outputs on them, and
        `{modality: the branch's output}` before any modality dropout.

    Raises:
        ArgumentTypeError: `model` is not a Keras model with dict inputs.
        ConfigurationError: a modality's branch (a nested `keras.Model`
            called on that input) cannot be found.
    """
    if not isinstance(model, keras.Model) or not isinstance(getattr(model, "input", None), dict):
        raise ArgumentTypeError(
            "`model` must be a model made by mmzoo.build_model, with inputs named by modality. "
            f"Received: model={model!r}"
        )
    inputs = {name: keras.Input(batch_shape=tensor.shape, dtype=tensor.dtype, name=name)
              for name, tensor in model.input.items()}
    modality_of = {id(tensor): name for name, tensor in inputs.items()}
    features = {}

    def call(layer, *args, **kwargs):
        outputs = layer(*args, **kwargs)
        if isinstance(layer, MissingModalities):
            cleaned, _ = outputs
            modality_of.update({id(tensor): name for name, tensor in cleaned.items()})
        elif isinstance(layer, keras.Model) and args and id(args[0]) in modality_of:
            features[modality_of[id(args[0])]] = outputs
        return outputs

    traced = keras.models.clone_model(model, input_tensors=inputs, clone_function=lambda layer: layer,
                                      call_function=call)
    missing = sorted(set(inputs) - set(features))
    if missing:
        raise ConfigurationError(
            "Every input of the model must feed a branch (a keras.Model), as in mmzoo.build_model. "
            f"Received: model={model.name!r} whose inputs {missing} feed no branch"
        )
    return inputs, traced.output, features


def all_layers(model):
    """Yields every layer of a model, descending into nested models.

    Args:
        model: A `keras.Model`.

    Yields:
        Each layer in `model.layers` order; a nested model is yielded, then
        its own layers.
    """
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from all_layers(layer)


def _single_modality_classifier(modality, model):
    """Returns `(input tensor spec, number of classes)` of a one-modality multiclass model, or raises."""
    if not isinstance(model, keras.Model):
        raise ArgumentTypeError(
            f"`models` values must be trained keras.Model classifiers. Received: models[{modality!r}]={model!r}"
        )
    inputs = model.input if isinstance(model.input, dict) else None
    if inputs is None or list(inputs) != [modality]:
        raise ConfigurationError(
            f"Each model must take one input named by its modality, as mmzoo.build_model makes. Received: "
            f"models[{modality!r}] taking {sorted(inputs) if inputs else model.input!r}"
        )
    predictions = prediction_layers(model)
    if len(predictions) != 1 or next(iter(predictions.values())).task != "multiclass":
        raise ConfigurationError(
            "Each model must end in one multiclass head (mmzoo.heads.multiclass). Received: "
            f"models[{modality!r}]={model.name!r} with outputs {list(model.output_names)}"
        )
    return inputs[modality], int(model.output.shape[-1])


def product_of_experts(models, name="product_of_experts", output_name="label"):
    """Fuses classifiers trained apart, one per modality, by the normalised product of their class probabilities.

    Late fusion of models trained separately (a uni-modal ensemble): each
    modality's model learns from its own data alone, so no modality can be
    neglected in training because another one is easier on the training
    data (modality imbalance; Du et al., "On Uni-Modal Feature Learning in
    Supervised Multi-Modal Learning", ICML 2023). On AV-MNIST, where the
    training speakers' audio is nearly solved and the held-out speaker's is
    not, it is more accurate than any fusion trained end to end from scratch
    and as accurate as the fusions started from the single-modality
    branches (`mmzoo.training.warm_start`; `bench/results/av_mnist.md`).
    Nothing is trained here: the models keep their weights.

    Example:
        >>> image_model = mmzoo.build_model({"image": branches.conv2d(...)}, head=heads.multiclass(10))
        >>> audio_model = mmzoo.build_model({"audio": branches.audio_conv2d(...)}, head=heads.multiclass(10))
        >>> ...                                          # train each on its own modality
        >>> fused = product_of_experts({"image": image_model, "audio": audio_model})
        >>> fused.predict({"image": images, "audio": spectrograms})

    Args:
        models: Dict `{modality: trained keras.Model}`, at least two, each
            taking a dict with that one modality and ending in a multiclass
            head over the same classes.
        name: Name of the returned model.
        output_name: Name of its output.

    Returns:
        A `keras.Model` with dict inputs named by modality and one multiclass
        output (a `Prediction` layer), which `mmzoo.evaluation`,
        `mmzoo.robustness` and `.keras` saving take like any mmzoo model.

    Raises:
        ArgumentTypeError: `models` is not a dict of Keras models.
        ConfigurationError: fewer than two models, a model that takes
            another input than its modality, is not a multiclass classifier,
            or counts other classes than the others.
    """
    if not isinstance(models, dict):
        raise ArgumentTypeError(f"`models` must be a dict {{modality: keras.Model}}. Received: models={models!r}")
    if len(models) < 2:
        raise ConfigurationError(f"`models` needs at least two modalities. Received: models={sorted(models)!r}")
    specs = {modality: _single_modality_classifier(modality, model) for modality, model in models.items()}
    classes = {modality: count for modality, (_, count) in specs.items()}
    if len(set(classes.values())) != 1:
        raise ConfigurationError(f"Every model must predict the same classes. Received: classes per model={classes}")
    inputs = {modality: keras.Input(shape=tuple(tensor.shape[1:]), dtype=tensor.dtype, name=modality)
              for modality, (tensor, _) in specs.items()}
    probabilities = [models[modality]({modality: inputs[modality]}) for modality in sorted(models)]
    logits = ProductOfExperts(name=f"{name}_logits")(probabilities)
    return keras.Model(inputs, Prediction("multiclass", name=output_name)(logits), name=name)
