"""The zoo: the classic multimodal tutorial models, by name, working.

    >>> import mmzoo
    >>> mmzoo.zoo.available()                 # {name: one-line summary}
    >>> print(mmzoo.zoo.describe("dot_gated_fusion"))
    >>> model = mmzoo.zoo.build("conv_lstm_classifier", num_classes=4)
    >>> inputs, labels = mmzoo.zoo.example_data("conv_lstm_classifier", num_classes=4)

Every size in a description is a default that `build` can override. Each
entry comes with bundled data it trains on (`example_data`), shaped for the
arguments it was built with.
"""

# Importing the entry modules registers them, in the order `available()` shows.
from mmzoo.zoo import tutorial_binary, classifiers, captioner, gan, pretrained, dual_encoder  # noqa: F401,I001
from mmzoo._deprecation import renamed_function
from mmzoo.zoo.registry import ZooEntry, available, build, describe, example_data, get, get_entry, list_models

list = renamed_function(available, "list")  # noqa: A001  (the old name, shadowing the builtin inside this module)

__all__ = ["available", "get", "build", "describe", "example_data", "ZooEntry"]
