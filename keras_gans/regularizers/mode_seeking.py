"""Mode seeking: penalizes a generator whose images ignore its latents."""

import keras
from keras import ops

from keras_gans.regularizers.penalty import Penalty
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def mode_seeking_term(images_a, images_b, latents_a, latents_b, eps=1e-5):
    """MSGAN's `1 / (mean|x_a - x_b| / mean|z_a - z_b| + eps)`.

    Args:
        images_a, images_b: `(N, ...)` images of the latents below.
        latents_a, latents_b: `(N, latent_dim)` latents of a pair each.
        eps: keeps the term finite for identical images.

    Returns:
        A scalar: large when the images change little with the latents.
    """
    image_distance = ops.mean(ops.abs(images_a - images_b))
    latent_distance = ops.mean(ops.abs(latents_a - latents_b))
    return 1.0 / (image_distance / latent_distance + eps)


@keras.saving.register_keras_serializable(package="keras_gans")
class ModeSeeking(Penalty):
    """The mode-seeking term of MSGAN (Mao et al. 2019) on the generator.

    Draws pairs of latents, generates both images of each pair and adds
    `weight / (mean|G(z_a) - G(z_b)| / mean|z_a - z_b| + eps)` to the
    generator's loss: a generator drawing the same image for different
    latents (mode collapse) is penalized. With an InfoGAN code
    (`model.latent_classes`), both latents of a pair share the code's
    entries, so the term asks for variety *within* a category, which the
    code's other terms do not ask for and a minibatch-std layer cannot
    see when a group holds several categories. Conditional models draw
    both images of a pair for the same label. The images come from
    `model.synthesize_pair`: StyleGAN2 gives both the same per-pixel
    noise, so only the latents can make them differ.

    Costs a generator pass (forward and backward) on `pairs * 2` images;
    lazy with `interval > 1`.

    Args:
        weight: the multiplier of the term.
        interval: apply every `interval`-th generator step (1: every step).
        batch_shrink: pairs per step = batch size // (2 * batch_shrink).
        eps: keeps the term finite for identical images.
        name: the logged key (`"mode_seeking"`).
        **kwargs: passed to `keras.layers.Layer`.

    Raises:
        ValueError: for a non-positive weight, interval, batch_shrink or
            eps.

    Example:

    ```python
    gan = keras_gans.StyleGAN2.from_preset(
        "digits_32", g_penalties=[keras_gans.regularizers.ModeSeeking(1.0)]
    )
    ```
    """

    player = "generator"

    def __init__(
        self, weight=1.0, interval=1, batch_shrink=1, eps=1e-5,
        name="mode_seeking", **kwargs,
    ):
        super().__init__(weight, interval=interval, name=name, **kwargs)
        self.batch_shrink = check_positive_int("batch_shrink", batch_shrink)
        if isinstance(eps, bool) or not (
            isinstance(eps, (int, float)) and eps > 0
        ):
            raise ValueError(
                "`eps` must be a number > 0. " + format_received(eps=eps)
            )
        self.eps = float(eps)

    def compute(self, model, real, fake, labels):
        pairs = max(ops.shape(real)[0] // (2 * self.batch_shrink), 1)
        latents_a = model.sample_latents(pairs)
        latents_b = model.sample_latents(pairs)
        shared = int(getattr(model, "latent_classes", 0) or 0)
        if shared:
            # The pair keeps the code's entries: the same category.
            latents_b = ops.concatenate(
                [latents_a[:, :shared], latents_b[:, shared:]], axis=-1
            )
        if labels is not None:
            labels = ops.concatenate([labels[:pairs], labels[:pairs]], axis=0)
        images_a, images_b = model.synthesize_pair(latents_a, latents_b, labels)
        return mode_seeking_term(
            images_a, images_b, latents_a, latents_b, self.eps
        )

    def get_config(self):
        config = super().get_config()
        config.update({"batch_shrink": self.batch_shrink, "eps": self.eps})
        return config
