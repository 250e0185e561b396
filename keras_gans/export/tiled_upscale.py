"""Upscaling images of any size in tiles, without visible seams.

A super-resolution network is fully convolutional, so it can upscale an
image of any size in one call, but memory grows with the image. Tiling
bounds it: the low-resolution (LR) image is cut into `tile` x `tile`
tiles, each tile is extended by `overlap` LR pixels on every side where
the image allows, the extended window is upscaled, and only the tile's own
part of the result is kept. An output pixel depends only on the LR pixels
within the network's receptive field of it (`receptive_field(model)`):
with `overlap` at least that radius, every kept pixel is computed from
exactly the pixels the untiled call uses, and the tiled image equals the
untiled one up to float rounding. With a smaller overlap the tile borders
see zero padding instead of their neighbours, and seams show.
"""

import math
from fractions import Fraction

import keras
import numpy as np

from keras_gans.utils.validation import check_non_negative_int
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# The model card entry an upscaler export writes (LR pixels, or null).
RECEPTIVE_FIELD_CARD_KEY = "receptive_field"
# The overlap used when the receptive field is not known (a card written
# before the entry existed, a network with layers `receptive_field`
# cannot analyse): enough for a small SR network, not for every one.
DEFAULT_OVERLAP = 16


def upscale_image(upscale, image, scale, tile=None, overlap=None):
    """Upscales one image, whole or in tiles with overlapping borders.

    Args:
        upscale: callable mapping a float32 batch `(1, h, w, C)` in
            [-1, 1] to its upscaling `(1, scale * h, scale * w, C')`
            (NumPy or a backend tensor), e.g. an upscaler `Artifact` or
            `lambda x: model(x, training=False)`.
        image: float32 `(H, W, C)` image in [-1, 1].
        scale: the network's upscaling factor.
        tile: `None` upscales the whole image in one call; an int `N`
            upscales LR tiles of `N` x `N` pixels (tiles at the right and
            bottom edges are clipped to the image).
        overlap: LR pixels each tile is extended by on every side (where
            the image allows) before upscaling; only the tile's own region
            of the result is kept. With `overlap >= receptive_field(model)`
            the result equals the untiled one up to float rounding.
            Default (with `tile`): `DEFAULT_OVERLAP` (16). Only valid
            with `tile`.

    Returns:
        float32 NumPy array `(scale * H, scale * W, C')`.

    Raises:
        ValueError: naming the argument and value, for an `image` that is
            not `(H, W, C)`, a `scale` or `tile` that is not a positive
            int, a negative `overlap`, an `overlap` without `tile`, or an
            `upscale` result that is not `scale` times its input's size.

    Example:

    ```python
    model = keras_gans.models.SRResNetGenerator(scale=4)
    big = upscale_image(
        lambda x: model(x, training=False), small, scale=4, tile=128,
        overlap=receptive_field(model),
    )
    ```
    """
    image = _check_image(image)
    scale = check_positive_int("scale", scale)
    if tile is None:
        if overlap is not None:
            raise ValueError(
                "`overlap` only applies to tiled upscaling: pass `tile` "
                "too. " + format_received(tile=tile, overlap=overlap)
            )
        return _upscale_window(upscale, image, scale)
    tile = check_positive_int("tile", tile)
    if overlap is None:
        overlap = DEFAULT_OVERLAP
    overlap = check_non_negative_int("overlap", overlap)
    rows = tile_spans(image.shape[0], tile, overlap)
    columns = tile_spans(image.shape[1], tile, overlap)
    output = None
    for top, bottom, window_top, window_bottom in rows:
        for left, right, window_left, window_right in columns:
            window = image[window_top:window_bottom, window_left:window_right]
            upscaled = _upscale_window(upscale, window, scale)
            if output is None:
                output = np.empty(
                    (scale * image.shape[0], scale * image.shape[1],
                     upscaled.shape[2]),
                    "float32",
                )
            # Keep the tile's own region: its border pixels were computed
            # with the overlap as context, the overlap's with padding.
            keep = upscaled[
                scale * (top - window_top) : scale * (bottom - window_top),
                scale * (left - window_left) : scale * (right - window_left),
            ]
            output[
                scale * top : scale * bottom, scale * left : scale * right
            ] = keep
    return output


