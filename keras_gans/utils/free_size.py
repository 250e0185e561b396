"""Fully convolutional networks at any input size.

A network trained at one image size is built on a fixed `keras.Input`;
its weights do not depend on the height and width when every layer is
convolutional (convolutions, normalization over channels, padding,
concatenation of same-size maps). `free_size_copy` rebuilds such a network
on an input of free height and width, with the same weights, so it can be
exported (and run) at any size its strides allow.
"""

import math

import keras

# Layers that shrink height and width by their stride. Transposed
# convolutions grow them back and impose nothing.
_DOWNSAMPLING = (
    keras.layers.Conv2D,
    keras.layers.DepthwiseConv2D,
    keras.layers.SeparableConv2D,
    keras.layers.MaxPooling2D,
    keras.layers.AveragePooling2D,
)


def size_multiple(network):
    """What the height and width given to `network` must be multiples of.

    The network's own `size_multiple` attribute if it has one, else the
    product of the strides of its downsampling layers (convolutions and
    pooling; for networks with parallel branches this may be more than
    needed, never less).

    Args:
        network: a `keras.Model`.

    Returns:
        A positive int; 1 when any size works.
    """
    declared = getattr(network, "size_multiple", None)
    if declared is not None:
        return int(declared)
    multiple = 1
    for layer in network._flatten_layers(include_self=False):
        if isinstance(layer, _DOWNSAMPLING) and not isinstance(
            layer, keras.layers.Conv2DTranspose
        ):
            multiple *= max(int(s) for s in layer.strides)
    return multiple


def free_size_copy(network):
    """`network` rebuilt on an input of free height and width.

    Args:
        network: a functional `keras.Model` with one rank-4 image input.

    Returns:
        `(copy, multiple)`: a functional model with the same weights taking
        `(N, None, None, C)` and returning images whose height and width
        are free too, and `size_multiple(network)`. `(network, None)` when
        the network is not fully convolutional (a layer needs the trained
        size, or the output size does not follow the input's).
    """
    image = network.inputs[0]
    if tuple(image.shape[1:3]) == (None, None):
        return network, size_multiple(network)
    inputs = keras.Input(
        (None, None, image.shape[3]), dtype=image.dtype, name=image.name
    )
    try:
        copy = keras.models.clone_model(network, input_tensors=inputs)
    except (ValueError, TypeError, NotImplementedError):
        # e.g. Flatten + Dense over pixels: the weights fix the size.
        return network, None
    outputs = copy.outputs
    if len(outputs) != 1 or tuple(outputs[0].shape[1:3]) != (None, None):
        return network, None
    copy.set_weights(network.get_weights())
    return copy, size_multiple(network)


def smallest_size(multiple):
    """The smallest multiple of `multiple` that is at least 16 pixels."""
    return multiple * math.ceil(16 / multiple)


def parity_size(trained, multiple):
    """A second `(height, width)` to verify a free-size export at.

    Different from the trained size in both dimensions and not square:
    one multiple taller and two wider (for a U-Net trained at 64x64 whose
    strides multiply to 64: 128x192).
    """
    height, width = (
        smallest_size(multiple) if size is None else int(size)
        for size in trained
    )
    return height + multiple, width + 2 * multiple
