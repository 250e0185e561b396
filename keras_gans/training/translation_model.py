"""The base of image-to-image models (Pix2Pix, CycleGAN, DiscoGAN)."""

import keras
import numpy as np
from keras import ops

from keras_gans.training.two_player_model import TwoPlayerModel
from keras_gans.utils.data_checks import check_translation_data
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def check_weight(name, value):
    """A loss weight: a number >= 0 (0 disables the term)."""
    if isinstance(value, bool) or not (
        isinstance(value, (int, float)) and value >= 0
    ):
        raise ValueError(
            f"`{name}` must be a number >= 0 (0 disables the term). "
            + format_received(**{name: value})
        )
    return float(value)


def as_float32(x):
    """Losses are computed in float32, also under mixed precision."""
    return ops.cast(x, "float32")


def mean_absolute_error(x, y):
    return ops.mean(ops.abs(as_float32(x) - as_float32(y)))


def check_network(name, network):
    """Raises unless `network` is a built Keras model with one image input."""
    if not isinstance(network, keras.Model):
        raise ValueError(
            f"`{name}` must be a keras.Model. "
            + format_received(**{name: network})
        )
    inputs = getattr(network, "inputs", None)
    if inputs is not None and len(inputs) != 1:
        raise ValueError(
            f"`{name}` must take one image input. "
            + format_received(**{name: f"a model with {len(inputs)} inputs"})
        )
    return network


def image_shape_of(network, what, name):
    """`(H, W, C)` of a network's input or output, validated."""
    shape = network.input_shape if what == "input" else network.output_shape
    return check_image_shape(
        shape[1:], name=f"{name} {what} shape", channels=None
    )


class TranslationModel(TwoPlayerModel):
    """Translators between two image domains, trained against critics.

    Batches are `(a, b)` pairs of image batches in [-1, 1] — aligned pairs
    for Pix2Pix, independent draws of the two domains for CycleGAN and
    DiscoGAN — from a `tf.data.Dataset` (`keras_gans.data.load_paired` /
    `load_unpaired`), dicts with `"a"` and `"b"`, or `fit(a_images,
    b_images)` with arrays. Every phase loss takes `(a, b)`.

    Subclasses set `self.translators`, a dict of direction name
    (`"a_to_b"`, `"b_to_a"`) to generator network, before calling
    `_finish_init()`.

    Args:
        seed: seed of the model's random draws.
        **kwargs: passed to `keras.Model`.
    """

    def _finish_init(self):
        self._create_trackers()
        self.build(None)

    # ------------------------------------------------------------------ API

    @property
    def directions(self):
        """The translation directions, e.g. `("a_to_b", "b_to_a")`."""
        return tuple(self.translators)

    @property
    def a_shape(self):
        """`(H, W, C)` of domain A images."""
        return image_shape_of(self.translators["a_to_b"], "input", "a_to_b")

    @property
    def b_shape(self):
        """`(H, W, C)` of domain B images."""
        return image_shape_of(self.translators["a_to_b"], "output", "a_to_b")

    def translator(self, direction="a_to_b"):
        """The generator network of `direction`."""
        if not isinstance(direction, str) or direction not in self.translators:
            raise ValueError(
                f"`direction` must be one of {list(self.translators)}. "
                + format_received(direction=direction)
            )
        return self.translators[direction]

    def call(self, images, training=False):
        return self.translators["a_to_b"](images, training=training)

    def translate(self, images, direction="a_to_b", batch_size=32):
        """Translates images in [-1, 1] in inference mode.

        A fully convolutional translator (U-Net, ResNet generator) also
        translates images of another size than it was trained at, as long
        as height and width are multiples of the product of its
        downsampling strides: they run through a copy of the network
        built with free height and width and the current weights (no
        resizing). Other networks take only their training size.

        Args:
            images: float array `(N, H, W, C)` of the source domain.
            direction: `"a_to_b"` or (two-way models) `"b_to_a"`.
            batch_size: images per generator call.

        Returns:
            float32 NumPy array of the translated images, in [-1, 1].

        Raises:
            ValueError: for an unknown direction or images of the wrong
                shape, dtype or range.
        """
        network = self.translator(direction)
        batch_size = check_positive_int("batch_size", batch_size)
        source_shape = image_shape_of(network, "input", direction)
        from keras_gans.utils.data_checks import check_image_array

        images = np.asarray(images)
        if images.ndim == 4 and images.shape[1:3] != source_shape[:2]:
            network, source_shape = self._at_free_size(direction, images)
        check_image_array(images, source_shape, name="images")
        outputs = []
        for start in range(0, len(images), batch_size):
            batch = ops.convert_to_tensor(images[start : start + batch_size])
            outputs.append(
                ops.convert_to_numpy(network(batch, training=False))
            )
        return np.concatenate(outputs, axis=0).astype("float32")

    def _at_free_size(self, direction, images):
        """`(network, source shape)` for images of another size: the
        free-size copy with the current weights, or the network itself
        (whose shape check then names the size it takes)."""
        from keras_gans.utils.free_size import free_size_copy

        network = self.translator(direction)
        copies = self.__dict__.setdefault("_free_size_copies", {})
        if direction not in copies:
            copies[direction] = free_size_copy(network)
        copy, multiple = copies[direction]
        if multiple is None:
            return network, image_shape_of(network, "input", direction)
        from keras_gans.export.input_checks import check_image_batch

        channels = image_shape_of(network, "input", direction)[2]
        # The artifacts' own size check: one message for every path.
        check_image_batch(
            images, (None, None, channels), check_range=False,
            size_multiple=multiple,
        )
        copy.set_weights(network.get_weights())
        return copy, (*images.shape[1:3], channels)

    def fit(self, x=None, y=None, *args, **kwargs):
        self._check_compiled()
        check_translation_data(x, y, self.a_shape, self.b_shape)
        if type(x).__module__.startswith("tensorflow"):
            # A tf.data pipeline shuffles itself.
            kwargs.setdefault("shuffle", False)
        return super().fit(x, y, *args, **kwargs)

    # ------------------------------------------------------------ plumbing

    def unpack_batch(self, data):
        """Splits a batch from `fit()` into `(a_images, b_images)`."""
        if isinstance(data, dict) and "a" in data and "b" in data:
            a, b = data["a"], data["b"]
        elif isinstance(data, (tuple, list)) and len(data) >= 2:
            a, b = data[0], data[1]
        else:
            raise ValueError(
                f"{type(self).__name__} trains on (a_images, b_images) "
                "batches or dicts with 'a' and 'b'. "
                + format_received(batch=type(data).__name__)
            )
        # float32 whatever the policy: the translators' outputs are float32,
        # the L1/cycle targets keep full precision, and the networks cast
        # their inputs to their compute dtype.
        a = ops.convert_to_tensor(a, dtype="float32")
        b = ops.convert_to_tensor(b, dtype="float32")
        return a, b
