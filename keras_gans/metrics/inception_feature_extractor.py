"""`InceptionFeatureExtractor`: InceptionV3 pool features with your weights."""

import hashlib
import os
import warnings

from keras_gans.metrics.feature_extractor import FeatureExtractor
from keras_gans.metrics.feature_extractor import file_sha256
from keras_gans.utils.validation import format_received

INPUT_SIZE = 299
POOL_LAYER = "avg_pool"
# MD5s of the keras.applications ImageNet files (as in keras' own
# `file_hash` checks): recognized so results can warn that they are not
# the reference FID weights.
_KERAS_IMAGENET_MD5 = {
    "9a0d58056eeedaa3f26cb7ebd46da564": "keras-imagenet",
    "bcbd6486424b2319ff4ef7d526e38f63": "keras-imagenet-notop",
}
_NOT_REFERENCE = (
    "Keras' ImageNet InceptionV3 weights are not the reference FID weights "
    "(TF-slim 2015 graph, 1008 classes): FIDs with them are not comparable "
    "with published numbers."
)


class InceptionFeatureExtractor(FeatureExtractor):
    """InceptionV3 2048-d pool features at 299x299, for FID, KID and IS.

    The network is the `keras.applications.InceptionV3` architecture with
    the weights you supply. Images in [-1, 1] (Inception's own input
    range) of any size are resized to 299x299 with antialiased bilinear
    interpolation, and grayscale images are repeated to RGB. The features
    are the 2048 global-average-pool activations; when the weights include
    the classifier, its softmax gives the Inception Score.

    The reference FID weights (the TF-slim 2015 graph of Heusel et al.,
    1008 classes) differ from the ImageNet weights of keras.applications,
    so the file's SHA-256 goes into `metadata` and every result: a number
    is only comparable with numbers computed with the same weights. Pass
    `classes=1008` for a conversion of the reference weights.

    Args:
        weights: path of a weights file for this architecture
            (`.weights.h5`, or a legacy `.h5` as keras.applications
            downloads), or `"imagenet"` to let Keras download its ImageNet
            weights (needs network access).
        include_top: whether the file has the classifier; `None` detects
            it by trying both.
        classes: size of the classifier (1000 for ImageNet, 1008 for the
            reference FID graph).
        max_batch_size: images per forward pass (memory bound at 299x299).

    Raises:
        FileNotFoundError: if the weights file does not exist.
        ValueError: if the file does not hold InceptionV3 weights of this
            shape.

    Example:

    ```python
    extractor = InceptionFeatureExtractor("inception_v3.weights.h5")
    extractor.describe()["sha256"]   # which weights measured the result
    fid = keras_gans.metrics.fid_from_images(real, fake, extractor)
    ```
    """

    def __init__(
        self, weights, include_top=None, classes=1000, max_batch_size=50
    ):
        if include_top not in (None, True, False):
            raise ValueError(
                "`include_top` must be None (detect), True or False. "
                + format_received(include_top=include_top)
            )
        model, metadata = _build(weights, include_top, classes)
        has_top = metadata["include_top"]
        super().__init__(
            model,
            feature_layer=POOL_LAYER if has_top else None,
            class_output="probabilities" if has_top else None,
            resize=True,
            name=f"inception_v3-{metadata['weights_id']}",
            metadata=metadata,
            path=None if weights == "imagenet" else weights,
            max_batch_size=max_batch_size,
        )


def _build(weights, include_top, classes):
    """The loaded InceptionV3 model and the metadata naming its weights."""
    if weights == "imagenet":
        warnings.warn(_NOT_REFERENCE, UserWarning, stacklevel=3)
        top = True if include_top is None else include_top
        model = _inception(top, 1000, "imagenet")
        return model, _metadata("imagenet", top, 1000, "keras-imagenet", None)
    path = os.fspath(weights)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            "No InceptionV3 weights file at this path. "
            + format_received(weights=path)
        )
    errors = []
    for top in (True, False) if include_top is None else (include_top,):
        model = _inception(top, classes, None)
        try:
            # A mismatch raises after per-layer warnings; the error says it.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.load_weights(path)
        except Exception as error:  # noqa: BLE001 (any mismatch or corruption)
            errors.append(f"include_top={top}: {type(error).__name__}: {error}")
            continue
        sha256 = file_sha256(path)
        known = _KERAS_IMAGENET_MD5.get(_md5(path))
        if known:
            warnings.warn(_NOT_REFERENCE, UserWarning, stacklevel=3)
        weights_id = known or sha256[:12]
        return model, _metadata(path, top, classes, weights_id, sha256)
    raise ValueError(
        f"`weights` must be InceptionV3 weights ({classes} classes when "
        "they include the classifier) saved by keras (`.weights.h5` or "
        f"`.h5`); loading failed: {' | '.join(errors)}. "
        + format_received(weights=path)
    )


def _inception(include_top, classes, weights):
    import keras

    return keras.applications.InceptionV3(
        include_top=include_top,
        weights=weights,
        input_shape=(INPUT_SIZE, INPUT_SIZE, 3),
        pooling=None if include_top else "avg",
        classes=classes,
    )


def _metadata(weights, include_top, classes, weights_id, sha256):
    return {
        "architecture": "keras.applications.InceptionV3",
        "weights": weights,
        "weights_id": weights_id,
        "sha256": sha256,
        "include_top": bool(include_top),
        "classes": int(classes) if include_top else None,
        "resizing": f"antialiased bilinear to {INPUT_SIZE}x{INPUT_SIZE}",
    }


def _md5(path):
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
