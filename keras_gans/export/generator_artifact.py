"""A loaded generator artifact: latents in, images in [-1, 1] out."""

import numpy as np

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


class GeneratorArtifact:
    """A generator loaded from `.keras`, SavedModel or `.tflite`.

    Created by `keras_gans.export.load_generator_artifact`; every kind
    behaves the same: NumPy float32 latents `(N, latent_dim)` in, NumPy
    float32 images `(N, H, W, C)` in [-1, 1] out.

    Args:
        run: callable mapping float32 latents to images.
        latent_dim: latent size.
        image_shape: `(H, W, C)` of the images.
        kind: `"keras"`, `"saved_model"` or `"tflite"`.
        path: the path it was loaded from.
        card: the export's model card dict, or `None`.

    Example:

    ```python
    artifact = keras_gans.export.load_generator_artifact("exports/dcgan")
    images = artifact.sample(16, seed=0)
    ```
    """

    def __init__(self, run, latent_dim, image_shape, kind, path, card=None):
        self._run = run
        self.latent_dim = int(latent_dim)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.kind = kind
        self.path = str(path)
        self.card = card

    def __call__(self, latents):
        """Images for `latents` `(N, latent_dim)`, as float32 NumPy."""
        latents = np.asarray(latents, dtype="float32")
        if latents.ndim != 2 or latents.shape[1] != self.latent_dim:
            raise ValueError(
                f"`latents` must have shape (N, {self.latent_dim}). "
                + format_received(latents=f"array of shape {latents.shape}")
            )
        return np.asarray(self._run(latents), dtype="float32")

    def latents_for(self, n, seed=None):
        """The latents `AdversarialModel.latents_for(n, seed)` would draw."""
        n = check_positive_int("n", n)
        rng = np.random.default_rng(seed)
        return rng.standard_normal((n, self.latent_dim)).astype("float32")

    def sample(self, n, seed=None):
        """`n` images from `latents_for(n, seed)`; same seed, same images."""
        return self(self.latents_for(n, seed))

    def __repr__(self):
        return (
            f"GeneratorArtifact(kind={self.kind!r}, path={self.path!r}, "
            f"latent_dim={self.latent_dim}, image_shape={self.image_shape})"
        )
