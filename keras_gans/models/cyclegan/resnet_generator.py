"""The ResNet generator of CycleGAN (Zhu et al. 2017, after Johnson et al.)."""

import keras
from keras import layers

from keras_gans.layers.normalization import NORMALIZATIONS
from keras_gans.layers.normalization import normalize
from keras_gans.layers.reflection_padding_2d import ReflectionPadding2D
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_divisible
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# The paper uses 9 residual blocks for 256x256 images and 6 below.
LARGE_IMAGE_SIZE = 256
LARGE_IMAGE_BLOCKS = 9
SMALL_IMAGE_BLOCKS = 6


def default_num_blocks(image_shape):
    """9 residual blocks for images of at least 256x256, else 6."""
    if min(image_shape[:2]) >= LARGE_IMAGE_SIZE:
        return LARGE_IMAGE_BLOCKS
    return SMALL_IMAGE_BLOCKS


def _check_size(image_shape, num_downsamples):
    check_divisible(
        image_shape,
        2**num_downsamples,
        f"num_downsamples={num_downsamples} stride-2 convolutions halve them",
    )
    # The 7x7 convolutions reflect 3 pixels at full size and the residual
    # blocks reflect 1 pixel at the bottleneck: both need a larger side.
    smallest = max(4, 2 * 2**num_downsamples)
    if any(d is not None and d < smallest for d in image_shape[:2]):
        raise ValueError(
            f"`image_shape` height and width must be at least {smallest} "
            f"(reflection padding with num_downsamples={num_downsamples}). "
            + format_received(image_shape=image_shape)
        )


def _conv_norm_relu(x, conv, norm, name):
    x = normalize(conv(x), norm, f"{name}_norm")
    return layers.ReLU(name=f"{name}_relu")(x)


def _residual_block(x, norm, name):
    """`x + F(x)`, F = (reflect-pad, 3x3 conv, norm) twice, ReLU between."""
    filters = x.shape[-1]
    shortcut = x
    for i in range(2):
        x = ReflectionPadding2D(1, name=f"{name}_pad{i}")(x)
        x = layers.Conv2D(
            filters, 3, use_bias=norm is None, name=f"{name}_conv{i}"
        )(x)
        x = normalize(x, norm, f"{name}_norm{i}")
        if i == 0:
            x = layers.ReLU(name=f"{name}_relu")(x)
    return layers.Add(name=f"{name}_add")([shortcut, x])


@keras.saving.register_keras_serializable(package="keras_gans")
class ResNetGenerator(keras.Model):
    """CycleGAN's generator: c7s1-64, d128, d256, R256 x n, u128, u64, c7s1-C.

    - c7s1-k: 7x7 stride-1 convolution with k filters after reflection
      padding of 3, normalization, ReLU (the last one: tanh, no norm);
    - dk: 3x3 stride-2 convolution, normalization, ReLU
      (`num_downsamples` of them, doubling the width each time);
    - Rk: a residual block of two reflection-padded 3x3 convolutions;
    - uk: 3x3 stride-2 transposed convolution, normalization, ReLU.

    Shapes match the reference PyTorch code. Two details differ: the
    strided convolutions use `"same"` padding, which pads (or crops) the
    odd pixel at the bottom/right where the reference splits it, and the
    instance normalization has a learned scale and offset (the reference's
    has neither but keeps the convolution bias), one more weight per
    normalized channel.
    The output has the input's height and width and `out_channels`
    channels in [-1, 1] (float32 under mixed precision).

    Args:
        image_shape: `(H, W, C)` of the input, any C; H and W divisible by
            `2**num_downsamples`. `None` for H and W builds the network for
            any such size (then `num_blocks` is required).
        out_channels: output channels; `None` for the input's C.
        filters: width of the first convolution (64 in the paper).
        num_blocks: residual blocks; `None` for 9 when H and W are at
            least 256, else 6.
        num_downsamples: stride-2 convolutions before the residual blocks
            (and transposed ones after them).
        norm: `"instance"` (`GroupNormalization(groups=-1)`, the paper's),
            `"batch"` or `None`.
        name: the model name.
        **kwargs: other `keras.Model` arguments (`trainable`, `dtype`).

    Raises:
        ValueError: naming the argument, for a bad shape, an image size not
            divisible by `2**num_downsamples` or too small to reflect, or
            an unknown `norm`.

    Example:

    >>> generator = ResNetGenerator(image_shape=(128, 128, 3))
    >>> generator.num_blocks
    6
    >>> generator(np.zeros((1, 128, 128, 3))).shape
    (1, 128, 128, 3)
    """

    def __init__(
        self,
        image_shape,
        out_channels=None,
        filters=64,
        num_blocks=None,
        num_downsamples=2,
        norm="instance",
        name="resnet_generator",
        **kwargs,
    ):
        image_shape = check_image_shape(
            image_shape, channels=None, free_size=True
        )
        out_channels = check_positive_int(
            "out_channels",
            image_shape[2] if out_channels is None else out_channels,
        )
        filters = check_positive_int("filters", filters)
        if num_blocks is None and None in image_shape[:2]:
            raise ValueError(
                "A ResNet generator of free height or width needs "
                "`num_blocks` (the default depends on the size). "
                + format_received(
                    image_shape=image_shape, num_blocks=num_blocks
                )
            )
        if num_blocks is None:
            num_blocks = default_num_blocks(image_shape)
        num_blocks = check_positive_int("num_blocks", num_blocks)
        num_downsamples = check_positive_int("num_downsamples", num_downsamples)
        check_choice("norm", norm, NORMALIZATIONS)
        _check_size(image_shape, num_downsamples)

        inputs = keras.Input(image_shape, name="images")
        x = ReflectionPadding2D(3, name="stem_pad")(inputs)
        conv = layers.Conv2D(
            filters, 7, use_bias=norm is None, name="stem_conv"
        )
        x = _conv_norm_relu(x, conv, norm, "stem")
        for i in range(num_downsamples):
            conv = layers.Conv2D(
                filters * 2 ** (i + 1),
                3,
                strides=2,
                padding="same",
                use_bias=norm is None,
                name=f"down{i}_conv",
            )
            x = _conv_norm_relu(x, conv, norm, f"down{i}")
        for i in range(num_blocks):
            x = _residual_block(x, norm, f"res{i}")
        for i in reversed(range(num_downsamples)):
            conv = layers.Conv2DTranspose(
                filters * 2**i,
                3,
                strides=2,
                padding="same",
                use_bias=norm is None,
                name=f"up{i}_conv",
            )
            x = _conv_norm_relu(x, conv, norm, f"up{i}")
        x = ReflectionPadding2D(3, name="to_image_pad")(x)
        # float32 like the output activation: PyTorch's CPU float16
        # convolution backward (slow_conv2d) fails on a one-channel output
        # ("grad_weight must be contiguous"), and the last layer is cheap.
        x = layers.Conv2D(out_channels, 7, dtype="float32", name="to_image")(x)
        outputs = layers.Activation("tanh", dtype="float32", name="images_out")(
            x
        )
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)

        self.image_shape = image_shape
        self.out_channels = out_channels
        self.filters = filters
        self.num_blocks = num_blocks
        self.num_downsamples = num_downsamples
        self.norm = norm

    @property
    def size_multiple(self):
        """Heights and widths the network takes are multiples of this."""
        return 2**self.num_downsamples

    def get_config(self):
        return {
            "image_shape": self.image_shape,
            "out_channels": self.out_channels,
            "filters": self.filters,
            "num_blocks": self.num_blocks,
            "num_downsamples": self.num_downsamples,
            "norm": self.norm,
            "name": self.name,
        }
