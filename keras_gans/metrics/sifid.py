"""`sifid`: Single Image FID (SinGAN) of generated samples."""

import numpy as np

from keras_gans.metrics import image_checks
from keras_gans.metrics.feature_statistics import FeatureStatistics
from keras_gans.metrics.frechet_distance import frechet_distance
from keras_gans.metrics.patch_swd import image_batch
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def sifid(real_image, fake_images, extractor, batch_size=16):
    """Single Image Frechet Inception Distance (Shaham et al. 2019).

    FID of the internal statistics of one image: each spatial location of
    a feature map is a sample. The feature maps of the real image and of
    one fake image give two Gaussians (mean and covariance over the
    locations), compared by `frechet_distance`; every fake image gets its
    own value, and the score is their mean. Images go in at their own
    size (no resizing, as in the paper's code), so fakes may be larger or
    smaller than the real image.

    The paper uses the InceptionV3 activations before the second
    convolution block: the output of the first max-pooling (64 channels,
    about a quarter of the image's size). Given a `FeatureExtractor` (such
    as `InceptionFeatureExtractor`), its network is cut after its first
    `MaxPooling2D` layer, found by layer type in the network's order, and
    run on images of any size. A Keras model given directly is used as it
    is: it must map `(N, H, W, C)` images to `(N, h, w, c)` feature maps.

    Numbers match published SIFIDs only with the weights of the paper's
    code (the pytorch-fid port of the TF 2015 FID graph); see
    `InceptionFeatureExtractor` for which weights a file holds. The
    covariance of `c` channels needs clearly more than `c` locations:
    with InceptionV3 (64 channels) use images of at least about 50 pixels
    per side.

    Args:
        real_image: the real (training) image `(H, W, C)` (or a batch of
            one), floats in [-1, 1] or uint8 pixels; NumPy or a backend
            tensor.
        fake_images: generated images `(N, H', W', C)` or one `(H', W',
            C)`, the same value range.
        extractor: a `FeatureExtractor` (its model is cut after the first
            max-pooling), or a `keras.Model` that outputs feature maps.
        batch_size: fake images per forward pass.

    Returns:
        A dict `{"sifid": float, "per_image": [float, ...]}`: the mean
        over the fake images and the value of each, all >= 0.

    Raises:
        ValueError: for images of the wrong rank, value range or channels
            (1-channel images are repeated for an RGB network), an
            extractor that is neither kind, has no `MaxPooling2D` layer or
            does not output 4-D feature maps, or feature maps with fewer
            than 2 locations.

    Example:

    ```python
    extractor = InceptionFeatureExtractor("pt_inception.weights.h5")
    sifid(training_image, singan.generate(50, seed=0), extractor)
    # {"sifid": ..., "per_image": [...]}
    ```
    """
    model = feature_map_model(extractor)
    batch_size = check_positive_int("batch_size", batch_size)
    real = image_batch(real_image, "real_image")
    if len(real) != 1:
        raise ValueError(
            "`real_image` must be one image (height, width, channels). "
            + format_received(real_image=image_checks.describe(real))
        )
    real = _adapt(real, model, "real_image")
    fakes = image_batch(fake_images, "fake_images")
    fakes = _adapt(fakes, model, "fake_images")
    (real_stats,) = _location_statistics(model, real, 1, "real_image")
    values = [
        frechet_distance(real_stats, fake_stats)
        for fake_stats in _location_statistics(
            model, fakes, batch_size, "fake_images"
        )
    ]
    return {"sifid": float(np.mean(values)), "per_image": values}


def feature_map_model(extractor):
    """The Keras model giving SIFID's per-location features.

    A `keras.Model` is returned as it is. Of a `FeatureExtractor` (any
    object whose `model` is a Keras functional model), the layers up to
    the first `MaxPooling2D` are taken, with an input of free height and
    width; the layers (and weights) are shared, not copied.

    Raises:
        ValueError: for another kind of object, a network without a
            `MaxPooling2D` layer, or a model that does not output one
            4-D feature map.
    """
    import keras

    if isinstance(extractor, keras.Model):
        model = extractor
    elif isinstance(getattr(extractor, "model", None), keras.Model):
        model = _first_pool_trunk(extractor.model)
    else:
        raise ValueError(
            "`extractor` must be a FeatureExtractor (e.g. "
            "InceptionFeatureExtractor) or a keras.Model that outputs "
            "feature maps. "
            + format_received(extractor=type(extractor).__name__)
        )
    output_shape = getattr(model, "output_shape", None)
    if not isinstance(output_shape, tuple) or len(output_shape) != 4:
        raise ValueError(
            "`extractor` must output one (N, height, width, channels) "
            "feature map per image. "
            + format_received(extractor_output_shape=output_shape)
        )
    return model


def _first_pool_trunk(network):
    import keras

    pools = [
        layer
        for layer in network.layers
        if isinstance(layer, keras.layers.MaxPooling2D)
    ]
    if not pools:
        raise ValueError(
            "`extractor`'s network must have a MaxPooling2D layer (SIFID "
            "uses the features of the first one). "
            + format_received(extractor=network.name)
        )
    trunk = keras.Model(network.input, pools[0].output)
    channels = trunk.input_shape[-1]
    # Re-applying the same layers (identity clone function) to an input of
    # free size: SIFID runs each image at its own size, unlike the
    # extractor, whose input is fixed (299x299 for Inception).
    return keras.models.clone_model(
        trunk,
        input_tensors=keras.Input((None, None, channels)),
        clone_function=lambda layer: layer,
    )


def _adapt(images, model, name):
    """float32 images with the channels and size `model` takes."""
    shape = model.input_shape
    channels = shape[-1]
    if images.shape[-1] == 1 and channels == 3:
        images = np.repeat(images, 3, axis=-1)
    received = format_received(**{name: image_checks.describe(images)})
    if images.shape[-1] != channels:
        raise ValueError(
            f"`{name}` must have {channels} channel(s), as the feature "
            f"network takes (or 1, repeated to RGB). " + received
        )
    size = tuple(shape[1:3])
    if None not in size and images.shape[1:3] != size:
        raise ValueError(
            f"`{name}` must be {size[0]}x{size[1]}, the fixed input size of "
            "the feature model (build it with an input of shape "
            "(None, None, channels) to take any size). " + received
        )
    return images.astype(np.float32)


def _location_statistics(model, images, batch_size, name):
    """One `FeatureStatistics` of the feature map's locations per image."""
    import keras

    statistics = []
    for start in range(0, len(images), batch_size):
        # A direct call on every backend: the image sizes change from call
        # to call, so a compiled predict function would retrace anyway.
        maps = model(images[start : start + batch_size], training=False)
        maps = np.asarray(keras.ops.convert_to_numpy(maps), np.float64)
        height, width, channels = maps.shape[1:]
        if height * width < 2:
            raise ValueError(
                f"`{name}` is too small for the feature network: its "
                f"feature map has {height}x{width} location(s), and a "
                "covariance needs at least 2. "
                + format_received(**{name: image_checks.describe(images)})
            )
        statistics.extend(
            FeatureStatistics.from_features(feature_map.reshape(-1, channels))
            for feature_map in maps
        )
    return statistics