def tile_spans(size, tile, overlap):
    """The tiles along one axis of `size` LR pixels, and their windows.

    Every window has the same length, `min(tile + 2 * overlap, size)`: a
    tile is extended by `overlap` on both sides, and where the image ends
    on one side the window extends further on the other instead (more
    context changes nothing in the kept region). Equal windows let a
    compiling backend (JAX, XLA) reuse one compiled shape for every tile.

    Returns:
        A list of `(start, stop, window_start, window_stop)`: the tile
        `[start, stop)` (the last one clipped to `size`) and the window
        `[window_start, window_stop)` upscaled for it.
    """
    length = min(tile + 2 * overlap, size)
    spans = []
    for start in range(0, size, tile):
        stop = min(start + tile, size)
        window_start = min(max(start - overlap, 0), size - length)
        spans.append((start, stop, window_start, window_start + length))
    return spans


def _check_image(image):
    array = np.asarray(image)
    if array.ndim != 3 or 0 in array.shape:
        raise ValueError(
            "`image` must be one non-empty image (H, W, C) in [-1, 1]. "
            + format_received(image=f"array of shape {array.shape}")
        )
    return array.astype("float32", copy=False)


def _upscale_window(upscale, window, scale):
    """`upscale` of one `(h, w, C)` window, checked to be `scale` larger."""
    result = upscale(window[None])
    if not isinstance(result, np.ndarray):
        result = keras.ops.convert_to_numpy(result)
    result = np.asarray(result, "float32")
    height, width = window.shape[:2]
    if result.ndim != 4 or result.shape[:3] != (
        1, scale * height, scale * width,
    ):
        raise ValueError(
            f"`upscale` must return (1, {scale * height}, {scale * width}, "
            f"C) for a (1, {height}, {width}, {window.shape[2]}) batch at "
            f"scale {scale}; it returned {result.shape}. Is `scale` the "
            f"network's factor? " + format_received(scale=scale)
        )
    return result[0]


def receptive_field(model):
    """The radius, in input (LR) pixels, of the inputs one output depends on.

    For an upscaler: every output pixel depends only on the LR pixels at
    most this many pixels (along height and along width) from the LR pixel
    it lies in, so tiles extended by this overlap upscale exactly as the
    whole image (`upscale_image`). The graph is walked in topological
    order, keeping for every tensor how far (in LR pixels) the inputs of
    one of its pixels may lie from that pixel and how large its pixels are
    in LR pixels; where branches meet (residual additions, concatenations)
    the larger radius is kept. Understood layers:

    - `Conv2D`, `DepthwiseConv2D`, `SeparableConv2D` (kernel size,
      dilation, strides, padding), `Conv2DTranspose` (and its keras-gans
      subclass), `MaxPooling2D`, `AveragePooling2D`;
    - `UpSampling2D` (nearest, bilinear, bicubic, lanczos), `PixelShuffle`,
      `BicubicUpsampling`;
    - `ZeroPadding2D`, `Cropping2D`, `ReflectionPadding2D`;
    - layers acting on each pixel alone, which add nothing: activations,
      `BatchNormalization` (inference), `LayerNormalization` over channels,
      `PReLU` shared over height and width, `Dense` (on channels),
      `Add`/`Multiply`/... merges, `Concatenate` on channels, dropouts,
      noise, `Rescaling`, `Identity`, `ImageRange`;
    - `SpectralNormalization` by its wrapped layer; nested functional and
      `Sequential` models, recursively.

    Stride-1 "same" convolutions, nearest and sub-pixel upsampling (the
    layers of SRResNet, ESRGAN, EDSR) give the exact radius; strided,
    "valid", transposed convolutions, interpolating upsampling and padding
    layers give an upper bound (a larger overlap than needed, never a
    smaller one).

    Args:
        model: a functional `keras.Model` or `keras.Sequential` with
            channels-last image inputs.

    Returns:
        The radius as an int (rounded up), or `None` when it cannot be
        analysed: a layer not listed above (e.g. attention, global pooling,
        `GroupNormalization` or instance normalization, whose statistics
        span the whole image; `Flatten`/`Reshape` then `Dense` over space;
        a `Lambda` or a `keras.ops` call in the graph), channels-first
        layers, unequal strides along height and width, or a subclassed
        model without a graph. Such a network may depend on every pixel:
        no overlap makes tiling exact.

    Raises:
        ValueError: if `model` is not a `keras.Model`.

    Example:

    ```python
    generator = keras_gans.models.SRResNetGenerator(scale=4, num_blocks=2)
    receptive_field(generator)  # 12 LR pixels
    ```
    """
    if not isinstance(model, keras.Model):
        raise ValueError(
            "`model` must be a keras.Model (functional or Sequential). "
            + format_received(model=model)
        )
    inputs = _model_inputs(model)
    if not inputs:
        return None
    states = _walk(model, [(Fraction(0), Fraction(1))] * len(inputs))
    if states is None:
        return None
    # `radius` bounds the distance from an output pixel's centre (in LR
    # coordinates) to its inputs; the distance to the LR pixel it lies in
    # adds up to half an LR pixel less half an output pixel.
    return max(
        math.floor(radius + abs(1 - pixel) / 2) for radius, pixel in states
    )


