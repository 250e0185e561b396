"""A stage of training: a span of steps with its own phases and networks."""

import dataclasses
from typing import Optional

from keras_gans.utils.validation import check_positive_int


@dataclasses.dataclass(frozen=True)
class Stage:
    """One stage of a model's training plan (`model.stages()`).

    Models that train in stages (SRGAN: an MSE pre-training of the
    generator, then the adversarial game; SinGAN: one scale of a pyramid
    after another) list them in `stages()`. Entering a stage calls the
    model's `build_stage(index)` (grow networks, freeze earlier ones), its
    `train_phases()` and `tracked_metric_names()` may depend on
    `model.stage`, and the stage index (in the model's config) and the
    steps done inside it (a model variable) travel in every saved file, so
    `TwoPlayerModel.fit_stages` resumes inside the right stage.

    Args:
        name: short name, e.g. `"pretrain"`.
        steps: training steps of the stage; `None` for an open-ended last
            stage (trained by plain `fit()`).

    Raises:
        ValueError: for a non-positive `steps`.
    """

    name: str
    steps: Optional[int] = None

    def __post_init__(self):
        if self.steps is not None:
            check_positive_int("steps", self.steps)
