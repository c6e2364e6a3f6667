"""`masked_mean`: the mean over the steps a mask keeps."""

import numpy as np
from keras import ops

from mmzoo.layers import masked_mean


def test_masked_mean_averages_kept_steps_only():
    tokens = np.array([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]], [[5.0, 5.0], [7.0, 9.0], [0.0, 0.0]]], "float32")
    mask = np.array([[True, True, False], [False, False, False]])
    mean = ops.convert_to_numpy(masked_mean(tokens, mask))
    np.testing.assert_allclose(mean, [[2.0, 3.0], [0.0, 0.0]])
    np.testing.assert_allclose(ops.convert_to_numpy(masked_mean(tokens, None)), tokens.mean(axis=1), rtol=1e-6)
