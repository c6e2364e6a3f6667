"""Small models shared by the training tests."""

import mmzoo
from mmzoo import branches, heads

IMAGE_SIZE = 16


def build_small(head=None):
    """A conv image branch and a dense audio branch; 4 classes by default."""
    return mmzoo.build_model(
        {"image": branches.conv2d(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 1), filters=(4,), units=8),
         "audio": branches.dense(input_dim=64, hidden_units=(16,))},
        head=head or heads.multiclass(4),
    )
