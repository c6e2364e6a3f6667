"""Decoding a `trimodal_captioner`: greedy and beam search, one next token at a time."""

import numpy as np
from keras import ops

from mmzoo._checks import check_positive_int
from mmzoo.zoo.captioner_data import END_ID, START_ID


def _next_token_log_probs(model, conditions, prefixes, step):
    max_length = model.get_layer("tokens").output.shape[1]
    tokens = np.zeros((len(prefixes), max_length), dtype="int32")
    for row, prefix in enumerate(prefixes):
        tokens[row, :len(prefix)] = prefix
    probabilities = model({**conditions, "tokens": tokens}, training=False)
    return np.log(np.maximum(ops.convert_to_numpy(probabilities)[:, step], 1e-12))


def _strip(sequence, end_id):
    words = list(sequence[1:])
    return words[:words.index(end_id)] if end_id in words else words


def _conditions(inputs):
    return {name: np.asarray(value) for name, value in inputs.items() if name != "tokens"}


def greedy_decode(model, inputs, start_id=START_ID, end_id=END_ID, max_length=None):
    """Generates token ids by always taking the most probable next token.

    Args:
        model: A `trimodal_captioner` model.
        inputs: Dict with `image` and `audio` arrays (a `tokens` entry is
            ignored).
        start_id: Id every caption starts with.
        end_id: Id that ends a caption.
        max_length: Most tokens generated, start token included (default:
            the model's maximum).

    Returns:
        A list with one list of token ids per sample, without the start and
        end tokens.
    """
    conditions = _conditions(inputs)
    limit = max_length or model.get_layer("tokens").output.shape[1]
    prefixes = [[start_id] for _ in range(len(next(iter(conditions.values()))))]
    finished = np.zeros(len(prefixes), dtype=bool)
    for step in range(limit - 1):
        chosen = _next_token_log_probs(model, conditions, prefixes, step).argmax(axis=-1)
        for row, token in enumerate(chosen):
            if not finished[row]:
                prefixes[row].append(int(token))
                finished[row] = token == end_id
        if finished.all():
            break
    return [_strip(prefix, end_id) for prefix in prefixes]


def beam_search_decode(model, inputs, beam_width=3, start_id=START_ID, end_id=END_ID, max_length=None):
    """Generates token ids keeping the `beam_width` most probable captions at each step.

    Args:
        model: A `trimodal_captioner` model.
        inputs: Dict with `image` and `audio` arrays.
        beam_width: Number of partial captions kept per sample.
        start_id: Id every caption starts with.
        end_id: Id that ends a caption (a finished caption is kept as is).
        max_length: Most tokens generated, start token included.

    Returns:
        A list with the most probable caption's token ids per sample,
        without the start and end tokens.

    Raises:
        ValueError: `beam_width` is not a positive integer.
    """
    check_positive_int("beam_width", beam_width)
    conditions = _conditions(inputs)
    limit = max_length or model.get_layer("tokens").output.shape[1]
    captions = []
    for sample in range(len(next(iter(conditions.values())))):
        beams = [([start_id], 0.0)]
        for step in range(limit - 1):
            open_beams = [beam for beam in beams if beam[0][-1] != end_id]
            if not open_beams:
                break
            repeated = {name: np.repeat(value[sample:sample + 1], len(open_beams), axis=0)
                        for name, value in conditions.items()}
            log_probs = _next_token_log_probs(model, repeated, [prefix for prefix, _ in open_beams], step)
            candidates = [beam for beam in beams if beam[0][-1] == end_id]
            for (prefix, score), row in zip(open_beams, log_probs):
                for token in np.argsort(row)[-beam_width:]:
                    candidates.append((prefix + [int(token)], score + float(row[token])))
            beams = sorted(candidates, key=lambda beam: beam[1], reverse=True)[:beam_width]
        captions.append(_strip(beams[0][0], end_id))
    return captions
