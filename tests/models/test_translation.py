"""Pix2Pix, CycleGAN and DiscoGAN: losses by hand, training, resuming."""

import keras
import numpy as np
import pytest

import keras_gans
from tests.helpers import TINY_TRANSLATOR
from tests.helpers import iterations
from tests.helpers import random_images
from tests.helpers import to_numpy
from tests.helpers import tiny_translator as tiny
from tests.helpers import translation_pairs as pairs

SHAPE = TINY_TRANSLATOR["image_shape"]


def conv_net(shape, out_channels, name, activation="tanh"):
    """A deterministic two-conv network (no dropout, no BatchNorm)."""
    inputs = keras.Input(shape)
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2D(
        out_channels, 3, padding="same", activation=activation
    )(x)
    return keras.Model(inputs, x, name=name)


def plain_pix2pix(**kwargs):
    return keras_gans.Pix2Pix(
        generator=conv_net(SHAPE, 3, "g"),
        discriminator=conv_net(SHAPE[:2] + (4,), 1, "d", activation=None),
        **kwargs,
    )


def plain_two_way(cls, **kwargs):
    return cls(
        generator_ab=conv_net(SHAPE, 1, "g_ab"),
        generator_ba=conv_net(SHAPE, 1, "g_ba"),
        discriminator_a=conv_net(SHAPE, 1, "d_a", activation=None),
        discriminator_b=conv_net(SHAPE, 1, "d_b", activation=None),
        **kwargs,
    )


def run(network, x):
    return to_numpy(network(keras.ops.convert_to_tensor(x), training=True))


def softplus(x):
    return np.logaddexp(0.0, x)


def test_pix2pix_losses_match_hand_computation():
    model = plain_pix2pix(l1_weight=100.0)
    model.compile()
    a, _ = pairs(4)
    b = random_images(4, SHAPE[:2] + (3,), seed=9)
    fakes = run(model.generator, a)
    real = run(model.discriminator, np.concatenate([a, b], -1))
    fake = run(model.discriminator, np.concatenate([a, fakes], -1))

    d_expected = 0.5 * (softplus(-real).mean() + softplus(fake).mean())
    g_expected = softplus(-fake).mean() + 100.0 * np.abs(b - fakes).mean()
    a_t, b_t = keras.ops.convert_to_tensor(a), keras.ops.convert_to_tensor(b)
    np.testing.assert_allclose(
        to_numpy(model.discriminator_loss(a_t, b_t)), d_expected, rtol=1e-5
    )
    np.testing.assert_allclose(
        to_numpy(model.generator_loss(a_t, b_t)), g_expected, rtol=1e-5
    )


def _two_way_expectations(model, a, b, adversarial, d_term, distance):
    fake_b, fake_a = run(model.generator_ab, a), run(model.generator_ba, b)
    g = adversarial(run(model.discriminator_b, fake_b)) + adversarial(
        run(model.discriminator_a, fake_a)
    )
    cycle = distance(run(model.generator_ba, fake_b), a) + distance(
        run(model.generator_ab, fake_a), b
    )
    identity = distance(run(model.generator_ab, b), b) + distance(
        run(model.generator_ba, a), a
    )
    g = g + model.cycle_weight * (cycle + model.identity_weight * identity)
    d = d_term(
        run(model.discriminator_b, b), run(model.discriminator_b, fake_b)
    ) + d_term(run(model.discriminator_a, a), run(model.discriminator_a, fake_a))
    return g, d


def _least_squares_d(real, fake):
    return 0.5 * (np.mean((real - 1) ** 2) + np.mean(fake**2))


def _bce_d(real, fake):
    return softplus(-real).mean() + softplus(fake).mean()


@pytest.mark.parametrize(
    "cls, adversarial, d_term, distance",
    [
        (
            keras_gans.CycleGAN,
            lambda s: 0.5 * np.mean((s - 1) ** 2),
            _least_squares_d,
            lambda x, y: np.abs(x - y).mean(),
        ),
        (
            keras_gans.DiscoGAN,
            lambda s: softplus(-s).mean(),
            _bce_d,
            lambda x, y: np.square(x - y).mean(),
        ),
    ],
    ids=["cyclegan", "discogan"],
)
def test_two_way_losses_match_hand_computation(
    cls, adversarial, d_term, distance
):
    # pool_size=0: the discriminators see the latest fakes, computable here.
    model = plain_two_way(cls, pool_size=0, identity_weight=0.5)
    model.compile()
    a, b = pairs(4)
    g_expected, d_expected = _two_way_expectations(
        model, a, b, adversarial, d_term, distance
    )
    a_t, b_t = keras.ops.convert_to_tensor(a), keras.ops.convert_to_tensor(b)
    np.testing.assert_allclose(
        to_numpy(model.generator_loss(a_t, b_t)), g_expected, rtol=1e-5
    )
    np.testing.assert_allclose(
        to_numpy(model.discriminator_loss(a_t, b_t)), d_expected, rtol=1e-5
    )


