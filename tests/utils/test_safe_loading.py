"""`.keras` files are loaded with safe_mode and never run stored code."""

import keras
import pytest

from keras_gans.callbacks import TrainingCheckpoint
from keras_gans.export import load_generator_artifact
from keras_gans.utils.safe_loading import load_keras_file
from keras_gans.utils.unsafe_model_file_error import UnsafeModelFileError
from tests import helpers


@pytest.fixture
def lambda_file(tmp_path):
    """A generator-shaped model whose output goes through a Lambda."""
    latents = keras.Input((8,))
    images = keras.layers.Reshape((4, 2, 1))(latents)
    images = keras.layers.Lambda(lambda x: keras.ops.tanh(x), name="squash")(
        images
    )
    path = tmp_path / "lambda_generator.keras"
    keras.Model(latents, images).save(path)
    return path


def test_a_lambda_layer_is_refused_naming_the_file_and_layer(lambda_file):
    match = (
        r"Refusing to load .*lambda_generator.keras.*"
        r"Lambda layer named 'squash'"
    )
    with pytest.raises(UnsafeModelFileError, match=match):
        load_keras_file(lambda_file)


def test_refused_even_when_unsafe_deserialization_is_enabled(lambda_file):
    from keras.src.backend.common import global_state

    previous = global_state.get_global_attribute("safe_mode_saving")
    keras.config.enable_unsafe_deserialization()
    try:
        with pytest.raises(UnsafeModelFileError):
            load_keras_file(lambda_file)
    finally:
        global_state.set_global_attribute("safe_mode_saving", previous)


def test_every_package_loader_refuses_it(lambda_file, tmp_path):
    with pytest.raises(UnsafeModelFileError):
        load_generator_artifact(str(lambda_file))
    with pytest.raises(UnsafeModelFileError):
        from keras_gans.export import export_from_file

        export_from_file(str(lambda_file), str(tmp_path / "export"))
    checkpoints = tmp_path / "checkpoints"
    checkpoints.mkdir()
    (checkpoints / "epoch_0001.keras").write_bytes(lambda_file.read_bytes())
    (checkpoints / "latest.json").write_text(
        '{"epoch": 1, "path": "epoch_0001.keras"}'
    )
    with pytest.raises(UnsafeModelFileError):
        TrainingCheckpoint(checkpoints).restore()


@pytest.mark.parametrize(
    "content", [b"", b"not a zip", b"PK\x03\x04 truncated zip"]
)
def test_a_file_that_is_not_a_keras_zip_is_named(tmp_path, content):
    path = tmp_path / "broken.keras"
    path.write_bytes(content)
    with pytest.raises(
        ValueError, match=r"broken.keras.*not a readable .keras"
    ):
        load_keras_file(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="Received: path="):
        load_keras_file(tmp_path / "missing.keras")


def test_a_gan_round_trips_with_its_compile_state(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()
    helpers.fit_steps(model, 2)
    path = tmp_path / "gan.keras"
    model.save(path)
    loaded = load_keras_file(path, compile=True)
    assert helpers.iterations(loaded.g_optimizer) == 2
