"""`mmzoo train NAME --data ... --out DIR`: train a fusion or a zoo model and save it with its metrics.

TensorFlow is imported only in `run`, after the arguments are checked.
"""

import os
import sys
import time

from mmzoo.cli import common, train_contrastive
from mmzoo.cli import presets as preset_options

MODEL_FILE = "model.keras"
CHECKPOINTS = "checkpoints"
SPLITS = ("train", "validation", "test")
MAX_TOKENS = 20000
SUMMARY = "train a fusion or a zoo model on bundled data or a manifest"
DESCRIPTION = "Trains a model and saves it, its history and its test metrics."
EXAMPLES = """examples:
  mmzoo train concat --data synthetic --epochs 5 --out runs/concat
  mmzoo train late --data av_mnist --epochs 10 --out runs/late --strategy auto
  mmzoo train gated --data photos.csv --image-col photo --audio-col clip --label-col label --out runs/gated
  mmzoo train trimodal_classifier --data synthetic --epochs 5 --out runs/trimodal
  mmzoo train attention --data clips.csv --image-col photo --text-col caption --audio-col clip \
      --image-preset clip_vit_base_patch16 --text-preset bert_tiny_en_uncased \
      --audio-preset whisper_tiny_en --out runs/pretrained
  mmzoo train dual_encoder --data av_mnist --epochs 5 --batch-size 256 --out runs/search
  mmzoo train dual_encoder --data pairs.csv --image-col photo --text-col caption --out runs/photos
  mmzoo train dual_encoder --data pairs.csv --image-col photo --text-col caption \
      --image-preset clip_vit_base_patch16 --text-preset bert_tiny_en_uncased --out runs/photos_pretrained
  mmzoo train dual_encoder --data pairs.csv --image-col photo --text-col caption --joint-space \
      --image-preset siglip_base_patch16_224 --text-preset siglip_base_patch16_224 --epochs 1 --out runs/siglip

NAME is a fusion (concat, weighted, gated, attention, tensor, late, ...: the
branches of `mmzoo.branches.for_input` that fit the data are built for it:
conv2d on images, an LSTM on texts, a conv2d on spectrograms or a dense stack
on audio feature vectors) or a zoo classifier whose inputs are the data's
modalities (see `mmzoo list`), or dual_encoder, trained without labels on
the pairs of --data av_mnist or on two or three modality columns of a
manifest (the fusions' branches; a label column, "label" or --label-col,
only adds class-level metrics; a bigger --batch-size, which is per replica,
gives the loss more negatives); DIR then also
receives one index of the test items per modality, ids the manifest's row
numbers, for `mmzoo search`. With a manifest and a fusion NAME or
dual_encoder, --image-preset, --text-preset and --audio-preset put a frozen
pretrained keras-hub encoder (`mmzoo.branches.from_preset`) in place of that
modality's branch (a dual encoder then trains the projections into the
shared space, or, with --joint-space and one CLIP or SigLIP preset for images
and texts, keeps that preset's own space and loss); its features are then
computed once (`cache_frozen=True`). Training follows `mmzoo.training.recipe`, as
`mmzoo demo` does: Adam with a cosine-decayed learning rate, batch 64.
A manifest's files are decoded once, by the check before training, and kept
in memory; with --prepared DIR they are decoded once into shards in DIR
instead (data larger than memory; `mmzoo prepare` writes them ahead).
DIR receives model.keras (with model.text.vocab.json when the data has texts,
model.preprocessing.json, the `mmzoo.datasets.Decoding` of a manifest),
history.json, metrics.json and checkpoints/. Running the same command again
after a crash resumes an unfinished run; a finished or unrelated folder is
never overwritten.
"""


def add_arguments(parser):
    """Adds the arguments of `mmzoo train`.

    Args:
        parser: The subcommand's parser.
    """
    common.add_name_options(parser, "a fusion or a zoo classifier (see `mmzoo list`)")
    parser.add_argument("--epochs", type=common.positive_int, default=10, help="training epochs (default: 10)")
    parser.add_argument("--out", required=True, metavar="DIR", help="new folder for the model and its files")
    parser.add_argument("--strategy", default="auto",
                        help="distribution strategy: auto, default, mirrored, multi_worker or tpu (default: auto)")
    parser.add_argument("--batch-size", type=common.positive_int, default=64,
                        help="samples per device and step (default: 64)")
    parser.add_argument("--seed", type=common.non_negative_int, default=0, help="random seed (default: 0)")
    parser.add_argument("--prepared", metavar="DIR",
                        help="for a manifest larger than memory: decode it once into sharded files in DIR "
                             "(one folder per split; resumable, reused by later runs, see `mmzoo prepare`) and "
                             "train from them instead of keeping the decoded files in memory")
    train_contrastive.add_arguments(parser)
    preset_options.add_arguments(parser)