def test_paper_defaults():
    cyclegan = tiny(keras_gans.CycleGAN, pool_size=50)
    assert (cyclegan.cycle_weight, cyclegan.identity_weight) == (10.0, 0.5)
    assert cyclegan.pool_a.pool_size == cyclegan.pool_b.pool_size == 50
    assert cyclegan.reconstruction == "l1"
    assert cyclegan.gan_loss.name == "least_squares"
    pix2pix = tiny(keras_gans.Pix2Pix)
    assert pix2pix.l1_weight == 100.0
    assert pix2pix.gan_loss.name == "non_saturating"
    assert isinstance(pix2pix.generator, keras_gans.UNet)
    assert isinstance(pix2pix.discriminator, keras_gans.PatchGAN)
    assert pix2pix.discriminator.input_shape[-1] == 2  # (a, b) pairs
    discogan = tiny(keras_gans.DiscoGAN)
    assert (discogan.reconstruction, discogan.pool_size) == ("mse", 0)
    assert discogan.identity_weight == 0.0
    assert discogan.gan_loss.name == "non_saturating"


def test_image_pool_feeds_the_discriminator():
    model = tiny(keras_gans.CycleGAN, pool_size=4)
    model.compile()
    a, b = pairs(8)
    model.fit(a, b, batch_size=2, epochs=1, shuffle=False, verbose=0)
    assert int(to_numpy(model.pool_a.count)) == 4
    assert np.abs(to_numpy(model.pool_a.images)).max() > 0


def test_cyclegan_linear_decay_schedule():
    model = tiny(keras_gans.CycleGAN)
    optimizers = model.default_optimizers(total_steps=4, learning_rate=1e-3)
    model.compile(
        d_optimizer=optimizers["discriminator"],
        g_optimizer=optimizers["generator"],
    )
    a, b = pairs(8)
    model.fit(a, b, batch_size=2, epochs=1, shuffle=False, verbose=0)
    # Held for 2 steps, then decayed to 0 at step 4.
    assert float(to_numpy(model.g_optimizer.learning_rate)) == 0.0


def test_translate_directions_and_shapes():
    model = plain_two_way(keras_gans.CycleGAN, pool_size=0)
    a, _ = pairs(3)
    assert model.directions == ("a_to_b", "b_to_a")
    assert model.translate(a, "b_to_a", batch_size=2).shape == (3,) + SHAPE
    with pytest.raises(ValueError, match="direction"):
        model.translate(a, "sideways")
    with pytest.raises(ValueError, match="images"):
        model.translate(a[..., :0], "a_to_b")
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        model.translate(a * 255.0)


def test_two_channel_domains_need_identity_off():
    with pytest.raises(ValueError, match="identity_weight"):
        tiny(keras_gans.CycleGAN, b_channels=3)
    model = tiny(keras_gans.CycleGAN, b_channels=3, identity_weight=0.0)
    assert model.b_shape == SHAPE[:2] + (3,)


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: keras_gans.Pix2Pix(), "image_shape"),
        (lambda: keras_gans.CycleGAN(), "image_shape"),
        (
            lambda: keras_gans.Pix2Pix(
                generator=conv_net(SHAPE, 1, "g"),
                discriminator=conv_net(SHAPE, 1, "d", activation=None),
            ),
            "concatenated",
        ),
        (
            lambda: keras_gans.Pix2Pix(image_shape=SHAPE, l1_weight=-1),
            "l1_weight",
        ),
        (
            lambda: keras_gans.CycleGAN(
                image_shape=SHAPE, reconstruction="l3"
            ),
            "reconstruction",
        ),
        (
            lambda: keras_gans.CycleGAN(
                generator_ab=conv_net(SHAPE, 1, "g_ab"),
                generator_ba=conv_net(SHAPE[:2] + (3,), 1, "g_ba"),
                discriminator_a=conv_net(SHAPE, 1, "d_a"),
                discriminator_b=conv_net(SHAPE, 1, "d_b"),
            ),
            "generator_ba input",
        ),
        (
            lambda: keras_gans.Pix2Pix(generator="unet", image_shape=SHAPE),
            "keras.Model",
        ),
    ],
    ids=["p2p-shape", "cyc-shape", "pair", "weight", "recon", "chain", "net"],
)
def test_construction_errors(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_fit_rejects_unusable_data():
    model = plain_pix2pix()
    model.compile()
    a, _ = pairs(4)
    b = random_images(4, SHAPE[:2] + (3,), seed=9)
    with pytest.raises(ValueError, match="y=None"):
        model.fit(a, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="`y`"):
        model.fit(a, b[..., :1], epochs=1, verbose=0)
    with pytest.raises(ValueError, match="as many images"):
        model.fit(a, b[:2], epochs=1, verbose=0)
    with pytest.raises(ValueError, match="0, 255"):
        model.fit((a + 1) * 127.5, b, epochs=1, verbose=0)
    with pytest.raises(RuntimeError, match="compile"):
        plain_pix2pix().fit(a, b, epochs=1, verbose=0)


def test_fit_on_a_paired_dataset():
    import tensorflow as tf

    model = plain_pix2pix()
    model.compile()
    a, _ = pairs(8)
    b = random_images(8, SHAPE[:2] + (3,), seed=9)
    dataset = tf.data.Dataset.from_tensor_slices((a, b)).batch(4)
    model.fit(dataset, epochs=1, verbose=0)
    assert iterations(model.g_optimizer) == 2
    wrong = tf.data.Dataset.from_tensor_slices((a, a)).batch(4)
    with pytest.raises(ValueError, match="b images"):
        model.fit(wrong, epochs=1, verbose=0)
    single = tf.data.Dataset.from_tensor_slices(a).batch(4)
    with pytest.raises(ValueError, match=r"\(a, b\)"):
        model.fit(single, epochs=1, verbose=0)
