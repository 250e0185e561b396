"""The RRDB generator of ESRGAN (Wang et al. 2018)."""

import keras
from keras import layers

from keras_gans.models.srgan.sub_pixel_upsampling import IMAGE_SKIPS
from keras_gans.models.srgan.sub_pixel_upsampling import check_scale
from keras_gans.models.srgan.sub_pixel_upsampling import image_output
from keras_gans.models.srgan.sub_pixel_upsampling import upsample
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int

# ESRGAN scales each dense block's residual by 0.2 before adding it:
# without BatchNorm, this keeps a deep network's early training stable.
RESIDUAL_SCALE = 0.2
NEGATIVE_SLOPE = 0.2


def lrelu(x, name):
    return layers.LeakyReLU(NEGATIVE_SLOPE, name=f"{name}_lrelu")(x)


def _scaled_add(x, residual, name):
    residual = layers.Rescaling(RESIDUAL_SCALE, name=f"{name}_scale")(residual)
    return layers.Add(name=f"{name}_add")([x, residual])


def dense_block(x, growth, name):
    """Five 3x3 convs, each on the concatenation of all before it; the last
    back to the input's width, added at 0.2 (ESRGAN's RDB)."""
    filters = x.shape[-1]
    features = [x]
    for i in range(4):
        inputs = features[0] if i == 0 else layers.Concatenate(
            name=f"{name}_cat{i}"
        )(features)
        h = layers.Conv2D(growth, 3, padding="same", name=f"{name}_conv{i}")(
            inputs
        )
        features.append(lrelu(h, f"{name}_conv{i}"))
    h = layers.Concatenate(name=f"{name}_cat4")(features)
    h = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv4")(h)
    return _scaled_add(x, h, name)


def rrdb(x, growth, name):
    """Three dense blocks in a residual, itself added at 0.2."""
    h = x
    for i in range(3):
        h = dense_block(h, growth, f"{name}_rdb{i}")
    return _scaled_add(x, h, name)


@keras.saving.register_keras_serializable(package="keras_gans")
class RRDBGenerator(keras.Model):
    """ESRGAN's generator: residual-in-residual dense blocks, no BatchNorm.

    - head: 3x3 convolution to `filters` channels;
    - `num_blocks` RRDBs: three dense blocks of five 3x3 convolutions
      (`growth` channels each, LeakyReLU 0.2, every convolution seeing
      all earlier outputs), each dense block's output scaled by 0.2 and
      added to its input, and the three together again scaled by 0.2 and
      added (residual in residual);
    - 3x3 conv, plus the head's output;
    - sub-pixel upsampling (conv, `PixelShuffle`, LeakyReLU) as SRResNet.
      ESRGAN upsamples by nearest neighbour and a convolution; the
      sub-pixel step learns the same and exports at free size;
    - 3x3 conv, LeakyReLU, 3x3 conv to the image's channels, tanh (or
      the bicubic skip of `image_skip`).

    ESRGAN's own network is 23 blocks of 64 channels, growth 32 (16.7 M
    parameters; 16.9 M here, where the upsampling is sub-pixel); the
    defaults here are that network. Fully convolutional:
    any input size. Inputs and outputs in [-1, 1].

    Args:
        scale: the upscaling factor, 2, 3 or 4.
        channels: image channels of input and output.
        filters: width of the trunk (64 in the paper).
        num_blocks: RRDBs (23 in the paper).
        growth: channels each dense-block convolution adds (32).
        image_skip: `None` (the paper's tanh output) or `"bicubic"`: add
            the output to the input's bicubic upsampling (see
            `SRResNetGenerator`).
        name: the model name.
        **kwargs: other `keras.Model` arguments.

    Raises:
        ValueError: naming the argument, for a `scale` not in {2, 3, 4} or
            a non-positive width, block count, growth or channel count.

    Example:

    >>> generator = RRDBGenerator(scale=4, num_blocks=2, filters=32, growth=16)
    >>> generator(np.zeros((1, 16, 16, 3))).shape
    (1, 64, 64, 3)
    """

    def __init__(
        self,
        scale=4,
        channels=3,
        filters=64,
        num_blocks=23,
        growth=32,
        image_skip=None,
        name="rrdb_generator",
        **kwargs,
    ):
        scale = check_scale(scale)
        channels = check_positive_int("channels", channels)
        filters = check_positive_int("filters", filters)
        num_blocks = check_positive_int("num_blocks", num_blocks)
        growth = check_positive_int("growth", growth)
        check_choice("image_skip", image_skip, IMAGE_SKIPS)

        inputs = keras.Input((None, None, channels), name="image")
        head = layers.Conv2D(filters, 3, padding="same", name="head_conv")(
            inputs
        )
        x = head
        for i in range(num_blocks):
            x = rrdb(x, growth, f"rrdb{i}")
        x = layers.Conv2D(filters, 3, padding="same", name="trunk_conv")(x)
        x = layers.Add(name="global_skip")([head, x])
        x = upsample(x, scale, filters, lrelu, "upsample")
        x = layers.Conv2D(filters, 3, padding="same", name="hr_conv")(x)
        x = lrelu(x, "hr_conv")
        outputs = image_output(x, inputs, scale, 3, image_skip)
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)

        self.scale = scale
        self.channels = channels
        self.filters = filters
        self.num_blocks = num_blocks
        self.growth = growth
        self.image_skip = image_skip

    def get_config(self):
        return {
            "scale": self.scale,
            "channels": self.channels,
            "filters": self.filters,
            "num_blocks": self.num_blocks,
            "growth": self.growth,
            "image_skip": self.image_skip,
            "name": self.name,
            "trainable": self.trainable,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