def resumable(folder):
    """Whether a folder holds an unfinished `mmzoo train` run (checkpoints, no model yet)."""
    return os.path.isdir(os.path.join(folder, CHECKPOINTS)) and not os.path.exists(os.path.join(folder, MODEL_FILE))


def check(arguments):
    """Checks the arguments that need no TensorFlow.

    Args:
        arguments: The parsed arguments.

    Returns:
        The manifest `DataFrame` and its columns `{"image"|...|"label":
        column}` ("label" is optional for a contrastive model), or
        `(None, None)` for bundled data.

    Raises:
        UsageError: bad data source, columns or output folder.
    """
    common.check_data(arguments.data)
    train_contrastive.check(arguments)
    if not resumable(arguments.out):
        common.check_new_path(arguments.out)
    if arguments.data in common.BUNDLED_DATA:
        preset_options.check(arguments, None)
        return None, None
    frame, columns = read_manifest(arguments)
    preset_options.check(arguments, columns)
    return frame, columns


def read_manifest(arguments):
    """Reads the manifest of `--data` with the columns named for NAME (`train` and `prepare`).

    Args:
        arguments: The parsed arguments, `--data` a manifest.

    Returns:
        The manifest `DataFrame` and its columns `{"image"|...|"label":
        column}`; "label" is optional for a contrastive model
        (`train_contrastive.read_pairs`).

    Raises:
        UsageError: see `mmzoo.cli.common.read_manifest`.
    """
    if arguments.name in train_contrastive.CONTRASTIVE_MODELS:
        return train_contrastive.read_pairs(arguments)
    columns = common.columns(arguments)
    return common.read_manifest(arguments.data, columns), columns


def check_name(name):
    """Checks that a model name is a fusion of the catalogue or a zoo entry.

    Args:
        name: The NAME given to `mmzoo train`.

    Raises:
        UsageError: the name is neither; the message lists both.
    """
    from mmzoo import fusion, zoo

    if name not in fusion.available() and name not in zoo.available():
        raise common.UsageError(f"unknown model {name!r}; fusions: {', '.join(fusion.available())}; "
                                f"zoo models: {', '.join(zoo.available())}")


def check_strategy(strategy):
    """Checks a `--strategy` name.

    Args:
        strategy: The command-line value.

    Raises:
        UsageError: not one of `mmzoo.training.strategy.STRATEGY_NAMES`.
    """
    from mmzoo.training.strategy import STRATEGY_NAMES

    if strategy not in STRATEGY_NAMES:
        raise common.UsageError(f"--strategy must be one of {list(STRATEGY_NAMES)}, received {strategy!r}")


def cluster_strategy(strategy):
    """Makes a TensorFlow cluster's strategy now, before TensorFlow runs anything (a manifest's decoding does).

    `tf.distribute.MultiWorkerMirroredStrategy` sets up its collective ops
    when it is made, which TensorFlow allows only before its first op.

    Args:
        strategy: The `--strategy` name.

    Returns:
        The `tf.distribute.MultiWorkerMirroredStrategy` when the name stands
        for a cluster on TensorFlow, else the name itself.
    """
    import keras

    from mmzoo.training.strategy import choose_strategy, get_strategy

    if keras.backend.backend() == "tensorflow" and choose_strategy(strategy)[0] == "multi_worker":
        return get_strategy(strategy)
    return strategy


