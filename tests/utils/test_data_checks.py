"""What `fit()` refuses to train on: one test per kind of bad input.

Array inputs are checked before training; a `tf.data.Dataset` has its
dtype and shape checked from its spec and every batch's values checked in
the pipeline (the first bad batch stops `fit()`).
"""

import numpy as np
import pytest
import tensorflow as tf

from tests import helpers


def _model():
    # A fresh model per case: Keras' JAX trainer leaves a model whose first
    # step failed without variable values.
    model = helpers.tiny_dcgan()
    model.compile()
    return model


def _dataset(images):
    return tf.data.Dataset.from_tensor_slices(images).batch(8)


def _images():
    return helpers.random_images(16, helpers.TINY_DCGAN["image_shape"])


def test_uint8_dataset_is_refused_by_dtype():
    pixels = np.random.default_rng(0).integers(0, 256, (16, 16, 16, 1))
    with pytest.raises(
        ValueError, match=r"x / 127.5 - 1.*element_dtype='uint8'"
    ):
        _model().fit(_dataset(pixels.astype("uint8")), verbose=0)


def test_float_dataset_in_0_255_is_detected():
    pixels = (_images() + 1.0) * 127.5
    with pytest.raises(Exception, match=r"look like \[0, 255\] pixels") as info:
        _model().fit(_dataset(pixels), verbose=0)
    assert "Received: images with min" in str(info.value)


def test_standardised_dataset_outside_minus_one_one_is_refused():
    standardised = _images() * 2.5
    with pytest.raises(Exception, match=r"must lie in \[-1, 1\]"):
        _model().fit(_dataset(standardised), verbose=0)


def test_dataset_with_nan_is_refused():
    images = _images()
    images[9, 3, 3, 0] = np.nan  # second batch: caught when it arrives
    with pytest.raises(Exception, match="NaN or infinite image values"):
        _model().fit(_dataset(images), verbose=0)


def test_valid_dataset_trains_through_the_checks():
    model = _model()
    labelled = tf.data.Dataset.from_tensor_slices(
        (_images(), np.zeros(16, "int32"))
    ).batch(8)
    model.fit(labelled, epochs=2, verbose=0)
    assert helpers.iterations(model.g_optimizer) == 4


def test_array_with_nan_is_refused():
    images = _images()
    images[0, 0, 0, 0] = np.inf
    with pytest.raises(
        ValueError, match=r"NaN or infinite.*x non-finite count=1"
    ):
        _model().fit(images, batch_size=8, verbose=0)


def test_array_channel_count_mismatch_is_explained():
    rgb = np.repeat(_images(), 3, axis=-1)
    match = (
        r"3 channel\(s\) but the model was built for 1: build it with "
        r"image_shape=\(16, 16, 3\)"
    )
    with pytest.raises(ValueError, match=match):
        _model().fit(rgb, batch_size=8, verbose=0)


def test_dataset_channel_count_mismatch_is_explained():
    rgb = np.repeat(_images(), 3, axis=-1)
    with pytest.raises(ValueError, match=r"3 channel\(s\).*element_shape"):
        _model().fit(_dataset(rgb), verbose=0)
