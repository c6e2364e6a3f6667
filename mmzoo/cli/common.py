"""What the subcommands share: argument checks, manifests, output files and the loading of a saved model.

The checks run before TensorFlow is imported, so that help and bad
arguments answer at once; the functions that need TensorFlow import the
library inside their body.
"""

import argparse
import os
import sys

from mmzoo.errors import ConfigurationError

BUNDLED_DATA = ("av_mnist", "synthetic")
MODALITIES = ("image", "text", "audio")
COLUMN_OPTIONS = {"image": "--image-col", "text": "--text-col", "audio": "--audio-col", "label": "--label-col"}


class UsageError(ConfigurationError):
    """A command-line value mmzoo cannot work with (exit status 2)."""


def _integer_at_least(minimum, meaning):
    """Returns an argparse type accepting integers of at least `minimum`."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {meaning}, received {text!r}")
        return value

    return parse


positive_int = _integer_at_least(1, "a positive integer")
"""Parses a positive integer for argparse (epochs, sizes); raises `argparse.ArgumentTypeError` otherwise."""
non_negative_int = _integer_at_least(0, "a non-negative integer")
"""Parses an integer of at least 0 for argparse (a seed); raises `argparse.ArgumentTypeError` otherwise."""


def check_new_path(path, option="--out"):
    """Refuses an output path that exists already (mmzoo never overwrites).

    Args:
        path: The output file or folder.
        option: The option that named it, for the message.

    Raises:
        UsageError: `path` exists, or a part of its parent path is a file.
    """
    if os.path.lexists(path):
        raise UsageError(f"{option} {path!r} exists already; choose a new path (mmzoo does not overwrite)")
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.lexists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise UsageError(f"{option} {path!r}: {parent!r} is a file, not a folder")


def check_model_file(path):
    """Checks that a saved model file exists and is a `.keras` file.

    Args:
        path: The model path given on the command line.

    Raises:
        UsageError: `path` is not an existing `.keras` file.
    """
    if not str(path).endswith(".keras"):
        raise UsageError(f"MODEL must be a .keras file, received {path!r}")
    if not os.path.isfile(path):
        raise UsageError(f"model file {path!r} does not exist")


def check_data(source):
    """Checks a `--data` value: a bundled dataset name or a readable CSV manifest.

    Args:
        source: "av_mnist", "synthetic" or the path of a CSV file.

    Raises:
        UsageError: neither a bundled name nor a readable `.csv` file.
    """
    if source in BUNDLED_DATA:
        return
    if not source.endswith(".csv"):
        raise UsageError(f"--data must be one of {list(BUNDLED_DATA)} or a manifest .csv file, received {source!r}")
    if not os.path.isfile(source):
        raise UsageError(f"--data manifest {source!r} does not exist")
    if not os.access(source, os.R_OK):
        raise UsageError(f"--data manifest {source!r} is not readable")


def add_data_options(parser):
    """Adds `--data` and the manifest column options to a subcommand.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument(
        "--data", required=True, metavar="SOURCE",
        help="'av_mnist' (bundled audio-visual digits), 'synthetic' (generated image + text + audio) or a "
             "manifest CSV with one row per sample; a 'split' column (train/validation/test) chooses the "
             "split of each row, otherwise a fixed 80/10/10 shuffle does (mmzoo.datasets.split)")
    group = parser.add_argument_group("manifest columns (CSV data only; paths relative to the CSV)")
    group.add_argument("--image-col", metavar="C", help="column of image file paths (PNG, JPEG, ...)")
    group.add_argument("--text-col", metavar="C", help="column of texts")
    group.add_argument("--audio-col", metavar="C", help="column of audio file paths (WAV, FLAC, ...)")
    group.add_argument("--label-col", metavar="C", help="column of class labels (default: label)")


def add_name_options(parser, meaning):
    """Adds NAME, `--data` and the manifest column options (`train` and `prepare`).

    Args:
        parser: The subcommand's parser.
        meaning: The help of NAME.
    """
    parser.add_argument("name", metavar="NAME", help=meaning)
    add_data_options(parser)


