"""`MaskedGlobalMaxPooling1D`: through the shared harness, and the max over kept steps only."""

import numpy as np
from harness import run_layer_test

from mmzoo.layers import MaskedGlobalMaxPooling1D


def test_masked_max_ignores_padding_and_gives_zeros_without_steps():
    tokens = np.array([[[1.0, 5.0], [9.0, 9.0]], [[2.0, -1.0], [-3.0, 4.0]], [[7.0, 7.0], [8.0, 8.0]]], "float32")
    mask = np.array([[True, False], [True, True], [False, False]])
    pooled = run_layer_test(MaskedGlobalMaxPooling1D, {}, tokens, call_kwargs={"mask": mask},
                            expected_output_shape=(3, 2))
    np.testing.assert_array_equal(np.asarray(pooled), [[1.0, 5.0], [2.0, 4.0], [0.0, 0.0]])


def test_without_a_mask_every_step_counts():
    tokens = np.array([[[1.0, 5.0], [9.0, 0.0]]], "float32")
    pooled = run_layer_test(MaskedGlobalMaxPooling1D, {}, tokens, expected_output_shape=(1, 2))
    np.testing.assert_array_equal(np.asarray(pooled), [[9.0, 5.0]])
