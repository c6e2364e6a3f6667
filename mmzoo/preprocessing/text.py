"""Text vectorization: raw strings to integer token ids for the text branches.

Built on ``keras.layers.TextVectorization`` (the Keras 2 ``Tokenizer`` no longer
exists). Id 0 is padding and id 1 the out-of-vocabulary token, which is what the
``lstm`` text branch expects with ``mask_zero=True``.

Typical use:

```python
vectorizer = text_vectorizer(df["caption"], max_tokens=5000, sequence_length=32)
text_branch = branches.lstm(**branch_kwargs(vectorizer))
save_vectorizer(vectorizer, "model.vocab.json")   # next to model.keras
vectorizer = load_vectorizer("model.vocab.json")  # same ids after reload
```

The layer can also sit inside a model (``keras.Input(shape=(), dtype="string")``
followed by the vectorizer); its vocabulary is then stored in the ``.keras``
file itself.
"""

import os

import keras
import numpy as np

from mmzoo._checks import check_int, check_positive_int
from mmzoo._files import read_json, reading, write_json
from mmzoo.errors import ArgumentTypeError, ConfigurationError, describe_value

STANDARDIZE_OPTIONS = ("lower_and_strip_punctuation", "lower", "strip_punctuation", None)
SPLIT_OPTIONS = ("whitespace", "character", None)
VOCABULARY_FORMAT = "mmzoo.text_vectorizer/1"


def text_vectorizer(
    corpus=None,
    max_tokens=20000,
    sequence_length=64,
    standardize="lower_and_strip_punctuation",
    split="whitespace",
    vocabulary=None,
    name="text_vectorizer",
):
    """Creates a `TextVectorization` layer mapping strings to padded token ids.

    Args:
        corpus: Iterable of strings (list, numpy array, pandas Series or a
            `tf.data.Dataset` of strings) to learn the vocabulary from;
            values that are not strings (missing texts) are ignored. Exactly
            one of `corpus` and `vocabulary` must be given.
        max_tokens: Maximum vocabulary size, counting the padding id 0 and the
            out-of-vocabulary id 1.
        sequence_length: Length every output sequence is padded (with 0) or
            truncated to.
        standardize: One of `"lower_and_strip_punctuation"`, `"lower"`,
            `"strip_punctuation"` or `None`.
        split: One of `"whitespace"`, `"character"` or `None`.
        vocabulary: Optional list of tokens (without the padding and
            out-of-vocabulary entries) to use instead of adapting on `corpus`.
        name: Name of the layer.

    Returns:
        An adapted `keras.layers.TextVectorization` layer with integer output of
        shape `(batch, sequence_length)`.

    Raises:
        ConfigurationError: If an argument has an invalid value, or the corpus
            yields no token.
        ArgumentTypeError: If `corpus` is a single string.
    """
    if (corpus is None) == (vocabulary is None):
        raise ConfigurationError(
            "Pass exactly one of `corpus` and `vocabulary`. "
            f"Received: corpus={describe_value(corpus)}, vocabulary={describe_value(vocabulary)}"
        )
    if isinstance(corpus, (str, bytes)):
        raise ArgumentTypeError(
            "`corpus` must be an iterable of strings, not a single string. "
            f"Received: corpus={describe_value(corpus)}"
        )
    check_int("max_tokens", max_tokens, minimum=3)
    check_positive_int("sequence_length", sequence_length)
    if standardize not in STANDARDIZE_OPTIONS:
        raise ConfigurationError(
            f"`standardize` must be one of {STANDARDIZE_OPTIONS}. Received: standardize={standardize!r}"
        )
    if split not in SPLIT_OPTIONS:
        raise ConfigurationError(f"`split` must be one of {SPLIT_OPTIONS}. Received: split={split!r}")
    layer = keras.layers.TextVectorization(
        max_tokens=max_tokens,
        standardize=standardize,
        split=split,
        output_mode="int",
        output_sequence_length=sequence_length,
        vocabulary=None if vocabulary is None else list(vocabulary),
        name=name,
    )
    if corpus is not None:
        layer.adapt(_as_adapt_data(corpus))
        if layer.vocabulary_size() <= 2:
            raise ConfigurationError(
                "The corpus produced no token after standardization and splitting. "
                f"Received: corpus={describe_value(corpus)}"
            )
    return layer


