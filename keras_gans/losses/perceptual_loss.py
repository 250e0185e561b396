"""The perceptual (VGG19 content) loss of SRGAN (Ledig et al. 2017) and
ESRGAN (Wang et al. 2018)."""

import numbers
import os
import warnings

import keras
from keras import ops

from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import format_received

# The layers of `keras.applications.VGG19(include_top=False)` after its
# input, in order: the choices of `layer`, known without building it.
_BLOCK_CONVS = (2, 2, 4, 4, 4)
VGG19_LAYERS = tuple(
    name
    for block, convs in enumerate(_BLOCK_CONVS, start=1)
    for name in (
        *(f"block{block}_conv{i}" for i in range(1, convs + 1)),
        f"block{block}_pool",
    )
)
DEFAULT_LAYER = "block5_conv4"
DEFAULT_WEIGHTS = "imagenet"
DISTANCES = ("mse", "l1")
# Caffe preprocessing of the ImageNet VGG weights (as
# `keras.applications.vgg19.preprocess_input`): BGR channel means.
_BGR_MEAN = (103.939, 116.779, 123.68)
# The file `keras.applications.VGG19(include_top=False)` downloads, with
# Keras' own MD5 check.
NOTOP_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
NOTOP_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"
    + NOTOP_FILE
)
_NOTOP_MD5 = "253f8cb515780f3b799900260a226db6"


