"""StyleGAN2's [1, 3, 3, 1] FIR resampling by 2, in `keras.ops`.

NVIDIA's `upfirdn2d` with the separable filter `[1, 3, 3, 1]`: zero
insertion and blur (upsampling, gain 4) or blur and decimation
(downsampling). Low-pass filtering both ways keeps the networks from
aliasing (Karras et al. 2019/2020). Written with pads, slices and a
depthwise convolution, so it runs on every backend and converts to TFLite.
"""

import numpy as np
from keras import ops

# The 1-D filter, normalized to sum 1.
_TAPS = np.array([1.0, 3.0, 3.0, 1.0], dtype="float32") / 8.0
# After a nearest-neighbour repeat, this filter gives the same upsampling.
_REPEAT_TAPS = np.array([1.0, 2.0, 1.0], dtype="float32") / 4.0


def _depthwise_blur(x, taps, padding):
    """Depthwise convolution of NHWC `x` with `outer(taps, taps)`."""
    channels = int(ops.shape(x)[-1])
    kernel = np.outer(taps, taps)[:, :, None, None].astype("float32")
    kernel = np.tile(kernel, (1, 1, channels, 1))
    return ops.depthwise_conv(
        x, ops.cast(kernel, x.dtype), strides=1, padding=padding
    )


def upsample_2x(x):
    """`upfirdn2d.upsample2d(x, [1, 3, 3, 1])` of NHWC `x`: (N, 2H, 2W, C).

    Zero insertion and the filter `outer(f, f) * 4` (`f = [1, 3, 3, 1] /
    8`): `out[2i] = x[i-1] / 4 + 3 x[i] / 4`, `out[2i+1] = 3 x[i] / 4 +
    x[i+1] / 4` per axis, zeros beyond the border. Computed as the equal
    nearest-neighbour repeat followed by a `[1, 2, 1] / 4` blur, whose
    gradient is ten times cheaper on CPU than interleaving shifted slices.
    """
    x = ops.repeat(ops.repeat(x, 2, axis=1), 2, axis=2)
    return _depthwise_blur(x, _REPEAT_TAPS, "same")


def downsample_2x(x, kernel_size=1):
    """Blurs NHWC `x` with `outer(f, f)` so that a stride-2 `kernel_size`
    convolution ("valid") after it halves the size, as `conv2d_resample`'s
    `down=2` pads; with `kernel_size=1` and stride-2 decimation this is
    `upfirdn2d.downsample2d`.

    Returns the blurred, padded tensor (size `H + kernel_size - 2`); the
    caller's stride-2 convolution decimates it.
    """
    total = 2 + kernel_size - 1
    before, after = (total + 1) // 2, total // 2
    x = ops.pad(x, [[0, 0], [before, after], [before, after], [0, 0]])
    return _depthwise_blur(x, _TAPS, "valid")
