"""Training: strategy selection, compile/fit helpers, checkpoints, frozen-backbone caching.

    >>> import mmzoo
    >>> from mmzoo import branches, heads
    >>> from mmzoo.datasets import synthetic
    >>> inputs, labels = synthetic.generate(1000, task="image+audio", modalities=("image", "audio"))
    >>> def build():
    ...     return mmzoo.build_model(
    ...         {"image": branches.conv2d(input_shape=(32, 32, 1)), "audio": branches.dense(input_dim=64)},
    ...         head=heads.multiclass(2))
    >>> model, history = mmzoo.training.fit(build, (inputs, labels), epochs=5, checkpoint_dir="runs/demo")

- `get_strategy`: "auto" | "default" | "mirrored" | "multi_worker" | "tpu" -> a
  `tf.distribute.Strategy`, logging which one and why.
- `compile`: losses and metrics chosen from the model's heads (a dual
  encoder, which carries its own loss, gets its optimizer alone).
- `fit`: builds inside the strategy's scope, trains (with a distributed loop
  under `MultiWorkerMirroredStrategy`), keeps the best model, resumes after
  a crash, mixed precision, seeding, frozen-backbone caching; a
  `mmzoo.retrieval.dual_encoder` trains on its inputs alone.
- `recipe`: the measured training settings (cosine learning rate, batch,
  auxiliary-head weight) shared by `mmzoo demo`, `mmzoo train` and the benches.
- `with_auxiliary_heads`: a training model with one classifier per branch,
  against modality imbalance.
- `warm_start`: a fusion's branches start from the same branches trained in
  single-modality models (then fine-tuned: `recipe.fine_tune_epochs`).
"""

from mmzoo.training import recipe
from mmzoo.training.auxiliary import with_auxiliary_heads
from mmzoo.training.caching import feature_model, frozen_branches
from mmzoo.training.checkpoints import BackupAndRestore, BestModelCheckpoint
from mmzoo.training.compiling import compile
from mmzoo.training.fitting import fit
from mmzoo.training.strategy import get_strategy
from mmzoo.training.warm_starting import warm_start

__all__ = [
    "get_strategy", "compile", "fit",
    "BackupAndRestore", "BestModelCheckpoint", "frozen_branches", "feature_model", "with_auxiliary_heads", "recipe",
    "warm_start",
]
