"""SRResNet: the generator of SRGAN (Ledig et al. 2017)."""

import keras
from keras import layers

from keras_gans.models.srgan.sub_pixel_upsampling import IMAGE_SKIPS
from keras_gans.models.srgan.sub_pixel_upsampling import check_scale
from keras_gans.models.srgan.sub_pixel_upsampling import image_output
from keras_gans.models.srgan.sub_pixel_upsampling import upsample
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int

_NORMS = ("batch", None)


# PReLU's initial negative slope, as He et al. (and PyTorch): Keras starts
# at 0, a ReLU, which left a fresh SRResNet's detail path dead (its output
# exactly the bicubic skip) for its first 600 steps on T91.
PRELU_INIT = 0.25


def prelu(x, name):
    # One slope per channel, shared over height and width (as the paper's
    # PReLU, and needed for a network of free size).
    return layers.PReLU(
        alpha_initializer=keras.initializers.Constant(PRELU_INIT),
        shared_axes=[1, 2],
        name=f"{name}_prelu",
    )(x)


def conv_norm(x, filters, norm, name):
    x = layers.Conv2D(
        filters, 3, padding="same", use_bias=norm is None, name=f"{name}_conv"
    )(x)
    if norm == "batch":
        x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
    return x


def residual_block(x, norm, name):
    """`x + (conv, BN, PReLU, conv, BN)(x)`."""
    filters = x.shape[-1]
    h = prelu(conv_norm(x, filters, norm, f"{name}_a"), f"{name}_a")
    h = conv_norm(h, filters, norm, f"{name}_b")
    return layers.Add(name=f"{name}_add")([x, h])


@keras.saving.register_keras_serializable(package="keras_gans")
class SRResNetGenerator(keras.Model):
    """The SRResNet generator: k9n64 head, B residual blocks, sub-pixel tail.

    - head: 9x9 convolution to `filters` channels, PReLU;
    - `num_blocks` residual blocks: (3x3 conv, BN, PReLU, 3x3 conv, BN)
      plus the block's input;
    - 3x3 conv, BN, plus the head's output (the global skip);
    - sub-pixel upsampling: a 3x3 conv to `4 * filters` channels,
      `PixelShuffle(2)` and PReLU, twice for x4 (once for x2), or one x3
      step with `9 * filters` channels;
    - 9x9 convolution to the image's channels, tanh: images in [-1, 1].

    With `image_skip="bicubic"` the last convolution's output is added to
    the bicubic upsampling of the input (`BicubicUpsampling`) instead of
    passing through tanh, and clipped to [-1, 1] at inference
    (`ImageRange`): the network learns only the missing detail (as VDSR
    and ESPCN-style networks do), which a short CPU training needs. It is
    not the paper's network; the `srgan` recipe uses it and says so.

    With the paper's defaults (16 blocks, 64 channels, x4) it has the
    paper's 1.55 M parameters. The network is fully convolutional: it
    takes LR images of any height and width and returns them `scale`
    times larger, and exports as a free-size upscaler. Inputs and outputs
    are in [-1, 1] (the output float32 under mixed precision).

    Args:
        scale: the upscaling factor, 2, 3 or 4.
        channels: image channels of input and output (3: RGB).
        filters: width of the network (64 in the paper).
        num_blocks: residual blocks (16 in the paper).
        norm: `"batch"` (the paper's) or `None` (no normalization, as
            EDSR found better for PSNR-oriented training).
        image_skip: `None` (the paper's) or `"bicubic"` (see above).
        name: the model name.
        **kwargs: other `keras.Model` arguments (`trainable`, `dtype`).

    Raises:
        ValueError: naming the argument, for a `scale` not in {2, 3, 4},
            a non-positive width, block count or channel count, or an
            unknown `norm`.

    Example:

    >>> generator = SRResNetGenerator(scale=4)
    >>> generator.count_params()
    1552771
    >>> generator(np.zeros((1, 24, 20, 3))).shape
    (1, 96, 80, 3)
    """

    def __init__(
        self,
        scale=4,
        channels=3,
        filters=64,
        num_blocks=16,
        norm="batch",
        image_skip=None,
        name="srresnet_generator",
        **kwargs,
    ):
        scale = check_scale(scale)
        channels = check_positive_int("channels", channels)
        filters = check_positive_int("filters", filters)
        num_blocks = check_positive_int("num_blocks", num_blocks)
        check_choice("norm", norm, _NORMS)
        check_choice("image_skip", image_skip, IMAGE_SKIPS)

        inputs = keras.Input((None, None, channels), name="image")
        head = layers.Conv2D(filters, 9, padding="same", name="head_conv")(
            inputs
        )
        head = prelu(head, "head")
        x = head
        for i in range(num_blocks):
            x = residual_block(x, norm, f"block{i}")
        x = conv_norm(x, filters, norm, "trunk")
        x = layers.Add(name="global_skip")([head, x])
        x = upsample(x, scale, filters, prelu, "upsample")
        outputs = image_output(x, inputs, scale, 9, image_skip)
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)

        self.scale = scale
        self.channels = channels
        self.filters = filters
        self.num_blocks = num_blocks
        self.norm = norm
        self.image_skip = image_skip

    def get_config(self):
        return {
            "scale": self.scale,
            "channels": self.channels,
            "filters": self.filters,
            "num_blocks": self.num_blocks,
            "norm": self.norm,
            "image_skip": self.image_skip,
            "name": self.name,
            "trainable": self.trainable,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
