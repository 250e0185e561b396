"""Building blocks shared by the DCGAN-family networks.

Options used by the DCGAN-based variants: spectral normalization of every
weight layer (SNGAN, SAGAN), a self-attention block at one resolution
(SAGAN) and two upsampling modes. Used by `DCGANGenerator`,
`DCGANDiscriminator` and the conditional networks of `keras_gans.models.cgan`.
"""

from keras import layers

from keras_gans.layers import SelfAttention
from keras_gans.layers import SpectralNormalization
from keras_gans.layers import SubPixelConv2DTranspose
from keras_gans.utils.validation import format_received

UPSAMPLING_MODES = ("transpose", "upsample_conv")


def maybe_spectral_norm(layer, spectral_norm):
    """`layer`, wrapped in `SpectralNormalization` when `spectral_norm`."""
    if not spectral_norm:
        return layer
    # The wrapper keeps the layer's dtype policy (a float32 score layer
    # stays float32 under mixed precision).
    return SpectralNormalization(
        layer, name=f"{layer.name}_sn", dtype=layer.dtype_policy
    )


def upsample(x, filters, mode, kernel_size, use_bias, name, spectral_norm):
    """A stride-2 transposed conv, or nearest upsampling + conv (`mode`).

    The transposed conv is a `SubPixelConv2DTranspose`: a
    `Conv2DTranspose` that JAX trains ~10x faster on CPU.
    """
    if mode == "transpose":
        conv = SubPixelConv2DTranspose(
            filters,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=use_bias,
            name=name,
        )
        return maybe_spectral_norm(conv, spectral_norm)(x)
    x = layers.UpSampling2D(2, name=f"{name}_up")(x)
    conv = layers.Conv2D(
        filters, kernel_size, padding="same", use_bias=use_bias, name=name
    )
    return maybe_spectral_norm(conv, spectral_norm)(x)


def attention_at(x, resolution, attention_resolution, spectral_norm, name):
    """`x` through a `SelfAttention` block if `resolution` is the chosen one.

    Args:
        x: a symbolic `(N, H, W, C)` feature map.
        resolution: the height of `x` as the network counts it.
        attention_resolution: the height at which the block goes, or `None`.
        spectral_norm: spectral normalization of the block's convolutions.
        name: the block's name.
    """
    if resolution != attention_resolution:
        return x
    return SelfAttention(spectral_norm=spectral_norm, name=name)(x)


def check_attention_resolution(resolution, allowed, network):
    """Raises unless `resolution` is `None` or one of `allowed` heights."""
    if resolution is not None and resolution not in allowed:
        raise ValueError(
            "`attention_resolution` must be None or a feature-map height of "
            f"the {network}; for this architecture one of "
            f"{sorted(set(allowed))}. "
            + format_received(attention_resolution=resolution)
        )
    return resolution
