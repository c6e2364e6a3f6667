"""`MissingModalities`: through the shared harness, and the in-band marks it reads."""

import numpy as np
from harness import run_layer_test

from mmzoo.layers import MissingModalities


def test_missing_modalities_reads_the_marks_of_each_kind():
    image = np.ones((3, 2, 2), "float32")
    image[1] = np.nan
    tokens = np.array([[3, 0], [0, 0], [1, 2]], "int32")
    # The present mask is float32 by design and the cleaned inputs keep their dtype: nothing to cast.
    cleaned, present = run_layer_test(
        MissingModalities, {}, {"image": image, "tokens": tokens},
        expected_output_shape=({"image": (3, 2, 2), "tokens": (3, 2)}, {"image": (3,), "tokens": (3,)}),
        run_precision_checks=False,
    )
    np.testing.assert_array_equal(np.asarray(present["image"]), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(np.asarray(present["tokens"]), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(np.asarray(cleaned["image"])[1], np.zeros((2, 2)))
    np.testing.assert_array_equal(np.asarray(cleaned["tokens"]), tokens)
