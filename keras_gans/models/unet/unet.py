"""The pix2pix U-Net generator (Isola et al. 2017)."""

import keras
from keras import layers

from keras_gans.layers.normalization import NORMALIZATIONS
from keras_gans.layers.normalization import normalize
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_divisible
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_non_negative_int
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

MAX_DEFAULT_DEPTH = 8


def default_depth(image_shape):
    """The most halvings (at most 8) that keep height and width integers.

    Raises:
        ValueError: if the height or width is odd.
    """
    height, width = image_shape[:2]
    depth = 0
    while (
        depth < MAX_DEFAULT_DEPTH
        and height % 2 ** (depth + 1) == 0
        and width % 2 ** (depth + 1) == 0
    ):
        depth += 1
    if depth == 0:
        raise ValueError(
            "`image_shape` height and width must be divisible by 2 (every "
            "U-Net block halves them). "
            + format_received(image_shape=image_shape)
        )
    return depth


def _check_rate(name, value):
    if not 0.0 <= float(value) < 1.0:
        raise ValueError(
            f"`{name}` must be in [0, 1). " + format_received(**{name: value})
        )
    return float(value)


def _encoder_block(x, filters, norm, activation, name):
    conv = layers.Conv2D(
        filters,
        4,
        strides=2,
        padding="same",
        use_bias=norm is None,
        name=f"{name}_conv",
    )
    x = normalize(conv(x), norm, f"{name}_norm")
    if activation == "relu":
        return layers.ReLU(name=f"{name}_relu")(x)
    return layers.LeakyReLU(0.2, name=f"{name}_lrelu")(x)


def _decoder_block(x, filters, norm, dropout, name, seed=None):
    conv = layers.Conv2DTranspose(
        filters,
        4,
        strides=2,
        padding="same",
        use_bias=norm is None,
        name=f"{name}_conv",
    )
    x = normalize(conv(x), norm, f"{name}_norm")
    if dropout:
        # Keras' Dropout is active only under `training=True`.
        x = layers.Dropout(dropout, seed=seed, name=f"{name}_dropout")(x)
    return layers.ReLU(name=f"{name}_relu")(x)


@keras.saving.register_keras_serializable(package="keras_gans")
class UNet(keras.Model):
    """The pix2pix U-Net: an encoder-decoder with skip connections.

    Encoder: `depth` blocks of 4x4 stride-2 convolution, normalization and
    LeakyReLU(0.2), widths `filters * 2**i` capped at `max_filters`
    (C64-C128-C256-C512-C512-... by default). As in the reference
    implementation the first block and the innermost (bottleneck) block
    have no normalization, and the bottleneck is followed by ReLU (a 1x1
    bottleneck would otherwise be normalized to zero). Decoder: 4x4
    stride-2 transposed convolutions, normalization, dropout in the first
    `dropout_blocks` blocks (active only in training) and ReLU, each
    concatenated with the encoder block of the same resolution; a last
    transposed convolution maps to `out_channels`, followed by
    `final_activation`. The output has the input's height and width.

    Args:
        image_shape: `(H, W, C)` of the input; H and W divisible by
            `2**depth`, any C. `None` for H and W builds the network for
            any size divisible by `2**depth` (then `depth` is required).
        out_channels: output channels; `None` for the input's C.
        filters: width of the first encoder block.
        max_filters: the cap on the block widths.
        depth: number of stride-2 encoder blocks; `None` for the most the
            size allows, up to 8 (256x256 -> 8, a 1x1 bottleneck).
        dropout: dropout rate of the first decoder blocks, in [0, 1).
        dropout_blocks: how many decoder blocks (from the bottleneck) have
            dropout.
        norm: `"batch"`, `"instance"` (`GroupNormalization(groups=-1)`) or
            `None`.
        skip_connections: `False` drops the concatenations, giving the
            plain encoder-decoder of DiscoGAN.
        final_activation: activation of the output (float32 under mixed
            precision); `"tanh"` for images in [-1, 1].
        seed: seed of the dropout masks. With `None` the torch backend
            draws them from torch's global generator, so a resumed run
            cannot replay them; set it for exactly reproducible training.
        name: the model name.
        **kwargs: other `keras.Model` arguments (`trainable`, `dtype`).

    Raises:
        ValueError: naming the argument, for a bad shape, an image size not
            divisible by `2**depth`, a rate outside [0, 1) or an unknown
            `norm`.

    Example:

    >>> unet = UNet(image_shape=(256, 256, 3))
    >>> unet.depth
    8
    >>> unet(np.zeros((1, 256, 256, 3))).shape
    (1, 256, 256, 3)
    """

    def __init__(
        self,
        image_shape,
        out_channels=None,
        filters=64,
        max_filters=512,
        depth=None,
        dropout=0.5,
        dropout_blocks=3,
        norm="batch",
        skip_connections=True,
        final_activation="tanh",
        seed=None,
        name="unet",
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
        max_filters = check_positive_int("max_filters", max_filters)
        if depth is None and None in image_shape[:2]:
            raise ValueError(
                "A U-Net of free height or width needs `depth` (the default "
                "depends on the size). "
                + format_received(image_shape=image_shape, depth=depth)
            )
        if depth is None:
            depth = default_depth(image_shape)
        depth = check_positive_int("depth", depth)
        check_divisible(
            image_shape,
            2**depth,
            f"depth={depth} stride-2 blocks halve them {depth} times",
        )
        dropout = _check_rate("dropout", dropout)
        dropout_blocks = check_non_negative_int("dropout_blocks", dropout_blocks)
        check_choice("norm", norm, NORMALIZATIONS)
        keras.activations.get(final_activation)  # fails early if unknown

        inputs = keras.Input(image_shape, name="images")
        x = inputs
        skips = []
        for i in range(depth):
            innermost = i == depth - 1
            x = _encoder_block(
                x,
                min(filters * 2**i, max_filters),
                None if i == 0 or innermost else norm,
                "relu" if innermost else "leaky_relu",
                f"down{i}",
            )
            skips.append(x)
        for j, skip in enumerate(reversed(skips[:-1])):
            x = _decoder_block(
                x,
                skip.shape[-1],
                norm,
                dropout if j < dropout_blocks else 0.0,
                f"up{j}",
                seed=None if seed is None else seed + j,
            )
            if skip_connections:
                x = layers.Concatenate(name=f"up{j}_skip")([x, skip])
        x = layers.Conv2DTranspose(
            out_channels, 4, strides=2, padding="same", name="to_image"
        )(x)
        outputs = layers.Activation(
            final_activation, dtype="float32", name="images_out"
        )(x)
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)

        self.image_shape = image_shape
        self.out_channels = out_channels
        self.filters = filters
        self.max_filters = max_filters
        self.depth = depth
        self.dropout = dropout
        self.dropout_blocks = dropout_blocks
        self.norm = norm
        self.skip_connections = bool(skip_connections)
        self.final_activation = final_activation
        self.seed = seed

    @property
    def size_multiple(self):
        """Heights and widths the network takes are multiples of this."""
        return 2**self.depth

    def get_config(self):
        return {
            "image_shape": self.image_shape,
            "out_channels": self.out_channels,
            "filters": self.filters,
            "max_filters": self.max_filters,
            "depth": self.depth,
            "dropout": self.dropout,
            "dropout_blocks": self.dropout_blocks,
            "norm": self.norm,
            "skip_connections": self.skip_connections,
            "final_activation": self.final_activation,
            "seed": self.seed,
            "name": self.name,
        }
