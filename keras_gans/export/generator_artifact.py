"""A loaded generator artifact: latents (and labels) in, images out."""

import numpy as np

from keras_gans.utils.labels import check_labels
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


class GeneratorArtifact:
    """A generator loaded from `.keras`, SavedModel or `.tflite`.

    Created by `keras_gans.export.load_generator_artifact`; every kind
    behaves the same: NumPy float32 latents `(N, latent_dim)` in, NumPy
    float32 images `(N, H, W, C)` in [-1, 1] out. A conditional artifact
    also takes int class labels `(N,)`; left out, they default to the
    class-balanced `labels_for(N)` (as `AdversarialModel.generate`), which
    needs `num_classes` (from the model, the SavedModel or the model card).

    Args:
        run: callable mapping float32 latents (and int32 labels, for a
            conditional artifact) to images.
        latent_dim: latent size.
        image_shape: `(H, W, C)` of the images.
        kind: `"keras"`, `"saved_model"` or `"tflite"`.
        path: the path it was loaded from.
        card: the export's model card dict, or `None`.
        conditional: whether the generator takes labels.
        num_classes: number of classes of a conditional generator, or
            `None` (unconditional, or unknown: a `.tflite` file without its
            model card; labels must then be given and only their sign is
            checked).

    Example:

    ```python
    artifact = keras_gans.export.load_generator_artifact("exports/cgan")
    images = artifact.sample(16, seed=0, labels=7)
    artifact.num_classes  # 10; None for an unconditional generator
    ```
    """

    def __init__(
        self,
        run,
        latent_dim,
        image_shape,
        kind,
        path,
        card=None,
        conditional=False,
        num_classes=None,
    ):
        self._run = run
        self.latent_dim = int(latent_dim)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.kind = kind
        self.path = str(path)
        self.card = card
        self.conditional = bool(conditional or num_classes is not None)
        self.num_classes = None if num_classes is None else int(num_classes)

    def __call__(self, latents, labels=None):
        """Images for `latents` `(N, latent_dim)` (and `labels`), as NumPy.

        Args:
            latents: float32 latents `(N, latent_dim)`.
            labels: conditional artifacts only: one int or an int array
                `(N,)` in `[0, num_classes)`; `None` uses `labels_for(N)`.

        Raises:
            ValueError: for latents of the wrong shape, or bad `labels`
                (non-integer, wrong length, out of range, or given to an
                unconditional artifact), naming the value received.
        """
        latents = np.asarray(latents, dtype="float32")
        if latents.ndim != 2 or latents.shape[1] != self.latent_dim:
            raise ValueError(
                f"`latents` must have shape (N, {self.latent_dim}). "
                + format_received(latents=f"array of shape {latents.shape}")
            )
        labels = self.labels_for(len(latents), labels)
        if labels is None:
            return np.asarray(self._run(latents), dtype="float32")
        return np.asarray(self._run(latents, labels), dtype="float32")

    def latents_for(self, n, seed=None):
        """The latents `AdversarialModel.latents_for(n, seed)` would draw."""
        n = check_positive_int("n", n)
        rng = np.random.default_rng(seed)
        return rng.standard_normal((n, self.latent_dim)).astype("float32")

    def labels_for(self, n, labels=None):
        """The int32 labels `sample(n, labels=labels)` uses (validated).

        `None` for an unconditional artifact.
        """
        if not self.conditional:
            if labels is not None:
                raise ValueError(
                    f"`labels` are only for conditional generators; "
                    f"`{self.path}` is unconditional. "
                    + format_received(labels=labels)
                )
            return None
        return check_labels(labels, n, self.num_classes)

    def sample(self, n, seed=None, labels=None):
        """`n` images from `latents_for(n, seed)` (and `labels`).

        The same seed and labels give the same images as
        `gan.generate(n, labels=labels, seed=seed)`.
        """
        return self(self.latents_for(n, seed), labels)

    def __repr__(self):
        classes = (
            f", num_classes={self.num_classes}" if self.conditional else ""
        )
        return (
            f"GeneratorArtifact(kind={self.kind!r}, path={self.path!r}, "
            f"latent_dim={self.latent_dim}, image_shape={self.image_shape}"
            f"{classes})"
        )
