"""Minibatch standard deviation (Karras et al. 2018, ProGAN; StyleGAN2)."""

import keras
from keras import ops

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStdDev(keras.layers.Layer):
    """Appends the minibatch's feature spread as extra channels.

    The batch is split into groups of `group_size` images; within each
    group the standard deviation of every feature (over the group) is
    averaged over the features of each of `num_channels` channel slices
    and over all positions. The result, one value per group and slice, is
    tiled over the group's images and positions and appended as
    `num_channels` channels. A discriminator that sees how varied a batch
    is can penalise a generator that draws too few kinds of image, which
    plain per-image scores cannot (mode collapse and class imbalance).
    This is the layer of NVIDIA's ProGAN/StyleGAN2 code
    (`minibatch_stddev_layer`), in NHWC.

    Args:
        group_size: images per group; the batch size must be a multiple of
            it, or smaller (then the whole batch is one group).
        num_channels: channel slices, each getting its own statistic; the
            input's channels must be divisible by it.
        epsilon: added to the variance before the square root.
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Raises:
        ValueError: naming the argument, for a non-positive `group_size` or
            `num_channels`, an input that is not 4-D or whose channels are
            not divisible by `num_channels`, or (at call time) a batch
            size that `group_size` does not divide.

    Example:

    >>> layer = MinibatchStdDev(group_size=4)
    >>> layer(np.random.normal(size=(8, 7, 7, 16))).shape
    (8, 7, 7, 17)
    """

    def __init__(self, group_size=4, num_channels=1, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.group_size = check_positive_int("group_size", group_size)
        self.num_channels = check_positive_int("num_channels", num_channels)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                "MinibatchStdDev expects (batch, height, width, channels) "
                "inputs. " + format_received(input_shape=input_shape)
            )
        channels = input_shape[-1]
        if channels is not None and channels % self.num_channels:
            raise ValueError(
                "The input's channels must be divisible by `num_channels`. "
                + format_received(
                    channels=channels, num_channels=self.num_channels
                )
            )
        self.built = True

    def _group(self, batch):
        """The group size for a static batch size (None: `group_size`)."""
        if batch is None:
            return self.group_size
        group = min(self.group_size, batch)
        if batch % group:
            raise ValueError(
                "MinibatchStdDev needs a batch size divisible by "
                "`group_size` (or smaller than it). "
                + format_received(batch_size=batch, group_size=group)
            )
        return group

    def call(self, inputs):
        group = self._group(inputs.shape[0])
        slices = self.num_channels
        shape = ops.shape(inputs)
        # [G, M, H, W, F, C/F], NVIDIA's strided layout: group m holds
        # inputs[g * M + m] for g < G, and tiling by G below puts its
        # statistic back on exactly those rows.
        x = ops.reshape(
            ops.cast(inputs, "float32"),
            (group, -1, shape[1], shape[2], slices, shape[3] // slices),
        )
        x = x - ops.mean(x, axis=0, keepdims=True)
        std = ops.sqrt(ops.mean(ops.square(x), axis=0) + self.epsilon)
        # [M, F]: one value per group and channel slice.
        std = ops.mean(std, axis=(1, 2, 4))
        std = ops.reshape(std, (-1, 1, 1, slices))
        std = ops.tile(std, (group, shape[1], shape[2], 1))
        return ops.concatenate(
            [inputs, ops.cast(std, inputs.dtype)], axis=-1
        )

    def compute_output_shape(self, input_shape):
        channels = input_shape[-1]
        channels = None if channels is None else channels + self.num_channels
        return tuple(input_shape[:-1]) + (channels,)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "group_size": self.group_size,
                "num_channels": self.num_channels,
                "epsilon": self.epsilon,
            }
        )
        return config
