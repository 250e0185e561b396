"""Keeps a network as it was when a training stage was complete."""

import keras

from keras_gans.utils.validation import format_received


class StageSnapshot(keras.callbacks.Callback):
    """Saves one network of a staged model when a stage is complete.

    A stage's result can be a model of its own: SRGAN's pre-training
    gives the PSNR-oriented upscaler ("SRResNet") that the adversarial
    stage then changes. At the end of the epoch that completes `stage`
    (the model's steps inside it reach the stage's `steps`) the network is
    saved as a `.keras` file; a run resumed past that point finds it on
    disk. Nothing is saved for a stage that is the model's last (its
    network is the final model).

    Args:
        path: the `.keras` file to write.
        stage: the name of the stage in `model.stages()`.
        network: the model attribute holding the network.

    Raises:
        ValueError: for a path without the `.keras` suffix, or (when
            training starts) a stage the model does not have or one
            without a step count.

    Example:

    ```python
    snapshot = StageSnapshot("runs/sr/psnr_generator.keras", "pretrain")
    srgan.fit_stages(ds, steps_per_epoch=50, callbacks=[snapshot])
    ```
    """

    def __init__(self, path, stage, network="generator"):
        super().__init__()
        if not str(path).endswith(".keras"):
            raise ValueError(
                "`path` must end in .keras. " + format_received(path=path)
            )
        self.path = str(path)
        self.stage = stage
        self.network = network

    def _planned_steps(self):
        stages = [stage for stage in self.model.stages()]
        names = [stage.name for stage in stages]
        if self.stage not in names or stages[names.index(self.stage)].steps is None:
            raise ValueError(
                f"`stage` must name a stage with a step count of "
                f"{type(self.model).__name__}: {names}. "
                + format_received(stage=self.stage)
            )
        index = names.index(self.stage)
        return None if index == len(stages) - 1 else stages[index].steps

    def on_train_begin(self, logs=None):
        self._steps = self._planned_steps()

    def on_epoch_end(self, epoch, logs=None):
        model = self.model
        if self._steps is None or model.stage_name != self.stage:
            return
        done = int(keras.ops.convert_to_numpy(model.stage_step))
        if done >= self._steps:
            getattr(model, self.network).save(self.path)