@keras.saving.register_keras_serializable(package="keras_gans")
class PerceptualLoss:
    """Distance between VGG19 features of two image batches.

    The content loss of SRGAN ("VGG54": the `block5_conv4` features,
    rescaled by 1/12.75, mean squared distance) and, with
    `before_activation=True, distance="l1"`, of ESRGAN (the same conv's
    output before its ReLU: denser than the post-ReLU features, which
    lose the information of every negative response).
    With `phi` the chosen layer's features of caffe-preprocessed images
    (as `keras.applications.vgg19.preprocess_input`: [-1, 1] to [0, 255],
    RGB to BGR, ImageNet channel means subtracted), cast to float32:

    - `distance="mse"`: `mean((rescale * (phi(y_true) - phi(y_pred)))**2)`
    - `distance="l1"`: `mean(|rescale * (phi(y_true) - phi(y_pred))|)`

    the mean running over the batch, positions and channels. `y_true` is
    the target: no gradient flows into it.

    It is a plain Python object, not a Keras layer or loss: a model that
    holds it as an attribute does not track the VGG's variables, so they
    are neither trained, nor saved in the model's `.keras` file, nor part
    of JAX's training state (under `jax.jit` they are constants of the
    compiled step). The VGG is built and its weights loaded at
    construction, so that a missing download or file fails before
    training starts and no variable is created inside a traced step. It
    runs with `training=False` under the dtype policy active at
    construction; the distance is computed in float32.

    Args:
        layer: name of the `keras.applications.VGG19` layer whose output
            gives the features (`"block5_conv4"`: SRGAN's VGG54;
            `"block2_conv2"`: VGG22); one of `PerceptualLoss.LAYERS`.
        before_activation: use the chosen conv layer's output before its
            ReLU (ESRGAN). Keras fuses the ReLU into `Conv2D`, so the
            pre-activation is that conv's kernel and bias applied to its
            input. Conv layers only.
        weights: `"imagenet"` (Keras downloads the ImageNet weights on
            first use and caches them in `~/.keras/models/`), the path of
            a weights file of `keras.applications.VGG19(include_top=False)`
            (`.weights.h5`, or the legacy `.h5` Keras downloads:
            `vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`), or `None`
            for random weights: for tests only, the loss then measures
            nothing perceptual.
        feature_network: instead of the VGG19, a Keras model mapping
            images to features, e.g. a trained discriminator's
            intermediate layer. `layer`, `weights` and
            `before_activation` choose the VGG19 and must stay at their
            defaults with it. Such a loss cannot be serialized with
            `get_config` (a config does not hold the network's weights).
        rescale: factor applied to the features before the distance
            (SRGAN: 1/12.75, so the VGG54 loss is on the scale of a pixel
            MSE); a positive number.
        distance: `"mse"` (SRGAN) or `"l1"` (ESRGAN).
        preprocess: apply the caffe preprocessing above. `False` (with a
            `feature_network` only) passes the [-1, 1] images unchanged,
            e.g. to a discriminator trained on them.

    Raises:
        ValueError: for an invalid argument or combination, or a weights
            file that does not hold `VGG19(include_top=False)` weights.
        FileNotFoundError: if `weights` is a path to no file.
        RuntimeError: if `weights="imagenet"` and the weights can neither
            be downloaded nor found in Keras' cache; the message says how
            to pass a local file, or to use a pixel content loss instead.

    Example:

    ```python
    content = keras_gans.losses.PerceptualLoss()        # SRGAN VGG54
    esrgan = keras_gans.losses.PerceptualLoss(
        before_activation=True, distance="l1"
    )
    offline = keras_gans.losses.PerceptualLoss(
        weights="/data/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
    )
    loss = content(high_resolution, generator(low_resolution))
    ```
    """

    # The names `layer` takes, in network order.
    LAYERS = VGG19_LAYERS

    def __init__(
        self,
        layer=DEFAULT_LAYER,
        before_activation=False,
        weights=DEFAULT_WEIGHTS,
        feature_network=None,
        rescale=1.0 / 12.75,
        distance="mse",
        preprocess=True,
    ):
        self.distance = check_choice("distance", distance, DISTANCES)
        self.rescale = _check_rescale(rescale)
        self.preprocess = _check_bool("preprocess", preprocess)
        self.before_activation = _check_bool(
            "before_activation", before_activation
        )
        if feature_network is not None:
            _check_feature_network(
                feature_network, layer, weights, before_activation
            )
            self.layer = None
            self.weights = None
            self.feature_network = feature_network
            self.min_size = 1
            self._features = feature_network
            self._conv = None
            return
        self.layer = _check_layer(layer, before_activation)
        if not self.preprocess:
            raise ValueError(
                "The VGG19 weights expect the caffe preprocessing: "
                "`preprocess=False` is for a `feature_network`. "
                + format_received(preprocess=preprocess)
            )
        self.weights = _resolve_weights(weights)
        self.feature_network = None
        # Each earlier 2x2 max pooling halves the image (rounding down).
        pools = VGG19_LAYERS[: VGG19_LAYERS.index(self.layer) + 1]
        self.min_size = 2 ** sum(name.endswith("_pool") for name in pools)
        self._features, self._conv = _build_vgg(
            self.layer, self.before_activation, self.weights
        )

    def __call__(self, y_true, y_pred):
        """The loss of `y_pred` against the target `y_true`.

        Args:
            y_true: target images, `(N, H, W, 3)` in [-1, 1], RGB.
            y_pred: generated images of the same shape.

        Returns:
            A float32 scalar tensor.

        Raises:
            ValueError: if the shapes differ, are not RGB images, or are
                smaller than the chosen layer needs (`min_size` pixels).
        """
        y_true = ops.cast(ops.convert_to_tensor(y_true), "float32")
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), "float32")
        self._check_images(y_true, y_pred)
        # Two passes rather than one on the concatenated batch: the
        # target's pass then stays off the backward pass.
        target = ops.stop_gradient(self.features(y_true))
        difference = ops.multiply(
            ops.subtract(target, self.features(y_pred)), self.rescale
        )
        if self.distance == "mse":
            return ops.mean(ops.square(difference))
        return ops.mean(ops.abs(difference))

    def features(self, images):
        """The unscaled float32 features `phi(images)` the loss compares."""
        x = self._preprocess(images) if self.preprocess else images
        x = self._features(x, training=False)
        if self._conv is not None:
            # The chosen conv without its fused ReLU (`before_activation`).
            kernel = ops.cast(self._conv.kernel, x.dtype)
            bias = ops.cast(self._conv.bias, x.dtype)
            x = ops.add(ops.conv(x, kernel, padding="same"), bias)
        return ops.cast(x, "float32")

    @staticmethod
    def _preprocess(images):
        # [-1, 1] -> [0, 255], RGB -> BGR, minus the BGR ImageNet means.
        pixels = ops.multiply(ops.add(images, 1.0), 127.5)
        mean = ops.convert_to_tensor(_BGR_MEAN, dtype=pixels.dtype)
        return ops.subtract(ops.flip(pixels, axis=-1), mean)

    def _check_images(self, y_true, y_pred):
        true_shape = tuple(y_true.shape)
        pred_shape = tuple(y_pred.shape)
        if len(true_shape) != 4 or len(pred_shape) != 4:
            raise ValueError(
                "`y_true` and `y_pred` must be image batches (N, H, W, C). "
                + format_received(y_true=true_shape, y_pred=pred_shape)
            )
        if any(
            a is not None and b is not None and a != b
            for a, b in zip(true_shape, pred_shape)
        ):
            raise ValueError(
                "`y_true` and `y_pred` must have the same shape. "
                + format_received(y_true=true_shape, y_pred=pred_shape)
            )
        if self.feature_network is not None:
            return
        if pred_shape[-1] != 3:
            raise ValueError(
                "VGG19 takes RGB images (3 channels); repeat grayscale "
                "images with `keras.ops.repeat(images, 3, axis=-1)`. "
                + format_received(y_pred=pred_shape)
            )
        if any(d is not None and d < self.min_size for d in pred_shape[1:3]):
            raise ValueError(
                f"Images must be at least {self.min_size}x{self.min_size} "
                f"pixels for `layer={self.layer!r}` (each earlier pooling "
                "halves them). " + format_received(y_pred=pred_shape)
            )

    def get_config(self):
        if self.feature_network is not None:
            raise NotImplementedError(
                "A PerceptualLoss with a `feature_network` has no config: "
                "a config would not hold the network's weights. Build the "
                "loss again with the network after loading."
            )
        return {
            "layer": self.layer,
            "before_activation": self.before_activation,
            "weights": self.weights,
            "rescale": self.rescale,
            "distance": self.distance,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        if self.feature_network is not None:
            return (
                f"PerceptualLoss(feature_network={self.feature_network.name!r}"
                f", rescale={self.rescale!r}, distance={self.distance!r}, "
                f"preprocess={self.preprocess!r})"
            )
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"PerceptualLoss({args})"


def _check_bool(name, value):
    if not isinstance(value, bool):
        raise ValueError(
            f"`{name}` must be True or False. "
            + format_received(**{name: value})
        )
    return value


def _check_rescale(rescale):
    if (
        isinstance(rescale, bool)
        or not isinstance(rescale, numbers.Real)
        or not 0.0 < float(rescale) < float("inf")
    ):
        raise ValueError(
            "`rescale` must be a positive number (SRGAN: 1/12.75). "
            + format_received(rescale=rescale)
        )
    return float(rescale)


def _check_layer(layer, before_activation):
    if layer not in VGG19_LAYERS:
        raise ValueError(
            "`layer` must be a VGG19 layer name, one of "
            f"{list(VGG19_LAYERS)}. "
            + format_received(layer=layer)
        )
    if before_activation and "_conv" not in layer:
        raise ValueError(
            "`before_activation=True` takes a conv layer (a pooling layer "
            "has no activation). "
            + format_received(layer=layer, before_activation=before_activation)
        )
    return layer


def _check_feature_network(network, layer, weights, before_activation):
    if not isinstance(network, keras.layers.Layer):
        raise ValueError(
            "`feature_network` must be a Keras model mapping images to "
            "features. " + format_received(feature_network=network)
        )
    if (
        not isinstance(layer, str)
        or layer != DEFAULT_LAYER
        or not isinstance(weights, str)
        or weights != DEFAULT_WEIGHTS
        or before_activation
    ):
        raise ValueError(
            "`layer`, `weights` and `before_activation` choose the VGG19 "
            "and do not apply to a `feature_network`: leave them at their "
            "defaults. "
            + format_received(
                layer=layer,
                weights=weights,
                before_activation=before_activation,
            )
        )


def _resolve_weights(weights):
    """`"imagenet"`, `None` or the checked path as a `str`."""
    if weights is None or (isinstance(weights, str) and weights == "imagenet"):
        return weights
    if not isinstance(weights, (str, os.PathLike)):
        raise ValueError(
            '`weights` must be "imagenet", a path to a VGG19 weights file '
            "or None (random weights, for tests). "
            + format_received(weights=weights)
        )
    path = os.fspath(weights)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            "No VGG19 weights file at this path. "
            + format_received(weights=path)
        )
    return path


