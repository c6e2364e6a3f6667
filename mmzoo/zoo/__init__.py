"""The zoo: the classic multimodal tutorial models, by name, working.

    >>> import mmzoo
    >>> mmzoo.zoo.list()                      # {name: one-line summary}
    >>> print(mmzoo.zoo.describe("dot_gated_fusion"))
    >>> model = mmzoo.zoo.build("conv_lstm_classifier", num_classes=4)
    >>> inputs, labels = mmzoo.zoo.example_data("conv_lstm_classifier", num_classes=4)

Every size in a description is a default that `build` can override. Each
entry comes with bundled data it trains on (`example_data`), shaped for the
arguments it was built with.
"""

# Importing the entry modules registers them, in the order `list()` shows.
from mmzoo.zoo import tutorial_binary, classifiers, captioner, gan  # noqa: F401,I001
from mmzoo.zoo.registry import ZooEntry, build, describe, example_data, get_entry, list_models

list = list_models  # noqa: A001  (the zoo's public name for it: mmzoo.zoo.list())

__all__ = ["list", "list_models", "build", "describe", "example_data", "get_entry", "ZooEntry"]