# The state of a tensor is `(radius, pixel)`, Fractions: `pixel` is the
# size of one of its pixels in LR pixels (1/4 after a x4 upsampling), and
# every input of its pixel j lies within `radius` LR pixels of the pixel's
# centre, `(j + 1/2) * pixel - 1/2` in LR coordinates. A layer moves the
# centre of the pixels it reads by at most `reach` of its input pixels and
# scales the pixel size by `factor`.


def _model_inputs(model):
    try:
        return list(model.inputs or ())
    except (AttributeError, ValueError):
        return []  # a subclassed model never called symbolically


def _walk(model, input_states):
    """The states of `model`'s outputs, given its inputs' (or `None`)."""
    if isinstance(model, keras.Sequential):
        state = input_states[0]
        for layer in model.layers:
            state = _apply(layer, [state])
            if state is None:
                return None
        return [state]
    nodes_by_depth = getattr(model, "_nodes_by_depth", None)
    inputs = _model_inputs(model)
    if nodes_by_depth is None or len(inputs) != len(input_states):
        return None  # no graph to walk
    states = {id(tensor): s for tensor, s in zip(inputs, input_states)}
    # Keras runs a functional graph from the deepest nodes up; so do we.
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            if not node.operation or node.is_input:
                continue
            tensors = node.input_tensors
            if any(id(tensor) not in states for tensor in tensors):
                continue  # not reachable from the inputs
            state = _apply(
                node.operation, [states[id(tensor)] for tensor in tensors]
            )
            if state is None:
                return None
            for tensor in node.output_tensors:
                states[id(tensor)] = state
    outputs = [states.get(id(tensor)) for tensor in model.outputs]
    return None if None in outputs else outputs


def _apply(layer, states):
    """The state of `layer`'s output from its inputs' states (or `None`)."""
    if not states:
        return None
    pixels = {pixel for _, pixel in states}
    if len(pixels) != 1:
        return None  # maps of different resolutions cannot be merged
    pixel = pixels.pop()
    radius = max(radius for radius, _ in states)
    if isinstance(layer, keras.Model):
        outputs = _walk(layer, states)
        if outputs is None or len({p for _, p in outputs}) != 1:
            return None
        return max(outputs)
    geometry = _geometry(layer)
    if geometry is None:
        return None
    reach, factor = geometry
    return radius + reach * pixel, pixel * factor


def _geometry(layer):
    """`(reach, factor)` of a layer (see `_walk`'s state), or `None`."""
    from keras_gans.layers import BicubicUpsampling
    from keras_gans.layers import ImageRange
    from keras_gans.layers import PixelShuffle
    from keras_gans.layers import ReflectionPadding2D
    from keras_gans.layers import SpectralNormalization

    if isinstance(layer, SpectralNormalization):
        return _geometry(layer.layer)
    if isinstance(layer, ImageRange):
        return Fraction(0), Fraction(1)  # a clip, pixel by pixel
    if isinstance(layer, BicubicUpsampling):
        # The cubic reads 2 input pixels either side of the source pixel.
        return _enlarge(layer.factor, 2 * layer.factor)
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        return None
    if isinstance(layer, keras.layers.Conv2DTranspose):
        return _transposed_window(layer)
    if isinstance(
        layer,
        (
            keras.layers.Conv2D,
            keras.layers.DepthwiseConv2D,
            keras.layers.SeparableConv2D,
        ),
    ):
        return _window(
            layer.kernel_size, layer.strides, layer.dilation_rate,
            layer.padding,
        )
    if isinstance(
        layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
    ):
        return _window(layer.pool_size, layer.strides, (1, 1), layer.padding)
    if isinstance(layer, keras.layers.UpSampling2D):
        return _upsampling(layer)
    if isinstance(layer, PixelShuffle):
        return _enlarge(layer.factor, 0)
    if isinstance(layer, (keras.layers.ZeroPadding2D, ReflectionPadding2D)):
        return _shift(layer.padding)
    if isinstance(layer, keras.layers.Cropping2D):
        return _shift(layer.cropping)
    if _acts_on_each_pixel(layer):
        return Fraction(0), Fraction(1)
    return None


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * 2