def _imagenet_file():
    """The path of Keras' ImageNet VGG19 notop file, downloaded if needed.

    Raises:
        RuntimeError: if it can neither be downloaded nor found cached.
    """
    try:
        return keras.utils.get_file(
            NOTOP_FILE,
            NOTOP_URL,
            cache_subdir="models",
            file_hash=_NOTOP_MD5,
        )
    except Exception as error:  # noqa: BLE001 (get_file raises bare Exception)
        # The download's traceback says nothing the message does not.
        raise RuntimeError(
            "The ImageNet VGG19 weights could not be downloaded "
            f"({type(error).__name__}: {error}). Download {NOTOP_URL} on a "
            "machine with network access, then either pass the file: "
            "`PerceptualLoss(weights=\"/path/"
            f'{NOTOP_FILE}")`, or put it where Keras caches it: '
            "~/.keras/models/ ($KERAS_HOME/models/ when KERAS_HOME is set). "
            "Without VGG19 weights, use a pixel content loss "
            '(`content_loss="mse"` or `"l1"`) instead, or features of a '
            "network you have (`PerceptualLoss(feature_network=...)`). "
            + format_received(weights="imagenet")
        ) from None


def _build_vgg(layer, before_activation, weights):
    """The frozen VGG19 up to `layer` and, for `before_activation`, the
    conv whose pre-activation ends the features (else `None`)."""
    path = _imagenet_file() if weights == "imagenet" else weights
    vgg = keras.applications.VGG19(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    if path is not None:
        try:
            # A mismatch raises after per-layer warnings; the error says it.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                vgg.load_weights(path)
        except Exception as error:  # noqa: BLE001 (mismatch or corruption)
            raise ValueError(
                "`weights` must hold the weights of "
                "`keras.applications.VGG19(include_top=False)` (`.weights.h5`"
                f" or `.h5`); loading failed: {type(error).__name__}: {error}. "
                + format_received(weights=path)
            ) from error
    vgg.trainable = False
    chosen = vgg.get_layer(layer)
    conv = chosen if before_activation else None
    output = chosen.input if before_activation else chosen.output
    # Only the layers up to `layer` stay referenced; the rest are freed.
    features = keras.Model(vgg.input, output, name=f"vgg19_{layer}")
    features.trainable = False
    return features, conv
