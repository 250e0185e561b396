"""`TranslationMetrics`: held-out translation scores logged every k epochs."""

import keras
import numpy as np

from keras_gans.callbacks.periodic_callback import PeriodicCallback
from keras_gans.metrics import translation_evaluation


class TranslationMetrics(PeriodicCallback):
    """Scores a translation model on held-out images and logs the scores.

    Paired data (`test_arrays.paired`, Pix2Pix): `val_psnr` and `val_ssim`
    of the translations against the held-out targets. Unpaired data
    (CycleGAN, DiscoGAN): `val_cycle_a` and `val_cycle_b`, the mean
    absolute cycle-reconstruction errors, and with `classifiers`
    `val_identity` (with `val_identity_ab`, `val_identity_ba`): the share of
    translated images whose class a classifier of the target domain still
    recognises. The scores go into the epoch logs, so `History`,
    `keras.callbacks.TensorBoard` (listed after this callback) and
    `keras.callbacks.CSVLogger` record them; `scores` keeps them too. A
    model whose generator weights are no longer finite (training diverged,
    which `NaNGuard` reports) is not scored: its translations are NaN,
    which the image metrics reject.

    Args:
        test_arrays: held-out `keras_gans.data.TranslationArrays`
            (`load_translation_arrays(..., split="test")`).
        every: score every `every` epochs (and after the last one).
        mean_target: paired only: the mean training target for the
            baseline scores (see `paired_scores`).
        classifiers: unpaired only: `(classifier_a, classifier_b)` from
            `keras_gans.metrics.translation_evaluation.domain_classifiers`.

    Example:

    ```python
    test = keras_gans.data.load_translation_arrays("digits-edges")
    model.fit(ds, epochs=20, callbacks=[
        keras_gans.callbacks.TranslationMetrics(test, every=5),
    ])
    ```
    """

    def __init__(self, test_arrays, every=1, mean_target=None,
                 classifiers=None):
        super().__init__(every)
        self.test_arrays = test_arrays
        self.mean_target = mean_target
        self.classifiers = classifiers
        self.scores = []

    def compute(self):
        """The scores of the model now (a dict without the `val_` prefix)."""
        arrays = self.test_arrays
        if arrays.paired:
            return translation_evaluation.paired_scores(
                self.model.translate, arrays.a, arrays.b, self.mean_target
            )
        return translation_evaluation.unpaired_scores(
            self.model, arrays, self.classifiers
        )

    def on_period(self, epoch, logs):
        if not _translators_finite(self.model):
            return
        scores = self.compute()
        logged = {
            f"val_{key}": value
            for key, value in scores.items()
            if not key.startswith(("input_", "mean_", "num_"))
        }
        self.scores.append({"epoch": epoch + 1, **scores})
        if logs is not None:
            logs.update(logged)


def _translators_finite(model):
    """Whether every weight of `model`'s generator networks is finite."""
    for direction in model.directions:
        for weight in model.translator(direction).weights:
            value = np.asarray(keras.ops.convert_to_numpy(weight.value))
            if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
                return False
    return True