def _window(kernel_size, strides, dilation_rate, padding):
    """A sliding window: convolution or pooling."""
    strides = _pair(strides)
    if strides[0] != strides[1]:
        return None
    stride = int(strides[0])
    extents = [
        (int(k) - 1) * int(d)
        for k, d in zip(_pair(kernel_size), _pair(dilation_rate))
    ]
    if stride == 1 and padding == "same":
        # A centred window: at most half the extent on either side.
        reach = max(math.ceil(extent / 2) for extent in extents)
        return Fraction(reach), Fraction(1)
    # The window starts 0 to `extent` pixels before the first of the
    # `stride` pixels an output pixel covers, whose centre lies
    # `(stride - 1) / 2` further: an upper bound either way.
    reach = max(extents) + Fraction(stride - 1, 2)
    return reach, Fraction(stride)


def _transposed_window(layer):
    strides = _pair(layer.strides)
    if strides[0] != strides[1]:
        return None
    stride = int(strides[0])
    extent = max(
        (int(k) - 1) * int(d)
        for k, d in zip(_pair(layer.kernel_size), _pair(layer.dilation_rate))
    )
    # An output pixel sums kernel taps spread over `extent` output pixels
    # around its input pixels: an upper bound, in output pixels.
    return _enlarge(stride, extent)


def _enlarge(factor, extent):
    """`factor` times smaller pixels, reading output pixels up to `extent`
    away from their centre; the centre of a small pixel is up to
    `(factor - 1) / 2` small pixels from its source pixel's."""
    reach = (Fraction(extent) + Fraction(factor - 1, 2)) / factor
    return reach, Fraction(1, factor)


# How far (in input pixels) each interpolation reads from a sample point.
_INTERPOLATION_REACH = {
    "nearest": 0,
    "bilinear": 1,
    "bicubic": 2,
    "lanczos3": 3,
    "lanczos5": 5,
}


def _upsampling(layer):
    size = _pair(layer.size)
    reach = _INTERPOLATION_REACH.get(layer.interpolation)
    if size[0] != size[1] or reach is None:
        return None
    factor = int(size[0])
    if reach == 0:
        return _enlarge(factor, 0)
    # Interpolation samples at the output pixel's centre (in input pixels).
    return Fraction(reach), Fraction(1, factor)


def _shift(amounts):
    """Padding or cropping: pixels move by up to the largest amount."""
    flat = [int(amount) for pair in amounts for amount in _pair(pair)]
    return Fraction(max(flat, default=0)), Fraction(1)


def _acts_on_each_pixel(layer):
    """Whether `layer` maps each pixel on its own (at inference)."""
    layers = keras.layers
    if isinstance(
        layer,
        (
            layers.InputLayer,
            layers.Activation,
            layers.ReLU,
            layers.LeakyReLU,
            layers.ELU,
            layers.Add,
            layers.Subtract,
            layers.Multiply,
            layers.Average,
            layers.Maximum,
            layers.Minimum,
            layers.Dropout,
            layers.SpatialDropout2D,
            layers.GaussianNoise,
            layers.GaussianDropout,
            layers.AlphaDropout,
            layers.ActivityRegularization,
            layers.Identity,
            layers.Rescaling,
            layers.Dense,
        ),
    ):
        return True
    if isinstance(
        layer,
        (
            layers.BatchNormalization,
            layers.LayerNormalization,
            layers.Concatenate,
            layers.Softmax,
        ),
    ):
        # Pointwise only along the channels; over height or width it
        # mixes pixels.
        axis = layer.axis
        axes = axis if isinstance(axis, (list, tuple)) else (axis,)
        return all(axis in (-1, 3) for axis in axes)
    if isinstance(layer, layers.PReLU):
        # Per-position slopes would tie the output to absolute positions.
        return {1, 2} <= set(layer.shared_axes or ())
    return False
