"""The PatchGAN discriminator of pix2pix and CycleGAN (Isola et al. 2017)."""

import keras
from keras import layers

from keras_gans.layers.normalization import NORMALIZATIONS
from keras_gans.layers.normalization import normalize
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

KERNEL_SIZE = 4
# The reference code pads every 4x4 convolution by 1 pixel per side.
PADDING = 1
# Widths stop growing at `filters * MAX_WIDTH_FACTOR` (C512 for 64).
MAX_WIDTH_FACTOR = 8


def layer_strides(n_layers):
    """Strides of the convolutions: `n_layers` of 2, then two of 1."""
    return (2,) * n_layers + (1, 1)


def patch_size(size, n_layers):
    """The output height (or width) for an input of height `size`."""
    for stride in layer_strides(n_layers):
        size = (size + 2 * PADDING - KERNEL_SIZE) // stride + 1
        if size < 1:
            return 0
    return size


def minimum_size(n_layers):
    """The smallest input height giving at least one output logit."""
    size = 1
    while patch_size(size, n_layers) < 1:
        size += 1
    return size


def _conv_block(x, filters, stride, norm, name):
    x = layers.ZeroPadding2D(PADDING, name=f"{name}_pad")(x)
    x = layers.Conv2D(
        filters,
        KERNEL_SIZE,
        strides=stride,
        use_bias=norm is None,
        name=f"{name}_conv",
    )(x)
    x = normalize(x, norm, f"{name}_norm")
    return layers.LeakyReLU(0.2, name=f"{name}_lrelu")(x)


@keras.saving.register_keras_serializable(package="keras_gans")
class PatchGAN(keras.Model):
    """A fully convolutional discriminator scoring overlapping patches.

    `n_layers` 4x4 stride-2 convolutions (widths `filters * 2**i`, capped
    at `8 * filters`; no normalization on the first), one 4x4 stride-1
    convolution, then a 4x4 stride-1 convolution to one channel. Every
    convolution is zero-padded by 1 pixel per side, as in the reference
    PyTorch code, so a 256x256 input gives 30x30 logits and each logit sees
    a 70x70 patch (`receptive_field`) with the default `n_layers=3`
    (C64-C128-C256-C512). The output is raw logits `(N, H', W', 1)`
    (float32 under mixed precision): apply the loss per patch and average.

    For pix2pix it scores `(input, target)` pairs concatenated on the
    channel axis, so `image_shape[2]` is the sum of both channel counts.

    Args:
        image_shape: `(H, W, C)` of the scored images, any C; H and W at
            least `minimum_size(n_layers)` (24 for `n_layers=3`).
        filters: width of the first convolution.
        n_layers: number of stride-2 convolutions (1 gives the 16x16
            PatchGAN, 3 the 70x70 one, 5 the 286x286 one).
        norm: `"batch"`, `"instance"` (`GroupNormalization(groups=-1)`) or
            `None`.
        name: the model name.
        **kwargs: other `keras.Model` arguments (`trainable`, `dtype`).

    Raises:
        ValueError: naming the argument, for a bad shape, an unknown
            `norm`, or an input too small for `n_layers`.

    Example:

    >>> patchgan = PatchGAN(image_shape=(256, 256, 6))
    >>> patchgan.receptive_field
    70
    >>> patchgan(np.zeros((1, 256, 256, 6))).shape
    (1, 30, 30, 1)
    """

    def __init__(
        self,
        image_shape,
        filters=64,
        n_layers=3,
        norm="batch",
        name="patchgan",
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape, channels=None)
        filters = check_positive_int("filters", filters)
        n_layers = check_positive_int("n_layers", n_layers)
        check_choice("norm", norm, NORMALIZATIONS)
        smallest = minimum_size(n_layers)
        if min(image_shape[:2]) < smallest:
            raise ValueError(
                f"`image_shape` height and width must be at least {smallest} "
                f"for a PatchGAN with n_layers={n_layers}. "
                + format_received(image_shape=image_shape)
            )

        inputs = keras.Input(image_shape, name="images")
        x = inputs
        for i, stride in enumerate(layer_strides(n_layers)[:-1]):
            x = _conv_block(
                x,
                filters * min(2**i, MAX_WIDTH_FACTOR),
                stride,
                None if i == 0 else norm,
                f"block{i}",
            )
        x = layers.ZeroPadding2D(PADDING, name="logits_pad")(x)
        outputs = layers.Conv2D(1, KERNEL_SIZE, dtype="float32", name="logits")(
            x
        )
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)

        self.image_shape = image_shape
        self.filters = filters
        self.n_layers = n_layers
        self.norm = norm

    @property
    def receptive_field(self):
        """Side of the input patch one output logit depends on.

        Walks the convolutions from the output back to the input: a
        `k`-wide stride-`s` convolution widens a field of `r` pixels to
        `(r - 1) * s + k`. Padding does not change it.
        """
        field = 1
        for layer in reversed(self.layers):
            if isinstance(layer, layers.Conv2D):
                (kernel, _), (stride, _) = layer.kernel_size, layer.strides
                dilation, _ = layer.dilation_rate
                field = (field - 1) * stride + dilation * (kernel - 1) + 1
        return field

    def get_config(self):
        return {
            "image_shape": self.image_shape,
            "filters": self.filters,
            "n_layers": self.n_layers,
            "norm": self.norm,
            "name": self.name,
        }
