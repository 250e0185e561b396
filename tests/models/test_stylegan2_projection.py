"""StyleGAN2 projection (GAN inversion): `StyleGAN2.project`.

One projection of an image the tiny generator drew itself, shared by the
tests (on JAX and TensorFlow most of its cost is building the model and
compiling the step once): it must lower its loss and find a `w` that
draws the image again (PSNR >= 25 dB; measured 42-50 dB on the three
backends). Offline (no VGG19 weights) the distance is the pixel +
discriminator-feature one.
"""

import keras
import numpy as np
import pytest

from keras_gans.models.stylegan2 import projector
from tests import helpers

SHAPE = helpers.TINY_STYLEGAN2["image_shape"]
W_DIM = helpers.TINY_STYLEGAN2["w_dim"]
LATENT_DIM = helpers.TINY_STYLEGAN2["latent_dim"]
STEPS = 80
# The target: the image of this seed's latent at truncation 0.5 (its `w`
# halfway to the average `w`, where projection starts).
TARGET_SEED = 1
TRUNCATION = 0.5


def psnr(a, b):
    """PSNR (dB) of [-1, 1] images (peak-to-peak 2)."""
    return 10.0 * np.log10(4.0 / np.mean(np.square(a - b)))


@pytest.fixture(scope="module")
def projection():
    keras.utils.set_random_seed(1234)
    # The suite's tiny StyleGAN2 (8x8 gray, w of 8), without the EMA copy.
    gan = helpers.tiny_stylegan2(ema=None)
    # A freshly built model tracks w_avg = 0; training would have moved it
    # to the mean w (truncation pulls the target towards it).
    mapping = gan.generator.mapping
    z = np.random.default_rng(0).standard_normal((512, LATENT_DIM))
    z = z.astype("float32")
    w_avg = keras.ops.mean(mapping(z, training=False)[:, 0], axis=0)
    mapping.w_avg.assign(w_avg)
    ws_true = gan.ws_from_latents(
        gan.latents_for(1, seed=TARGET_SEED), truncation=TRUNCATION
    )
    target = gan.generate_from_ws(ws_true)[0]
    with pytest.MonkeyPatch.context() as patch:
        # Offline whatever this machine's Keras cache holds.
        patch.setattr(projector, "find_vgg_weights", lambda: None)
        result = gan.project(target, steps=STEPS, w_avg_samples=1000)
    return gan, target, result


def test_projection_lowers_its_loss_and_recovers_the_image(projection):
    gan, target, result = projection
    losses, distances = result["losses"], result["distances"]
    assert len(losses) == len(distances) == STEPS
    assert np.all(np.isfinite(losses))
    # The noise penalty starts high (N(0, 1) maps are autocorrelated by
    # chance) and the distance falls with it.
    assert np.mean(losses[-5:]) < 0.01 * losses[0]
    assert np.mean(distances[-5:]) < 0.05 * distances[0]
    reached = psnr(result["image"], target)
    assert reached >= 25.0
    # Far from where it started: the average w's image.
    w_avg = keras.ops.convert_to_numpy(gan.generator.mapping.w_avg)
    start = gan.generate_from_ws(np.tile(w_avg, (1, gan.num_ws, 1)))[0]
    assert reached >= psnr(start, target) + 10.0


def test_projection_returns_ws_image_noise_and_the_offline_distance(
    projection,
):
    gan, _, result = projection
    assert result["distance"] == "pixel+discriminator"
    ws = result["ws"]
    assert ws.shape == (gan.num_ws, W_DIM) and ws.dtype == np.float32
    # W space: one w for every layer.
    np.testing.assert_array_equal(ws, np.broadcast_to(ws[:1], ws.shape))
    image = result["image"]
    assert image.shape == SHAPE and image.dtype == np.float32
    assert image.min() >= -1.0 and image.max() <= 1.0
    shapes = gan.sampling_generator.synthesis.noise_shapes
    assert [n.shape for n in result["noise"]] == [tuple(s) for s in shapes]
    for maps in result["noise"]:
        # Renormalized after every step.
        assert abs(maps.mean()) < 1e-4 and abs(maps.std() - 1.0) < 1e-3
    # The result draws its image again.
    again = gan.generate_from_ws(ws[None], noise=result["noise"])[0]
    np.testing.assert_allclose(again, image, atol=1e-5)


@pytest.mark.parametrize(
    "arguments, name",
    [
        (dict(image=np.zeros((4, 4, 1), "float32")), "image"),
        (dict(image=np.zeros((2, 8, 8, 1), "float32")), "image"),
        (dict(image=np.zeros((8, 8, 3), "float32")), "image"),
        # uint8 pixels rather than [-1, 1]
        (dict(image=np.full((8, 8, 1), 255, "uint8")), "image"),
        (dict(image=np.full((8, 8, 1), np.nan, "float32")), "image"),
        (dict(image="photo.png"), "image"),
        (dict(steps=0), "steps"),
        (dict(steps=2.5), "steps"),
        (dict(distance="lpips"), "distance"),
        (dict(label=3), "label"),
        (dict(w_plus="yes"), "w_plus"),
        (dict(vgg_layer="conv5"), "vgg_layer"),
    ],
)
def test_bad_arguments_raise_naming_them(projection, arguments, name):
    gan = projection[0]
    arguments = {"image": np.zeros(SHAPE, "float32"), **arguments}
    with pytest.raises(ValueError, match=f"`{name}`"):
        gan.project(**arguments)


def test_missing_vgg_weights_file_is_an_error(projection, tmp_path):
    gan = projection[0]
    for distance in ("vgg", "auto"):
        with pytest.raises(FileNotFoundError):
            gan.project(
                np.zeros(SHAPE, "float32"), steps=1, distance=distance,
                vgg_weights=str(tmp_path / "missing.h5"),
            )
