"""Free-size export: a Pix2Pix U-Net built at 64x64 runs at 128x192.

The U-Net (depth 6) is exported with free height and width on this
backend's export path (on JAX and torch through the TensorFlow child
process); its SavedModel and `.tflite` file, loaded back, translate
128x192 images like the Keras model does at that size (`translate()` runs
them through the network rebuilt at free size with the trained weights).
Sizes that are not multiples of 64 are refused with an error naming it;
nothing is padded. On JAX and torch this is the translator kind's
representative export (tests/export/test_translator_export.py exports the
variants on TensorFlow only).
"""

import os

import numpy as np
import pytest

import keras_gans
from keras_gans.export import export_translator
from keras_gans.export import load_translator_artifact
from tests import helpers

TRAINED = (64, 64, 1)
OTHER = (128, 192, 1)
TOLERANCE = 1e-4
ARTIFACTS = ("generator.tflite", "saved_model")


@pytest.fixture(scope="module")
def trained():
    # Built, not fitted: the export and `translate()` see the same network
    # either way, and a fit would add a 64x64 Pix2Pix step's compilation
    # (JAX) to every session. Fitted translators export in the recipe
    # tests.
    return helpers.tiny_translator(
        keras_gans.Pix2Pix, image_shape=TRAINED, target_channels=3
    )


@pytest.fixture(scope="module")
def exported(trained, tmp_path_factory):
    directory = str(tmp_path_factory.mktemp("pix2pix_free_size"))
    return directory, export_translator(trained.generator, directory)


def test_card_records_free_height_and_width(exported):
    _, card = exported
    assert card["input_shape"] == [None, None, 1]
    assert card["output_shape"] == [None, None, 3]
    assert card["free_dims"] == {"image": ["height", "width"]}
    assert card["size_multiple"] == 64  # six stride-2 encoder blocks
    # Verified at the trained size and at a second, non-square one.
    cases = card["export_errors"]["cases"]
    assert [case["input_shapes"]["image"] for case in cases] == [
        [4, *TRAINED], [2, *OTHER],
    ]  # fmt: skip
    for case in cases:
        assert case["tflite_max_abs_error"] <= TOLERANCE


@pytest.mark.parametrize("artifact", ARTIFACTS)
def test_runs_at_128x192_like_the_keras_model(trained, exported, artifact):
    directory, _ = exported
    images = helpers.random_images(3, OTHER, seed=7)
    expected = trained.translate(images)
    assert expected.shape == (3, 128, 192, 3)
    assert np.std(expected) > 0.01  # not a vacuous comparison
    loaded = load_translator_artifact(os.path.join(directory, artifact))
    assert loaded.input_shape == (None, None, 1)
    outputs = loaded(images)
    assert outputs.shape == expected.shape
    assert np.max(np.abs(outputs - expected)) <= TOLERANCE


def test_translate_at_the_trained_size_is_the_network_itself(trained):
    images = helpers.random_images(2, TRAINED, seed=3)
    direct = helpers.to_numpy(trained.generator(images, training=False))
    np.testing.assert_array_equal(trained.translate(images), direct)


@pytest.mark.parametrize("artifact", ARTIFACTS)
def test_sizes_off_the_multiple_are_refused(trained, exported, artifact):
    directory, _ = exported
    loaded = load_translator_artifact(os.path.join(directory, artifact))
    bad = np.zeros((1, 96, 64, 1), "float32")
    with pytest.raises(ValueError, match=r"multiples of 64.*\(1, 96, 64, 1\)"):
        loaded(bad)
    with pytest.raises(ValueError, match=r"multiples of 64.*\(1, 96, 64, 1\)"):
        trained.translate(bad)
