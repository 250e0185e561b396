"""`load_translation_arrays()` and `translation_sources()`.

The array side of `load_paired()` and `load_unpaired()`: whole splits of
either kind of source as uint8 NumPy arrays, for evaluation.
"""

from keras_gans.data import paired as paired_data
from keras_gans.data import unpaired as unpaired_data
from keras_gans.data.checks import check_direction
from keras_gans.utils.validation import format_received


def translation_sources(paired=None):
    """Names of the built-in image-to-image sources.

    Args:
        paired: `True` for the sources of `load_paired()`, `False` for
            those of `load_unpaired()`, `None` for both.

    Returns:
        A tuple of names. tensorflow-datasets `"cycle_gan/<name>"` sets
        (unpaired) are accepted too but not listed.

    Example:

    >>> keras_gans.data.translation_sources(paired=False)
    ('digits-inverted', 'mnist-inverted', 'folder')
    """
    if paired is None:
        return paired_data.SOURCES + unpaired_data.SOURCES
    if paired is True:
        return paired_data.SOURCES
    if paired is False:
        return unpaired_data.SOURCES
    raise ValueError(
        "`paired` must be True, False or None. "
        + format_received(paired=paired)
    )


def load_translation_arrays(
    source,
    data_dir=None,
    split="test",
    image_size=None,
    channels=None,
    direction="AtoB",
):
    """Loads a whole translation split as uint8 arrays, in file order.

    The pixels equal those of `load_paired()` / `load_unpaired()` with the
    same arguments before scaling and jitter. Use them for evaluation:
    PSNR and SSIM on held-out pairs, cycle reconstruction, and the labels
    of the built-in digit tasks for identity-keeping classifiers. A
    tensorflow-datasets name is read completely into memory (prepared data
    only: no download).

    Args:
        source: any source of `load_paired()` or `load_unpaired()`.
        data_dir: as in those functions.
        split: `"test"` by default; see those functions.
        image_size: output `(height, width)` or one int.
        channels: 1, 3 or `(channels_a, channels_b)`.
        direction: `"AtoB"`, or `"BtoA"` to exchange the domains.

    Returns:
        A `keras_gans.data.TranslationArrays`.

    Raises:
        ValueError, FileNotFoundError: as in `load_paired()` and
            `load_unpaired()`, and for a source neither of them knows.

    Example:

    >>> test = keras_gans.data.load_translation_arrays("digits-edges")
    >>> test.a.shape, test.b.dtype, test.paired
    ((359, 32, 32, 1), dtype('uint8'), True)
    """
    direction = check_direction(direction)
    if isinstance(source, str) and source in paired_data.SOURCES:
        arrays = paired_data.read_paired(
            source, data_dir, split, image_size, channels
        )
    elif isinstance(source, str) and (
        source in unpaired_data.SOURCES or unpaired_data.is_tfds(source)
    ):
        arrays = unpaired_data.read_unpaired(
            source, data_dir, split, image_size, channels
        )
    else:
        names = ", ".join(repr(s) for s in translation_sources())
        raise ValueError(
            f"`source` must be one of {names} or a tensorflow-datasets "
            "'cycle_gan/<name>'. " + format_received(source=source)
        )
    return arrays.swapped() if direction == "BtoA" else arrays