def branch_kwargs(vectorizer):
    """Returns the sizes a text branch needs from a vectorizer.

    Args:
        vectorizer: A `TextVectorization` layer with integer output, e.g. from
            `text_vectorizer` or `load_vectorizer`.

    Returns:
        A dict `{"vocab_size": ..., "sequence_length": ...}` to unpack into
        `mmzoo.branches.lstm(**branch_kwargs(vectorizer))`.

    Raises:
        ArgumentTypeError: If `vectorizer` is not a `TextVectorization` layer.
        ConfigurationError: If it does not output fixed-length integer ids.
    """
    _check_vectorizer(vectorizer)
    return {
        "vocab_size": int(vectorizer.vocabulary_size()),
        "sequence_length": int(vectorizer.get_config()["output_sequence_length"]),
    }


def save_vectorizer(vectorizer, path):
    """Writes a vectorizer's settings and vocabulary to a JSON file.

    The file is written under a temporary name and then renamed, so a reader
    never sees a half-written vocabulary.

    Args:
        vectorizer: A `TextVectorization` layer with integer output.
        path: Destination file, conventionally `<model>.vocab.json` next to the
            `.keras` file of the model that consumes the ids.

    Returns:
        The path written, as a string.

    Raises:
        ArgumentTypeError: If `vectorizer` is not a `TextVectorization` layer.
        ConfigurationError: If it does not output fixed-length integer ids.
    """
    _check_vectorizer(vectorizer)
    config = vectorizer.get_config()
    payload = {
        "format": VOCABULARY_FORMAT,
        "name": config["name"],
        "max_tokens": config["max_tokens"],
        "sequence_length": config["output_sequence_length"],
        "standardize": config["standardize"],
        "split": config["split"],
        # Entries 0 and 1 are the padding and out-of-vocabulary tokens, which
        # the layer adds back itself.
        "vocabulary": [str(token) for token in vectorizer.get_vocabulary()[2:]],
    }
    path = os.fspath(path)
    write_json(path, payload, indent=1)
    return path


def load_vectorizer(path):
    """Restores a vectorizer written by `save_vectorizer`.

    Args:
        path: JSON file written by `save_vectorizer`.

    Returns:
        A `TextVectorization` layer that maps every string to the same ids as
        the saved one.

    Raises:
        ConfigurationError: If the file is not a vocabulary written by
            `save_vectorizer`.
        DamagedFileError: If the file is damaged (not JSON, or missing a field).
        FileNotFoundError: If there is no such file.
    """
    remedy = "Save the vectorizer again with mmzoo.preprocessing.save_vectorizer (or mmzoo.export.save_keras)."
    payload = read_json(path, kind="vocabulary JSON", remedy=remedy)
    if payload is None:
        raise FileNotFoundError(f"No vocabulary file {os.fspath(path)!r}.")
    if not isinstance(payload, dict) or payload.get("format") != VOCABULARY_FORMAT:
        raise ConfigurationError(
            f"The file is not a vocabulary written by `save_vectorizer`. Received: path={os.fspath(path)!r}"
        )
    with reading(path, "vocabulary JSON", remedy):
        return text_vectorizer(
            vocabulary=payload["vocabulary"],
            max_tokens=payload["max_tokens"],
            sequence_length=payload["sequence_length"],
            standardize=payload["standardize"],
            split=payload["split"],
            name=payload["name"],
        )


def _as_adapt_data(corpus):
    if hasattr(corpus, "element_spec"):
        return corpus
    return np.asarray([text for text in corpus if isinstance(text, str)], dtype=object)


def _check_vectorizer(vectorizer):
    if not isinstance(vectorizer, keras.layers.TextVectorization):
        raise ArgumentTypeError(
            "`vectorizer` must be a `keras.layers.TextVectorization` layer. "
            f"Received: vectorizer={describe_value(vectorizer)}"
        )
    config = vectorizer.get_config()
    if config["output_mode"] != "int" or not config["output_sequence_length"]:
        raise ConfigurationError(
            "`vectorizer` must output fixed-length integer ids (output_mode='int' and an "
            "output_sequence_length). "
            f"Received: vectorizer with output_mode={config['output_mode']!r}, "
            f"output_sequence_length={config['output_sequence_length']!r}"
        )
