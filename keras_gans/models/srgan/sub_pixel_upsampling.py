"""The upsampling tail shared by the super-resolution generators."""

from keras import layers

from keras_gans.layers.bicubic_upsampling import BicubicUpsampling
from keras_gans.layers.image_range import ImageRange
from keras_gans.layers.pixel_shuffle import PixelShuffle
from keras_gans.utils.validation import format_received

IMAGE_SKIPS = (None, "bicubic")

# The upscaling factors the generators build, as their PixelShuffle steps:
# x4 is two x2 steps (SRResNet, ESRGAN), x3 one x3 step.
UPSCALING_STEPS = {2: (2,), 3: (3,), 4: (2, 2)}


def check_scale(scale):
    """`scale` if it is 2, 3 or 4, else a `ValueError` naming it."""
    if isinstance(scale, bool) or scale not in UPSCALING_STEPS:
        raise ValueError(
            f"`scale` must be one of {sorted(UPSCALING_STEPS)}. "
            + format_received(scale=scale)
        )
    return int(scale)


def upsample(x, scale, filters, activation, name):
    """Sub-pixel upsampling of `x` by `scale` at width `filters`.

    Each step is a 3x3 convolution to `filters * r * r` channels, a
    `PixelShuffle(r)` and the activation, as in SRResNet: the network
    learns the interpolation at the lower resolution, and the step runs at
    any input size (a Keras `UpSampling2D` of free size does not export to
    TFLite).

    Args:
        x: feature tensor `(N, h, w, filters)`.
        scale: 2, 3 or 4.
        filters: channels before and after each step.
        activation: callable `(tensor, name) -> tensor` after each step.
        name: prefix of the layer names.
    """
    for i, factor in enumerate(UPSCALING_STEPS[scale]):
        x = layers.Conv2D(
            filters * factor * factor, 3, padding="same", name=f"{name}{i}_conv"
        )(x)
        x = PixelShuffle(factor, name=f"{name}{i}_shuffle")(x)
        x = activation(x, f"{name}{i}")
    return x


def image_output(x, inputs, scale, kernel_size, image_skip):
    """The generators' last convolution and output, images in [-1, 1].

    Without `image_skip`, a convolution to the image's channels and tanh.
    With `image_skip="bicubic"`, the convolution's output is added to the
    bicubic upsampling of the LR `inputs` and clipped to [-1, 1] at
    inference only (`ImageRange`).

    Args:
        x: HR features.
        inputs: the LR images.
        scale: the upscaling factor.
        kernel_size: of the last convolution.
        image_skip: `None` or `"bicubic"`.
    """
    # float32 like the output activation (see ResNetGenerator).
    x = layers.Conv2D(
        inputs.shape[-1],
        kernel_size,
        padding="same",
        dtype="float32",
        name="to_image",
    )(x)
    if image_skip is None:
        return layers.Activation("tanh", dtype="float32", name="images_out")(x)
    skip = BicubicUpsampling(scale, dtype="float32", name="bicubic")(inputs)
    x = layers.Add(dtype="float32", name="add_detail")([skip, x])
    return ImageRange(dtype="float32", name="images_out")(x)
