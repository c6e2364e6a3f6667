"""Text noise: character swaps, typos and dropped words on strings; dropped or replaced token ids.

Strings are an array `(n,)` (or any shape) of `str`; token ids an integer
array `(n, steps)` padded with 0 at the end, as `keras.layers.TextVectorization`
makes them (0 is padding, 1 the out-of-vocabulary id). Every function takes
a `level` in [0, 1], the probability that each word (or token) is affected,
and a `numpy.random.Generator`; the random draws do not depend on the level,
so for one seed a higher level affects a superset of the words.
"""

import numpy as np

from mmzoo._checks import check_int
from mmzoo.errors import ConfigurationError

QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard_neighbours():
    position = {key: (row, column) for row, keys in enumerate(QWERTY_ROWS) for column, key in enumerate(keys)}
    neighbours = {}
    for key, (row, column) in position.items():
        neighbours[key] = "".join(
            other for other, (other_row, other_column) in position.items()
            if other != key and abs(other_row - row) <= 1 and abs(other_column - column) <= 1
        )
    return neighbours


NEIGHBOURS = _keyboard_neighbours()


def is_token_ids(values):
    """Tells whether `values` are token ids (integers) rather than strings."""
    return values.dtype.kind in "iu"


def check_text(values):
    """Raises unless `values` are strings or a rank-2 integer array of token ids.

    Args:
        values: Numpy array.

    Raises:
        ConfigurationError: neither strings nor `(n, steps)` token ids.
    """
    if values.dtype.kind in "OSU":
        if values.dtype.kind == "O" and not all(isinstance(text, str) for text in values.ravel()):
            raise ConfigurationError(f"Text noise takes strings. Received: values of dtype {values.dtype}")
        return
    if not is_token_ids(values) or values.ndim != 2:
        raise ConfigurationError(
            "Text noise takes strings or token ids of shape (n, steps). "
            f"Received: values of shape {values.shape} and dtype {values.dtype}"
        )


def _map_words(texts, rng, change):
    """Applies `change(word, draws) -> str or None` to every word of every string."""
    result = np.empty(texts.shape, dtype=object)
    for index, text in np.ndenumerate(texts):
        words = []
        for word in str(text).split():
            draws = rng.random(3)
            changed = change(word, draws)
            if changed is not None:
                words.append(changed)
        result[index] = " ".join(words)
    return result.astype(str) if texts.dtype.kind in "SU" else result


def _strings_only(name, values):
    if is_token_ids(values):
        raise ConfigurationError(
            f"Noise {name!r} changes characters, so it needs raw strings, not token ids. "
            f"Received: values of dtype {values.dtype}"
        )


def char_swap(texts, level, rng):
    """Swaps two neighbouring characters in each word, with probability `level`."""
    _strings_only("char_swap", texts)

    def change(word, draws):
        if draws[0] >= level or len(word) < 2:
            return word
        at = int(draws[1] * (len(word) - 1))
        return word[:at] + word[at + 1] + word[at] + word[at + 2:]

    return _map_words(texts, rng, change)


def typo(texts, level, rng):
    """Replaces one letter of each word by a neighbouring QWERTY key, with probability `level`."""
    _strings_only("typo", texts)

    def change(word, draws):
        letters = [at for at, char in enumerate(word) if char.lower() in NEIGHBOURS]
        if draws[0] >= level or not letters:
            return word
        at = letters[int(draws[1] * len(letters))]
        options = NEIGHBOURS[word[at].lower()]
        key = options[int(draws[2] * len(options))]
        return word[:at] + (key.upper() if word[at].isupper() else key) + word[at + 1:]

    return _map_words(texts, rng, change)


def word_dropout(values, level, rng):
    """Drops each word (or non-padding token id) with probability `level`.

    Token ids left are moved to the front and the row padded with 0.
    """
    if not is_token_ids(values):
        return _map_words(values, rng, lambda word, draws: word if draws[0] >= level else None)
    dropped = (rng.random(values.shape) < level) & (values != 0)
    result = np.zeros_like(values)
    for row, (ids, drop) in enumerate(zip(values, dropped)):
        kept = ids[(ids != 0) & ~drop]
        result[row, : len(kept)] = kept
    return result


def token_replacement(ids, level, rng, vocab_size=None):
    """Replaces each non-padding token id, with probability `level`, by a random id in [2, vocab_size).

    `vocab_size=None` takes the largest id in `ids` plus one.
    """
    if not is_token_ids(ids):
        raise ConfigurationError(
            f"Noise 'token_replacement' needs token ids, not strings. Received: values of dtype {ids.dtype}"
        )
    if vocab_size is None:
        vocab_size = int(ids.max()) + 1
    check_int("vocab_size", vocab_size, minimum=3)
    replace = (rng.random(ids.shape) < level) & (ids != 0)
    random_ids = rng.integers(2, vocab_size, size=ids.shape)
    return np.where(replace, random_ids, ids).astype(ids.dtype)


NOISES = {"char_swap": char_swap, "typo": typo, "word_dropout": word_dropout, "token_replacement": token_replacement}
