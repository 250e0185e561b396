"""`ArtifactSpec`: an export's signature as data (backend-neutral)."""

import pytest

from keras_gans.export.artifact_spec import ArtifactSpec

pytestmark = pytest.mark.once


def translator_spec():
    return ArtifactSpec(
        "translator",
        [("image", "float32", (None, None, 3))],
        output_shape=(None, None, 1),
        size_multiple=64,
    )


def conditional_spec():
    return ArtifactSpec(
        "generator",
        [("latent", "float32", (8,)), ("label", "int32", ())],
        output_shape=(16, 16, 1),
        constants={"keras_gans_num_classes": 10},
    )


def test_free_dims_and_card_fields():
    spec = translator_spec()
    assert spec.free_dims == {"image": ["height", "width"]}
    assert spec.card_fields() == {
        "signature": {
            "name": "serving_default",
            "inputs": {"image": [None, None, None, 3]},
            "outputs": {"images": [None, None, None, 1]},
        },
        "free_dims": {"image": ["height", "width"]},
        "size_multiple": 64,
    }
    fixed = conditional_spec()
    assert fixed.free_dims == {}
    assert fixed.card_fields() == {
        "signature": {
            "name": "serving_default",
            "inputs": {"latent": [None, 8], "label": [None]},
            "outputs": {"images": [None, 16, 16, 1]},
        }
    }
    assert fixed.input_names == ("latent", "label")


def test_config_and_json_round_trip():
    for spec in (translator_spec(), conditional_spec()):
        assert ArtifactSpec.from_config(spec.get_config()) == spec
        assert ArtifactSpec.from_json(spec.to_json()) == spec
    assert translator_spec() != conditional_spec()


def test_network_inputs_one_tensor_or_a_list():
    assert translator_spec().network_inputs(["x"]) == "x"
    assert conditional_spec().network_inputs(("z", "y")) == ["z", "y"]


@pytest.mark.parametrize("shape", [(0, 4, 3), (-1, 4, 3), (True, 4, 3)])
def test_bad_shapes_raise(shape):
    with pytest.raises(ValueError, match="positive sizes or None"):
        ArtifactSpec("translator", [("image", "float32", shape)], (4, 4, 1))
