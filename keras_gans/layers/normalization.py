"""The feature normalizations of the image-to-image networks, by name."""

from keras import layers

from keras_gans.utils.validation import check_choice

NORMALIZATIONS = ("batch", "instance", None)


def normalization_layer(norm, name):
    """A new normalization layer for `norm`, or `None` for `norm=None`.

    `"batch"` is `BatchNormalization` and `"instance"` is
    `GroupNormalization(groups=-1)`: one group per channel normalizes each
    image's channel over its own height and width, which is instance
    normalization (Ulyanov et al. 2016), with a learned scale and offset.
    Momentum and epsilon follow the PyTorch defaults of the reference
    pix2pix and CycleGAN code (`momentum=0.1` there is `0.9` here).

    Args:
        norm: `"batch"`, `"instance"` or `None`.
        name: the layer name.

    Returns:
        A Keras layer, or `None`.

    Raises:
        ValueError: if `norm` is not one of `NORMALIZATIONS`.
    """
    check_choice("norm", norm, NORMALIZATIONS)
    if norm == "batch":
        return layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=name)
    if norm == "instance":
        return layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
    return None


def normalize(x, norm, name):
    """Applies `normalization_layer(norm, name)` to `x` (identity for None)."""
    layer = normalization_layer(norm, name)
    return x if layer is None else layer(x)
