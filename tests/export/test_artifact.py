"""`Artifact`: binding and checking inputs by the spec, for every kind.

Backend-independent (a NumPy `run` stands in for the loaded network): the
loaders' formats are covered on every backend in the other export tests.
"""

import numpy as np
import pytest

from keras_gans.export import Artifact
from keras_gans.export import ArtifactSpec
from keras_gans.export import model_card

pytestmark = pytest.mark.once


def echo_run(feeds):
    """Stands in for a network: records what it was fed."""
    echo_run.feeds = feeds
    first = next(iter(feeds.values()))
    return np.zeros((len(first), 4, 4, 1), "float32")


def generator(num_classes=None):
    inputs = [("latent", "float32", (8,))]
    constants = {}
    if num_classes:
        inputs.append(("label", "int32", ()))
        constants[model_card.NUM_CLASSES_COLLECTION] = num_classes
    spec = ArtifactSpec("generator", inputs, (4, 4, 1), constants=constants)
    return Artifact(echo_run, spec, "tflite", "g.tflite")


def translator(multiple=4):
    spec = ArtifactSpec(
        "translator",
        [("image", "float32", (None, None, 1))],
        (None, None, 1),
        size_multiple=multiple,
    )
    return Artifact(echo_run, spec, "saved_model", "t", {"direction": "A->B"})


def test_conditional_generator_defaults_to_balanced_labels():
    artifact = generator(num_classes=3)
    assert (artifact.kind, artifact.conditional, artifact.num_classes) == (
        "generator", True, 3,
    )
    artifact.sample(6, seed=0)
    np.testing.assert_array_equal(echo_run.feeds["label"], [0, 0, 1, 1, 2, 2])
    assert echo_run.feeds["label"].dtype == np.int32
    artifact(np.zeros((2, 8)), labels=[2, 1])
    np.testing.assert_array_equal(echo_run.feeds["label"], [2, 1])
    artifact(np.zeros((2, 8)), np.array([1, 1]))  # positionally too
    np.testing.assert_array_equal(echo_run.feeds["label"], [1, 1])
    with pytest.raises(ValueError, match=r"\[0, 3\).*Received: labels=3"):
        artifact(np.zeros((2, 8)), labels=3)


def test_generator_inputs_are_checked():
    artifact = generator()
    np.testing.assert_array_equal(
        artifact.latents_for(2, seed=5),
        np.random.default_rng(5).standard_normal((2, 8)).astype("float32"),
    )
    with pytest.raises(ValueError, match=r"\(N, 8\).*shape \(2, 3\)"):
        artifact(np.zeros((2, 3)))
    for call in (
        lambda: artifact(np.zeros((2, 8)), labels=[0, 1]),
        lambda: artifact(np.zeros((2, 8)), [0, 1]),
    ):
        with pytest.raises(ValueError, match="unconditional.*labels="):
            call()
    with pytest.raises(TypeError, match="missing"):
        artifact()
    with pytest.raises(TypeError, match="unknown argument"):
        artifact(np.zeros((2, 8)), images=np.zeros((2, 8)))


def test_image_inputs_are_checked_against_free_sizes():
    artifact = translator()
    assert artifact.direction == "A->B" and artifact.latent_dim is None
    artifact(images=np.zeros((1, 8, 12, 1)))
    assert echo_run.feeds["image"].shape == (1, 8, 12, 1)
    with pytest.raises(ValueError, match=r"multiples of 4.*\(1, 6, 12, 1\)"):
        artifact(np.zeros((1, 6, 12, 1)))
    with pytest.raises(ValueError, match=r"in \[-1, 1\]"):
        artifact(np.full((1, 8, 8, 1), 2.0))
    with pytest.raises(ValueError, match="needs a latent generator"):
        artifact.sample(2)
    with pytest.raises(TypeError, match="got 1 more"):
        artifact(np.zeros((1, 8, 8, 1)), np.zeros(1))


def test_repr_names_kind_format_and_what_sets_it_apart():
    assert "num_classes=3" in repr(generator(num_classes=3))
    text = repr(translator())
    assert "kind='translator'" in text and "direction='A->B'" in text
