"""Robustness (the MultiBench way): noisy and missing modalities, modality dropout.

- `corrupt(values, modality=..., noise=..., level=...)`: noise per modality at
  levels 0-1 (`available_noises()` lists them), numpy in and out, seeded.
- `robustness(model, data, modality=..., noise=..., levels=..., reference=...)`:
  accuracy per level, relative and effective robustness, `.plot()`.
- `ablation(model, data)`: accuracy with each modality removed.
- `ModalityDropout`: drops whole modalities while training, takes missing
  modalities at inference (`mmzoo.build_model(..., modality_dropout=0.3)`);
  `remove_modality` marks a modality missing the way a model expects.
"""

from mmzoo.robustness.curves import (
    AblationResult, RobustnessResult, ablation, effective_robustness, relative_robustness, robustness,
)
from mmzoo.layers import MissingModalities, ModalityDropout
from mmzoo.robustness.dropout import remove_modality
from mmzoo.robustness.noise import available_noises, corrupt, noise_types

__all__ = [
    "corrupt", "available_noises", "robustness", "ablation", "RobustnessResult", "AblationResult",
    "relative_robustness", "effective_robustness", "ModalityDropout", "MissingModalities", "remove_modality",
]