def add_model_options(parser):
    """Adds MODEL, `--data` and the manifest column options (`evaluate` and `export`).

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument("model", metavar="MODEL.keras", help="a model saved by `mmzoo train` or `mmzoo demo`")
    add_data_options(parser)


def columns(arguments, saved=None):
    """Returns the manifest columns named on the command line, completed by those saved with a model.

    Args:
        arguments: Parsed arguments with `image_col`, `text_col`,
            `audio_col` and `label_col`.
        saved: Dict of the columns a model was trained on, or None.

    Returns:
        `{"image"|"text"|"audio"|"label": column name}`: the modalities given
        on the command line (else the saved ones) and the label column.
    """
    saved = saved or {}
    given = {modality: getattr(arguments, f"{modality}_col") for modality in MODALITIES
             if getattr(arguments, f"{modality}_col")}
    modalities = given or {modality: saved[modality] for modality in MODALITIES if saved.get(modality)}
    return {**modalities, "label": arguments.label_col or saved.get("label") or "label"}


def read_manifest(path, names):
    """Reads a manifest CSV with pandas and checks that it has the columns asked for.

    Args:
        path: The CSV file.
        names: `{"image"|"text"|"audio"|"label": column name}`.

    Returns:
        A `pandas.DataFrame`.

    Raises:
        UsageError: the file cannot be read or parsed, has no row, no
            modality column is given, or a column is missing; the message
            lists the manifest's columns.
    """
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise UsageError(f"cannot read the manifest {path!r}: it is damaged or is not a CSV text file ({reason}); "
                         "check that it opens as text with one header row, or write it again (DataFrame.to_csv)"
                         ) from error
    if frame.empty:
        raise UsageError(f"the manifest {path!r} has no row")
    if not any(names.get(modality) for modality in MODALITIES):
        raise UsageError(f"name the input columns of {path!r} with --image-col, --text-col and/or --audio-col "
                         f"(its columns: {list(frame.columns)})")
    for key, option in COLUMN_OPTIONS.items():
        column = names.get(key)
        if column and column not in frame.columns:
            raise UsageError(f"{option} {column!r} is not a column of {path!r} (its columns: {list(frame.columns)})")
    return frame


def split_manifest(frame, path, wanted):
    """Splits a manifest's rows with `mmzoo.datasets.split`, refusing an empty split.

    Args:
        frame: The manifest `DataFrame`.
        path: The manifest path, for messages.
        wanted: The splits needed; "validation" may be empty.

    Returns:
        `{split: DataFrame}` of the wanted splits that have rows.

    Raises:
        UsageError: a bad "split" column, or no row in a wanted split
            other than "validation".
    """
    from mmzoo import datasets

    try:
        parts = datasets.split(frame)
    except ConfigurationError as error:
        raise UsageError(f"the manifest {path!r}: {error}") from error
    empty = [name for name in wanted if parts[name].empty and name != "validation"]
    if empty:
        raise UsageError(f"the manifest {path!r} has no row in the split(s) {empty}")
    return {name: parts[name] for name in wanted if not parts[name].empty}


def base_dir(path):
    """Returns the folder a manifest's relative paths are resolved against: the CSV's own."""
    return os.path.dirname(os.path.abspath(path))


def size(data):
    """Returns the number of samples of `(inputs, labels)` arrays or of an unbatched dataset."""
    return len(data[1]) if isinstance(data, tuple) else int(data.cardinality())


def inputs_of(data):
    """Returns the inputs dict of `(inputs, labels)` arrays, or the element spec of a dataset's inputs.

    Args:
        data: `(inputs, labels)` arrays, or a `tf.data.Dataset` of `(inputs,
            labels)` or of `inputs` alone (a manifest without labels).

    Returns:
        `{name: array}` or `{name: tf.TensorSpec}`.
    """
    if isinstance(data, tuple):
        return data[0]
    spec = data.element_spec
    return spec[0] if isinstance(spec, tuple) else spec


def select(data, names, source):
    """Returns the data with exactly the inputs a model takes, checking that it holds them.

    Args:
        data: `(inputs, labels)` arrays or a `tf.data.Dataset` of such pairs
            or of inputs alone.
        names: The model's input names.
        source: The data source, for the message.

    Returns:
        The data, its inputs reduced to `names`.

    Raises:
        UsageError: the data lacks an input; names expected and received.
    """
    given = inputs_of(data)
    missing = [name for name in names if name not in given]
    if missing:
        raise UsageError(f"the model expects the modalities {list(names)}; --data {source} gives {sorted(given)}")
    if sorted(given) == sorted(names):
        return data
    if isinstance(data, tuple):
        return {name: data[0][name] for name in names}, data[1]
    if not isinstance(data.element_spec, tuple):
        return data.map(lambda inputs: {name: inputs[name] for name in names})
    return data.map(lambda inputs, labels: ({name: inputs[name] for name in names}, labels))


def bundled_class_names(source):
    """Returns the label of each class id of a bundled dataset.

    Args:
        source: "av_mnist" or "synthetic".

    Returns:
        A list of labels.
    """
    from mmzoo.datasets import synthetic
    from mmzoo.datasets.av_mnist import CLASS_NAMES

    if source == "av_mnist":
        return list(CLASS_NAMES)
    return list(range(synthetic.num_classes("image+audio")))  # the task `datasets.load("synthetic")` generates


def load_model_and_data(arguments, splits):
    """Loads a saved model and the splits of its data, decoded as in training.

    A manifest is decoded with the `mmzoo.datasets.Decoding` saved beside
    the model by `mmzoo train` (its columns unless --image-col etc. are
    given), and its texts with the model's saved vocabulary.

    Args:
        arguments: Parsed arguments with `model`, `data` and the columns.
        splits: The splits wanted.

    Returns:
        A tuple `(model, vectorizers, decoding, data, class_names)`;
        `decoding` is the model's `Decoding` or None, `data` maps each split
        to `(inputs, labels)` arrays (bundled data) or an unbatched dataset
        (a manifest) with exactly the model's inputs.

    Raises:
        UsageError: a manifest without the model's decoding settings or
            vocabulary, a missing column, or data lacking a modality of the
            model.
    """
    from mmzoo import datasets, export

    model, vectorizers = export.load_keras(arguments.model)
    names = [tensor.name for tensor in model.inputs]
    decoding = datasets.Decoding.load(arguments.model)
    if arguments.data in BUNDLED_DATA:
        data = {split: datasets.load(arguments.data, split=split, as_dataset=False) for split in splits}
        class_names = bundled_class_names(arguments.data)
    else:
        if decoding is None:
            raise UsageError(f"no decoding settings beside {arguments.model!r} "
                             f"({datasets.decoding_path(arguments.model)}, written by `mmzoo train` on a manifest): "
                             f"the model cannot decode --data {arguments.data}")
        decoding.columns = columns(arguments, saved=decoding.columns)
        frame = read_manifest(arguments.data, decoding.columns)
        takes_ids = "text" in names and model.inputs[names.index("text")].dtype != "string"
        if "text" in decoding.modalities() and takes_ids and "text" not in vectorizers:
            raise UsageError(f"the model takes token ids but no vocabulary was found next to {arguments.model!r} "
                             f"({export.vocabulary_path(arguments.model, 'text')})")
        print(f"Checking {len(frame)} rows of {arguments.data} ...", flush=True)
        data = {split: decoding.dataset(rows, base_dir(arguments.data), text_vectorizer=vectorizers.get("text"))
                for split, rows in split_manifest(frame, arguments.data, splits).items()}
        class_names = decoding.class_names
    data = {split: select(values, names, arguments.data) for split, values in data.items()}
    return model, vectorizers, decoding, data, class_names


def load_tensorflow():
    """Imports Keras, then TensorFlow, with stderr silenced, so only mmzoo's own messages show.

    Keras comes first: under `KERAS_BACKEND=torch`, importing TensorFlow
    before Keras can crash the process. TensorFlow writes device probing
    notes (oneDNN, CUDA drivers, cuInit) from C++ before `TF_CPP_MIN_LOG_LEVEL` applies; they go to the null
    device. Set `MMZOO_TF_LOG=1` to see them.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if os.environ.get("MMZOO_TF_LOG") == "1" or "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        import keras  # noqa: F401 - before TensorFlow, see above
        import tensorflow as tf

        tf.config.list_physical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def make_parent(path):
    """Creates the parent folders of an output path, if missing.

    Args:
        path: The output file or folder.
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)


def write_json(path, payload):
    """Writes a JSON file, indented, through a temporary file (never half-written).

    Args:
        path: The file; missing parent folders are created.
        payload: A JSON-serialisable object.
    """
    from mmzoo._files import write_json as write_atomically

    make_parent(path)
    write_atomically(path, payload, indent=1)


def training_action(checkpoint_dir):
    """Says how a `train` run starts: "Training", or "Resuming after epoch N" when its backup holds N epochs.

    The training backup decides, as it decides where `mmzoo.training.fit`
    resumes; whether `--out` exists does not (on a cluster the chief may make
    the folder before another worker looks).

    Args:
        checkpoint_dir: The run's checkpoint folder (the backup is inside).

    Returns:
        The first words of the run's first line.
    """
    from mmzoo.training.checkpoints import BackupAndRestore
    from mmzoo.training.fitting import BACKUP_FOLDER

    done = BackupAndRestore(os.path.join(checkpoint_dir, BACKUP_FOLDER)).epochs_done()
    return f"Resuming after epoch {done}" if done else "Training"
