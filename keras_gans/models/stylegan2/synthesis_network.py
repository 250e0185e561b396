"""StyleGAN2's synthesis network: per-layer styles w -> an image."""

import math

import keras
from keras import ops

from keras_gans.layers.fir_resampling import upsample_2x
from keras_gans.layers.modulated_conv2d import ModulatedConv2D
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def check_resolution(resolution, name="resolution"):
    """Returns `resolution` if it is a power of two >= 4, else raises."""
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, int)
        or resolution < 4
        or resolution & (resolution - 1)
    ):
        raise ValueError(
            f"`{name}` must be a power of two >= 4 (the synthesis network "
            "doubles a 4x4 constant), e.g. 32 or 256. "
            + format_received(**{name: resolution})
        )
    return resolution


def block_resolutions(resolution):
    """`[4, 8, ..., resolution]`."""
    return [2**i for i in range(2, int(math.log2(resolution)) + 1)]


def channels_at(resolution, channel_base, channel_max):
    """StyleGAN2-ADA's widths: `min(channel_base // resolution, channel_max)`."""
    return max(1, min(channel_base // resolution, channel_max))


def num_ws_for(resolution):
    """Styles a synthesis network of `resolution` takes: two per block
    (StyleGAN2-ADA's count: one conv at 4x4, two above, one toRGB at the
    end; each toRGB shares its w with the next block's first conv)."""
    return 2 * len(block_resolutions(resolution))


@keras.saving.register_keras_serializable(package="keras_gans")
class SynthesisNetwork(keras.layers.Layer):
    """Builds an image from a learned 4x4 constant and per-layer styles.

    Each resolution from 8 up has a modulated 3x3 convolution that
    upsamples by 2 (`[1, 3, 3, 1]` filter), a second one, and a modulated
    1x1 toRGB; every convolution adds noise. The image is the sum of the
    toRGB outputs, each upsampled to the final size (the "skip"
    generator of StyleGAN2). Called on `ws` of shape `(N, num_ws, w_dim)`:
    layer `i` reads `ws[:, i]`, so mixing styles is choosing which `w`
    each index gets (coarse indices set pose and shape, fine ones detail).

    Args:
        resolution: output size, a power of two >= 4.
        channels: image channels.
        w_dim: size of each style.
        channel_base: widths are `min(channel_base // res, channel_max)`.
        channel_max: the widest layer.
        seed: seed of the noise layers (each gets `seed + i`).
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Raises:
        ValueError: naming the argument, for a `resolution` that is not a
            power of two >= 4 or non-positive widths.
    """

    def __init__(
        self,
        resolution,
        channels,
        w_dim,
        channel_base=16384,
        channel_max=512,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.resolution = check_resolution(resolution)
        self.channels = check_positive_int("channels", channels)
        self.w_dim = check_positive_int("w_dim", w_dim)
        self.channel_base = check_positive_int("channel_base", channel_base)
        self.channel_max = check_positive_int("channel_max", channel_max)
        self.seed = seed
        self.num_ws = num_ws_for(self.resolution)
        # Plain lists of layers (tracked by Keras) and, in step with
        # `convs`, the index of each one's w and the block whose toRGB
        # follows it (None after a block's first conv).
        self.convs = []
        self.conv_ws = []
        self.rgb_after = []
        self.to_rgbs = []
        for i, res in enumerate(block_resolutions(self.resolution)):
            width = self.width_at(res)
            if res > 4:
                self.convs.append(self._conv(width, res, "conv0", up=True))
                self.conv_ws.append(2 * i - 1)
                self.rgb_after.append(None)
            self.convs.append(self._conv(width, res, "conv1"))
            self.conv_ws.append(2 * i)
            self.rgb_after.append(i)
            self.to_rgbs.append(
                ModulatedConv2D(
                    self.channels, 1, demodulate=False, activation="linear",
                    name=f"b{res}_torgb",
                )
            )

    def width_at(self, res):
        return channels_at(res, self.channel_base, self.channel_max)

    def _conv(self, width, res, kind, up=False):
        seed = None if self.seed is None else self.seed + len(self.convs)
        return ModulatedConv2D(
            width, 3, up=up, noise=True, seed=seed, name=f"b{res}_{kind}"
        )

    def build(self, input_shape):
        self.const = self.add_weight(
            shape=(4, 4, self.width_at(4)),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="const",
        )
        w_shape = (None, self.w_dim)
        size, width = 4, self.width_at(4)
        for layer, block in zip(self.convs, self.rgb_after):
            layer.build([(None, size, size, width), w_shape])
            size = size * 2 if layer.up else size
            width = layer.filters
            if block is not None:
                self.to_rgbs[block].build([(None, size, size, width), w_shape])

    @property
    def noise_shapes(self):
        """`(1, H, W, 1)` of each noise map, in the order `call` takes them."""
        return [tuple(layer.noise_layer.noise.shape) for layer in self.convs]

    def call(self, ws, training=False, noise=None):
        """`noise`: optional list of maps (`noise_shapes`) replacing the
        noise layers' own (projection optimizes them)."""
        ws = ops.cast(ws, self.compute_dtype)
        batch = ops.shape(ws)[0]
        x = ops.broadcast_to(
            ops.cast(self.const, ws.dtype)[None],
            (batch,) + tuple(self.const.shape),
        )
        image = None
        for number, layer in enumerate(self.convs):
            maps = None if noise is None else noise[number]
            w = ws[:, self.conv_ws[number]]
            x = layer([x, w], training=training, noise=maps)
            block = self.rgb_after[number]
            if block is not None:
                rgb = self.to_rgbs[block]([x, ws[:, 2 * block + 1]])
                image = rgb if image is None else upsample_2x(image) + rgb
        return image

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.resolution, self.resolution, self.channels)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "resolution": self.resolution,
                "channels": self.channels,
                "w_dim": self.w_dim,
                "channel_base": self.channel_base,
                "channel_max": self.channel_max,
                "seed": self.seed,
            }
        )
        return config
