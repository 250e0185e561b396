"""`GenerativeMetric`: the base of the sample-quality callbacks (FID, KID)."""

import math
import os

import keras
import numpy as np

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


class GenerativeMetric(keras.callbacks.Callback):
    """Measures `n` generated samples every k epochs; logs and keeps the best.

    Subclasses say how the real images are summarized (`summarize_real`)
    and how a set of generated features is scored (`score`). The real
    images go through the extractor once, at the first evaluation. The
    generated images use fixed latents (`model.latents_for(n, seed)`) and
    the model's sampling generator (the EMA copy when there is one), batch
    by batch, so scores of successive epochs differ only by training.

    The scores go into the epoch `logs`, hence into `fit()`'s `History`
    (for evaluated epochs only) and into any callback listed after this
    one, such as `keras.callbacks.TensorBoard` (as `epoch_<name>`) or
    `keras.callbacks.ModelCheckpoint(monitor=<name>, mode="min")`.

    Args:
        real_images: real images in [-1, 1] (array, or iterable of
            batches such as a `tf.data` dataset of images or `(images,
            labels)`), or their precomputed summary (see subclasses).
        extractor: a `keras_gans.metrics.FeatureExtractor`, or a
            specification `keras_gans.metrics.get_feature_extractor`
            resolves (a path, `"inception:WEIGHTS"`).
        n: number of generated images per evaluation.
        every: evaluate every `every` epochs.
        seed: seed of the fixed latents (and labels of conditional models).
        batch_size: images per generator call and extractor pass.
        save_best: optional `.keras` path; the whole model is saved there
            (atomically) whenever the score improves (lower is better).
        verbose: print each score.

    Raises:
        ValueError: for non-positive `n`, `every` or `batch_size`, or a
            `save_best` path not ending in `.keras`.
    """

    #: Logged key of the main score; subclasses override.
    metric_name = None

    def __init__(
        self,
        real_images,
        extractor,
        n=5_000,
        every=1,
        seed=0,
        batch_size=256,
        save_best=None,
        verbose=1,
    ):
        super().__init__()
        self.real_images = real_images
        self.extractor = extractor
        self.n = check_positive_int("n", n)
        self.every = check_positive_int("every", every)
        self.seed = seed
        self.batch_size = check_positive_int("batch_size", batch_size)
        if save_best is not None and not os.fspath(save_best).endswith(".keras"):
            raise ValueError(
                "`save_best` must be a path ending in '.keras'. "
                + format_received(save_best=save_best)
            )
        self.save_best = None if save_best is None else os.fspath(save_best)
        self.verbose = verbose
        self.scores = {}
        self.best = math.inf
        self.best_epoch = None
        self._real = None

    # --------------------------------------------------- subclass contract

    def summarize_real(self, features):
        """Summary of the real features the score needs (default: them)."""
        return features

    def score(self, real, fake_features):
        """Dict of logged values; `metric_name` is the one to minimize."""
        raise NotImplementedError

    # ----------------------------------------------------------- callbacks

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        values = self.evaluate()
        self.scores[epoch] = values
        if logs is not None:
            logs.update(values)
        value = values[self.metric_name]
        if self.verbose:
            text = ", ".join(f"{k}={v:.4g}" for k, v in values.items())
            print(f"\nEpoch {epoch + 1}: {text}")
        if value < self.best:
            self.best, self.best_epoch = value, epoch
            if self.save_best:
                self._save_best()

    def evaluate(self):
        """Scores the model's current samples; returns the logged dict."""
        from keras_gans.metrics import get_feature_extractor

        self.extractor = get_feature_extractor(self.extractor)
        if self._real is None:
            self._real = self.summarize_real(self._real_features())
        return self.score(self._real, self._fake_features())

    # ------------------------------------------------------------- private

    def _real_features(self):
        from keras_gans.metrics.fid import iterate_batches

        parts = [
            self.extractor.features(
                batch, batch_size=self.batch_size, name="real_images"
            )
            for batch in iterate_batches(self.real_images, self.batch_size)
        ]
        return np.concatenate(parts)

    def _fake_features(self):
        model = self.model
        if not hasattr(model, "labels_for"):
            raise ValueError(
                f"`{type(self).__name__}` needs a keras-gans model (with "
                "`latents_for`, `labels_for` and `generate_from_latents`). "
                + format_received(model=type(model).__name__)
            )
        latents = model.latents_for(self.n, self.seed)
        # Conditional models: every class equally often, in fixed order.
        labels = model.labels_for(self.n)
        parts = []
        for start in range(0, self.n, self.batch_size):
            chunk = slice(start, start + self.batch_size)
            if labels is None:
                images = model.generate_from_latents(latents[chunk])
            else:
                images = model.generate_from_latents(
                    latents[chunk], labels=labels[chunk]
                )
            parts.append(
                self.extractor.features(
                    images, batch_size=self.batch_size, name="generated_images"
                )
            )
        return np.concatenate(parts)

    def _save_best(self):
        tmp = f"{self.save_best[:-len('.keras')]}.tmp-{os.getpid()}.keras"
        directory = os.path.dirname(os.path.abspath(self.save_best))
        os.makedirs(directory, exist_ok=True)
        self.model.save(tmp)
        os.replace(tmp, self.save_best)

