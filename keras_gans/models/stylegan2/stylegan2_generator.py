"""StyleGAN2's generator: a mapping network and a synthesis network."""

import keras

from keras_gans.layers.image_range import ImageRange
from keras_gans.models.stylegan2.mapping_network import MappingNetwork
from keras_gans.models.stylegan2.synthesis_network import SynthesisNetwork
from keras_gans.models.stylegan2.synthesis_network import check_resolution
from keras_gans.models.stylegan2.synthesis_network import num_ws_for
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def synthesis_resolution(image_shape, resolution=None):
    """The power-of-two size the networks work at for `image_shape`.

    `None` picks the smallest power of two >= 4 holding the image (28 ->
    32); a given `resolution` must be a power of two at least the image's
    height and width. Smaller images are a centred crop of the synthesized
    one, and the discriminator pads them back, so 28x28 MNIST trains at
    its own size and exports 28x28 images.
    """
    height, width = image_shape[:2]
    if resolution is None:
        resolution = 4
        while resolution < max(height, width):
            resolution *= 2
        return resolution
    check_resolution(resolution)
    if resolution < max(height, width):
        raise ValueError(
            "`resolution` must hold the image: at least its height and "
            f"width ({height}x{width}). "
            + format_received(resolution=resolution)
        )
    return resolution


def crop_margins(resolution, size):
    """`(before, after)` of a centred crop from `resolution` to `size`."""
    before = (resolution - size) // 2
    return before, resolution - size - before


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN2Generator(keras.Model):
    """`z` (and a class) -> mapping -> `ws` -> synthesis -> image.

    A functional model of two layers, `mapping` (`MappingNetwork`) and
    `synthesis` (`SynthesisNetwork`), then a centred crop to `image_shape`
    when it is smaller than the synthesis resolution and a clip to
    [-1, 1] at inference (`ImageRange`). Called on `z` or `[z, labels]`
    it draws untruncated images; `StyleGAN2` uses the two parts directly
    for style mixing, truncation and projection.

    Args:
        latent_dim: size of `z`.
        image_shape: `(H, W, C)` of the images, C in {1, 3}.
        w_dim: size of `w`.
        mapping_layers: dense layers of the mapping network.
        resolution: synthesis size (power of two); `None`: the smallest
            one holding the image.
        channel_base: synthesis widths `min(channel_base // res,
            channel_max)`.
        channel_max: the widest synthesis layer.
        num_classes: classes of a conditional generator, else `None`.
        latent_classes: categories of an InfoGAN code read off `z`
            (`MappingNetwork`); 0 for none.
        mapping_lr_multiplier: the mapping network's lr multiplier.
        w_avg_beta: decay of the tracked average `w`.
        seed: seed of the noise layers.
        **kwargs: `keras.Model` arguments (`name`).

    Raises:
        ValueError: naming the argument, for a bad shape, a resolution
            that is not a power of two holding the image, or bad widths.
    """

    def __init__(
        self,
        latent_dim=512,
        image_shape=(32, 32, 3),
        w_dim=512,
        mapping_layers=8,
        resolution=None,
        channel_base=16384,
        channel_max=512,
        num_classes=None,
        latent_classes=0,
        mapping_lr_multiplier=0.01,
        w_avg_beta=0.995,
        seed=None,
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape)
        latent_dim = check_positive_int("latent_dim", latent_dim)
        resolution = synthesis_resolution(image_shape, resolution)
        mapping = MappingNetwork(
            latent_dim, w_dim, num_ws_for(resolution),
            num_layers=mapping_layers, num_classes=num_classes,
            latent_classes=latent_classes,
            lr_multiplier=mapping_lr_multiplier, w_avg_beta=w_avg_beta,
            name="mapping",
        )
        synthesis = SynthesisNetwork(
            resolution, image_shape[2], w_dim, channel_base=channel_base,
            channel_max=channel_max, seed=seed, name="synthesis",
        )
        latent = keras.Input((latent_dim,), name="latent")
        inputs = latent
        if num_classes is not None:
            label = keras.Input((), dtype="int32", name="label")
            inputs = [latent, label]
        ws = mapping(inputs)
        images = synthesis(ws)
        crop = None
        if tuple(image_shape[:2]) != (resolution, resolution):
            crop = keras.layers.Cropping2D(
                (
                    crop_margins(resolution, image_shape[0]),
                    crop_margins(resolution, image_shape[1]),
                ),
                name="crop",
            )
            images = crop(images)
        range_layer = ImageRange(name="image_range")
        images = range_layer(images)
        super().__init__(inputs, images, **kwargs)
        self.mapping = mapping
        self.synthesis = synthesis
        self._crop = crop
        self._range = range_layer
        self.latent_dim = latent_dim
        self.image_shape = tuple(image_shape)
        self.w_dim = mapping.w_dim
        self.mapping_layers = mapping.num_layers
        self.resolution = resolution
        self.channel_base = synthesis.channel_base
        self.channel_max = synthesis.channel_max
        self.num_classes = num_classes
        self.latent_classes = mapping.latent_classes
        self.mapping_lr_multiplier = mapping.lr_multiplier
        self.w_avg_beta = mapping.w_avg_beta
        self.seed = seed

    @property
    def num_ws(self):
        """How many styles the synthesis network takes."""
        return self.synthesis.num_ws

    def images_from_ws(self, ws, training=False, noise=None):
        """The images of styles `ws` `(N, num_ws, w_dim)` (crop and, at
        inference, clip included)."""
        images = self.synthesis(ws, training=training, noise=noise)
        if self._crop is not None:
            images = self._crop(images)
        return self._range(images, training=training)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "latent_dim": self.latent_dim,
            "image_shape": self.image_shape,
            "w_dim": self.w_dim,
            "mapping_layers": self.mapping_layers,
            "resolution": self.resolution,
            "channel_base": self.channel_base,
            "channel_max": self.channel_max,
            "num_classes": self.num_classes,
            "latent_classes": self.latent_classes,
            "mapping_lr_multiplier": self.mapping_lr_multiplier,
            "w_avg_beta": self.w_avg_beta,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