def decoding_for(name, columns):
    """Returns how manifest files are decoded for a model: a zoo classifier's own sizes, else the defaults.

    Args:
        name: A fusion or zoo entry name.
        columns: The manifest columns.

    Returns:
        A `mmzoo.datasets.Decoding`.
    """
    from mmzoo import datasets, fusion, zoo

    decoding = datasets.Decoding(columns=dict(columns))
    if name in fusion.available() or name in train_contrastive.CONTRASTIVE_MODELS:
        return decoding
    defaults = zoo.get(name).defaults()
    image_shape = defaults.get("image_shape")
    if image_shape is not None:
        decoding.image_size, decoding.image_channels = tuple(image_shape[:2]), image_shape[2]
    if "audio_dim" in defaults:
        decoding.audio_features, decoding.audio_options = "summary", {"n_mfcc": defaults["audio_dim"] // 2}
    if "sequence_length" in defaults:
        decoding.sequence_length = defaults["sequence_length"]
    return decoding


def manifest_decoding(name, path, frame, columns):
    """Returns how a manifest is decoded for a model, and its rows split.

    Args:
        name: The model's name (`decoding_for`).
        path: The manifest's path, for messages.
        frame: The manifest `DataFrame`.
        columns: Its columns.

    Returns:
        A tuple `(decoding, parts)`: the `mmzoo.datasets.Decoding`, with the
        class names of every row's label (None without a "label" column),
        and `{split: DataFrame}`.
    """
    from mmzoo.datasets.columns import LabelColumn

    decoding = decoding_for(name, columns)
    parts = common.split_manifest(frame, path, SPLITS)
    if "label" in columns:
        labels = LabelColumn(columns["label"])
        labels.fit([cell for cell in frame[columns["label"]] if labels.problem(cell) is None])
        decoding.class_names = labels.class_names
    return decoding, parts


def manifest_data(arguments, frame, columns):
    """Splits a manifest and turns each split into a `tf.data` pipeline, each file decoded once.

    The rows are split first (`mmzoo.datasets.split`), so no decoded sample
    is copied: the training and validation pipelines keep their decoded
    samples in memory after the first epoch.

    Args:
        arguments: The parsed `train` arguments.
        frame: The manifest `DataFrame`.
        columns: Its columns.

    Returns:
        A tuple `(data, class_names, vectorizer, decoding, row_ids)`: `data`
        maps each split to an unbatched dataset, `class_names` is a list
        (empty without a label column), `vectorizer` is the texts'
        `TextVectorization` or None, `row_ids` maps each split to the
        manifest's index labels of its rows, in the order of `data`.
    """
    from mmzoo.preprocessing import text_vectorizer

    decoding, parts = manifest_decoding(arguments.name, arguments.data, frame, columns)
    presets = preset_options.chosen(arguments)
    preset_options.adjust_decoding(decoding, presets)
    vectorizer = None
    if "text" in columns and "text" not in presets:
        vectorizer = text_vectorizer(parts["train"][columns["text"]].tolist(), max_tokens=MAX_TOKENS,
                                     sequence_length=decoding.sequence_length)
    print(f"Checking {len(frame)} rows of {arguments.data} ...", flush=True)
    if getattr(arguments, "prepared", None):
        data = {split: decoding.prepared(rows, os.path.join(arguments.prepared, split),
                                         common.base_dir(arguments.data), text_vectorizer=vectorizer,
                                         shuffle=split == "train", seed=arguments.seed)
                for split, rows in parts.items()}
    else:
        data = {split: decoding.dataset(rows, common.base_dir(arguments.data), text_vectorizer=vectorizer,
                                        shuffle=split == "train", seed=arguments.seed, cache=split != "test")
                for split, rows in parts.items()}
    row_ids = {split: rows.index.tolist() for split, rows in parts.items()}
    return data, list(decoding.class_names or ()), vectorizer, decoding, row_ids


def input_shapes(data):
    """Returns `{modality: per-sample shape}` of `(inputs, labels)` arrays or of an unbatched dataset."""
    if isinstance(data, tuple):
        return {modality: tuple(values.shape[1:]) for modality, values in data[0].items()}
    return {modality: tuple(spec.shape) for modality, spec in common.inputs_of(data).items()}


def fusion_builder(name, shapes, num_classes, vocab_size, presets=None):
    """Returns a function building a fusion model on the data's modalities.

    Args:
        name: A fusion of the catalogue.
        shapes: `{modality: per-sample shape}` of the training inputs.
        num_classes: Number of classes.
        vocab_size: Number of token ids of the texts, or None.
        presets: `{modality: keras-hub preset}` of the modalities whose
            branch is a pretrained encoder, or None.

    Returns:
        A function without arguments returning an uncompiled `keras.Model`.
    """
    from mmzoo import heads
    from mmzoo.assemble import build_model

    def build():
        return build_model(branches=preset_options.branches_for(shapes, vocab_size, presets),
                           fusion=name, head=heads.multiclass(num_classes), name=f"{name}_fusion_model")

    return build


def zoo_builder(name, shapes, num_classes, vocab_size):
    """Returns a function building a zoo entry sized for the data, after checking that it fits.

    Args:
        name: A zoo entry name.
        shapes: `{modality: per-sample shape}` of the training inputs.
        num_classes: Number of classes.
        vocab_size: Number of token ids of the texts, or None.

    Returns:
        A function without arguments returning an uncompiled `keras.Model`.

    Raises:
        UsageError: the entry is not a classifier, or its inputs are not
            the data's modalities and shapes; the message names both.
    """
    from mmzoo import zoo

    entry = zoo.get(name)
    defaults = entry.defaults()
    missing = [modality for modality in entry.modalities if modality not in shapes]
    if missing:
        raise common.UsageError(f"zoo model {name!r} expects the modalities {list(entry.modalities)}; "
                                f"the data gives {sorted(shapes)}")
    if "num_classes" not in defaults:
        raise common.UsageError(f"zoo model {name!r} is not a single classifier, so `mmzoo train` cannot fit it; "
                                "see `mmzoo describe` and the Python API")
    overrides = {"num_classes": num_classes, **_sizes(defaults, shapes, vocab_size)}

    def build():
        return zoo.build(name, **overrides)

    for tensor in build().inputs:
        expected, received = tuple(tensor.shape[1:]), shapes[tensor.name]
        if expected != received:
            raise common.UsageError(f"zoo model {name!r} expects {tensor.name} inputs of shape {expected}; "
                                    f"the data gives {received}")
    return build


def _sizes(defaults, shapes, vocab_size):
    """Returns the zoo builder arguments that the data's shapes set."""
    sizes = {}
    if "image_shape" in defaults and len(shapes.get("image", ())) == 3:
        sizes["image_shape"] = shapes["image"]
    if "audio_dim" in defaults and len(shapes.get("audio", ())) == 1:
        sizes["audio_dim"] = shapes["audio"][0]
    if "spectrogram_shape" in defaults and len(shapes.get("audio", ())) == 2:
        sizes["spectrogram_shape"] = shapes["audio"]
    if "sequence_length" in defaults and "text" in shapes:
        sizes["sequence_length"], sizes["vocab_size"] = shapes["text"][0], vocab_size
    return sizes


def builder(name, data, num_classes, vectorizer, presets=None, class_aware=False, loss=None, joint_space=False):
    """Returns the build function of the model and the inputs it takes.

    Args:
        name: A fusion or zoo entry name.
        data: The training data.
        num_classes: Number of classes.
        vectorizer: The texts' `TextVectorization`, or None.
        presets: `{modality: keras-hub preset}` for the pretrained branches
            of a fusion or a dual encoder, or None.
        class_aware: For a contrastive model, whether it learns the
            `num_classes` classes too (`--class-aware`).
        loss: For a contrastive model, its loss (`--loss`), or None.
        joint_space: For a contrastive model, whether it embeds into its
            presets' own joint space (`--joint-space`).

    Returns:
        A tuple `(build function, input names)`.
    """
    from mmzoo import zoo
    from mmzoo.datasets import synthetic

    vocab_size = int(vectorizer.vocabulary_size()) if vectorizer else len(synthetic.VOCABULARY)
    shapes = input_shapes(data)
    if name in train_contrastive.CONTRASTIVE_MODELS:
        return (train_contrastive.builder(shapes, vocab_size, num_classes if class_aware else None, presets,
                                          loss, joint_space), list(shapes))
    if name in zoo.available():
        return zoo_builder(name, shapes, num_classes, vocab_size), list(zoo.get(name).modalities)
    return fusion_builder(name, shapes, num_classes, vocab_size, presets), list(shapes)


def judge(model, split, class_names):
    """Evaluates a trained model on the test split (or validation, or train when it is the only one).

    Args:
        model: The trained model.
        split: `{split: data}`.
        class_names: The label of each class id.

    Returns:
        Dict of the split used, accuracy, macro F1 and parameters.
    """
    from mmzoo import evaluation

    name = next(key for key in ("test", "validation", "train") if key in split)
    report = evaluation.evaluate(model, split[name], class_names=[str(label) for label in class_names])
    output = report[model.output_names[0]]
    return {"split": name, "samples": common.size(split[name]), "accuracy": float(output.accuracy),
            "macro_f1": float(output.macro_f1), "parameters": int(model.count_params())}


def write_run(arguments, model, history, metrics, vectorizer, decoding):
    """Writes model.keras (with vocabulary and decoding settings), history.json and metrics.json.

    Args:
        arguments: The parsed `train` arguments.
        model: The trained model.
        history: `{metric: per-epoch values}`.
        metrics: Dict from `judge`, with the training time.
        vectorizer: The texts' `TextVectorization`, or None.
        decoding: The manifest's `mmzoo.datasets.Decoding`, or None.
    """
    from mmzoo import export

    path = os.path.join(arguments.out, MODEL_FILE)
    if decoding:
        decoding.save(path)
    export.save_keras(model, path, vectorizers={"text": vectorizer} if vectorizer else None)
    common.write_json(os.path.join(arguments.out, "history.json"),
                      {key: [float(value) for value in values] for key, values in history.items()})
    common.write_json(os.path.join(arguments.out, "metrics.json"),
                      {"model": arguments.name, "data": arguments.data, "epochs": arguments.epochs, **metrics})


def _write_on_chief(chief, arguments, model, history, metrics, vectorizer, decoding):
    """Writes the run folder on the chief; another worker of a cluster says so and writes nothing.

    Every worker of a cluster runs the same command, `--out` included, and
    holds the same trained model: one writer keeps a shared folder's files
    whole.

    Args:
        chief: Whether this process is the cluster's chief (or the only process).
        arguments: The parsed `train` arguments.
        model: The trained model.
        history: `{metric: per-epoch values}`.
        metrics: The metrics of `metrics.json`.
        vectorizer: The texts' `TextVectorization`, or None.
        decoding: The manifest's `mmzoo.datasets.Decoding`, or None.

    Returns:
        Whether this process wrote the run.
    """
    if chief:
        write_run(arguments, model, history, metrics, vectorizer, decoding)
    else:
        print(f"Trained as a worker of the cluster; its chief writes {arguments.out}")
    return chief


def run(arguments):
    """Trains the model and writes its folder: the model, its history and its test metrics.

    Args:
        arguments: The parsed arguments.

    Raises:
        UsageError: a bad argument, or a model that does not fit the data.
    """
    frame, columns = check(arguments)
    common.load_tensorflow()
    from mmzoo import datasets, training
    from mmzoo.training.strategy import is_chief

    check_strategy(arguments.strategy)
    check_name(arguments.name)
    preset_options.check_name(arguments, train_contrastive.CONTRASTIVE_MODELS)
    strategy = cluster_strategy(arguments.strategy)
    if frame is None:
        data = {split: datasets.load(arguments.data, split=split, as_dataset=False) for split in SPLITS}
        class_names, vectorizer, decoding, row_ids = common.bundled_class_names(arguments.data), None, None, None
    else:
        data, class_names, vectorizer, decoding, row_ids = manifest_data(arguments, frame, columns)
    presets = preset_options.chosen(arguments)
    build, names = builder(arguments.name, data["train"], len(class_names), vectorizer, presets,
                           class_aware=arguments.class_aware, loss=arguments.loss,
                           joint_space=arguments.joint_space)
    data = {split: common.select(values, names, arguments.data) for split, values in data.items()}
    chief = is_chief(strategy)
    if arguments.name in train_contrastive.CONTRASTIVE_MODELS:
        checkpoints = os.path.join(arguments.out, CHECKPOINTS)
        model, history, metrics = train_contrastive.run(arguments, strategy, build, data, row_ids, MODEL_FILE,
                                                        checkpoints, chief)
        if _write_on_chief(chief, arguments, model, history, metrics, vectorizer, decoding):
            print(f"{train_contrastive.summary(metrics['retrieval'])}; "
                  f"saved {os.path.join(arguments.out, MODEL_FILE)}")
        return
    os.makedirs(arguments.out, exist_ok=True)
    print(f"{common.training_action(os.path.join(arguments.out, CHECKPOINTS))} {arguments.name!r} on {arguments.data} "
          f"({common.size(data['train'])} training samples) into {arguments.out}", flush=True)
    start = time.perf_counter()
    model, history = training.fit(
        build, data["train"], validation=data.get("validation"), epochs=arguments.epochs,
        batch_size=arguments.batch_size, strategy=strategy, seed=arguments.seed,
        checkpoint_dir=os.path.join(arguments.out, CHECKPOINTS), verbose=1 if sys.stdout.isatty() else 2,
        learning_rate="cosine", cache_frozen=bool(presets))
    seconds = time.perf_counter() - start
    metrics = judge(model, data, class_names)
    if _write_on_chief(chief, arguments, model, history.history, {**metrics, "training_seconds": round(seconds, 2)},
                       vectorizer, decoding):
        print(f"{metrics['split']} accuracy {metrics['accuracy']:.4f}, macro F1 {metrics['macro_f1']:.4f}; "
              f"saved {os.path.join(arguments.out, MODEL_FILE)}")
