"""DiscoGAN: cross-domain relations without pairs (Kim et al. 2017)."""

import keras

from keras_gans.models.cyclegan.cyclegan import CycleGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class DiscoGAN(CycleGAN):
    """Two encoder-decoder generators and two discriminators, unpaired.

    DiscoGAN trains the same game as `CycleGAN` — each generator is
    pushed towards the other domain by that domain's discriminator and
    must be undone by the opposite generator — with the paper's choices:

    - G: `BCE(D_B(G_AB(a)), 1) + BCE(D_A(G_BA(b)), 1)`
      `+ cycle_weight * (mse(G_BA(G_AB(a)), a) + mse(G_AB(G_BA(b)), b))`,
      the reconstruction losses of the paper (weight 1, squared error);
    - D: the sum of both discriminators' BCE losses on the latest fakes
      (no image pool, no identity term);
    - generators: `UNet(skip_connections=False)`, the plain conv
      encoder-decoder with batch normalization and no dropout;
      discriminators: `PatchGAN` with batch normalization.

    Everything else — arguments, `(a, b)` batches from
    `keras_gans.data.load_unpaired`, `translate()`, export — is shared with
    `CycleGAN`; any of its arguments can be set to mix the two recipes.

    Args:
        image_shape: `(H, W, C)` of domain A; H and W divisible by
            `2**depth` of the encoder-decoder.
        b_channels: channels of domain B (default: those of A).
        generator_ab: optional custom network A -> B (see `CycleGAN`).
        generator_ba: optional custom network B -> A.
        discriminator_a: optional custom discriminator of domain A.
        discriminator_b: optional custom discriminator of domain B.
        filters: base width of the default networks.
        depth: down-sampling blocks of the default generators (default:
            4, or fewer when the image is too small).
        d_layers: stride-2 layers of the default PatchGANs (3).
        cycle_weight: weight of the reconstruction terms (1).
        identity_weight: identity terms relative to `cycle_weight` (0).
        reconstruction: `"mse"` (paper) or `"l1"`.
        pool_size: image pool per discriminator (0: none).
        seed: seed of the model's random draws.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    ds = keras_gans.data.load_unpaired("digits-inverted", batch_size=32)
    model = keras_gans.DiscoGAN(image_shape=(32, 32, 1), filters=32)
    model.compile()
    model.fit(ds, epochs=10)
    ```
    """

    default_loss = "non_saturating"

    def __init__(
        self,
        image_shape=None,
        b_channels=None,
        generator_ab=None,
        generator_ba=None,
        discriminator_a=None,
        discriminator_b=None,
        filters=64,
        depth=None,
        d_layers=3,
        cycle_weight=1.0,
        identity_weight=0.0,
        reconstruction="mse",
        pool_size=0,
        seed=None,
        **kwargs,
    ):
        kwargs.pop("num_blocks", None)
        self.depth = depth
        super().__init__(
            image_shape=image_shape,
            b_channels=b_channels,
            generator_ab=generator_ab,
            generator_ba=generator_ba,
            discriminator_a=discriminator_a,
            discriminator_b=discriminator_b,
            filters=filters,
            d_layers=d_layers,
            cycle_weight=cycle_weight,
            identity_weight=identity_weight,
            reconstruction=reconstruction,
            pool_size=pool_size,
            seed=seed,
            **kwargs,
        )

    def build_generator(self, source_shape, target_shape, direction):
        """The paper's conv encoder-decoder: a U-Net without skips."""
        from keras_gans.models.unet import UNet
        from keras_gans.models.unet.unet import default_depth

        depth = self.depth or min(4, default_depth(source_shape))
        return UNet(
            source_shape,
            out_channels=target_shape[2],
            filters=self.filters,
            depth=depth,
            dropout=0.0,
            skip_connections=False,
            name=f"generator_{direction}",
        )

    def build_discriminator(self, image_shape, domain):
        """A PatchGAN with batch normalization."""
        from keras_gans.models.patchgan import PatchGAN

        return PatchGAN(
            image_shape,
            filters=self.filters,
            n_layers=self.d_layers,
            norm="batch",
            name=f"discriminator_{domain}",
        )

    def get_config(self):
        config = super().get_config()
        del config["num_blocks"]
        config["depth"] = self.depth
        return config
