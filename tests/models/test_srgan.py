"""SRGAN: its networks, losses by hand, the two stages and resuming across.

The contract (fit moves every weight of the game, save/reload resumes
exactly) is tests/models/test_contract.py's "SRGAN"; the upscaler export is
tests/export/test_upscaler_export.py.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans.layers import BicubicUpsampling
from tests.helpers import TINY_SRGAN
from tests.helpers import iterations
from tests.helpers import save_and_reload
from tests.helpers import snapshot
from tests.helpers import sr_pairs
from tests.helpers import tensorflow_only
from tests.helpers import tiny_srgan
from tests.helpers import to_numpy


def softplus(x):
    return np.logaddexp(0.0, x)


def sr_dataset(n=8, seed=0, **kwargs):
    lr, hr = sr_pairs(n, seed, **kwargs)
    return tf.data.Dataset.from_tensor_slices((lr, hr)).batch(4).repeat()


def run(network, x):
    return to_numpy(network(keras.ops.convert_to_tensor(x), training=True))


# ------------------------------------------------------------- the networks


@pytest.mark.once
def test_srresnet_has_the_papers_size_and_any_input_size():
    generator = keras_gans.SRResNetGenerator()
    # The paper's 1.55 M (with BatchNorm's moving statistics).
    assert generator.count_params() == 1_552_771
    assert generator.compute_output_spec(
        keras.KerasTensor((1, 24, 20, 3))
    ).shape == (1, 96, 80, 3)


def test_generators_upscale_any_size_by_their_scale():
    for scale in (2, 3, 4):
        generator = keras_gans.SRResNetGenerator(scale, filters=4, num_blocks=1)
        spec = generator.compute_output_spec(keras.KerasTensor((2, 5, 7, 3)))
        assert spec.shape == (2, 5 * scale, 7 * scale, 3)
    for generator in (
        generator,
        keras_gans.RRDBGenerator(3, filters=4, num_blocks=1, growth=2),
    ):
        out = to_numpy(generator(np.zeros((2, 8, 3, 3), "float32")))
        scale = generator.scale
        assert out.shape == (2, 8 * scale, 3 * scale, 3)
        assert np.all(np.abs(out) <= 1.0)


def test_bicubic_skip_adds_detail_to_the_bicubic_upsampling():
    generator = keras_gans.SRResNetGenerator(
        2, filters=4, num_blocks=1, image_skip="bicubic"
    )
    last = generator.get_layer("to_image")
    last.set_weights([np.zeros_like(w) for w in last.get_weights()])
    lr = np.random.default_rng(0).uniform(-1, 1, (1, 6, 5, 3)).astype("float32")
    bicubic = to_numpy(BicubicUpsampling(2)(lr))
    np.testing.assert_allclose(
        to_numpy(generator(lr, training=True)), bicubic, atol=1e-6
    )
    # Inference clips the overshoot of the bicubic kernel into [-1, 1].
    np.testing.assert_allclose(
        to_numpy(generator(lr)), np.clip(bicubic, -1, 1), atol=1e-6
    )


@pytest.mark.once
def test_discriminator_is_the_papers_eight_convolutions_and_dense_head():
    critic = keras_gans.SRGANDiscriminator((32, 32, 3), filters=2)
    convs = [l for l in critic.layers if isinstance(l, keras.layers.Conv2D)]
    assert [c.filters for c in convs] == [2, 2, 4, 4, 8, 8, 16, 16]
    assert [c.strides[0] for c in convs] == [1, 2] * 4
    assert critic.get_layer("dense").units == 1024
    assert critic(np.zeros((3, 32, 32, 3))).shape == (3, 1)


@pytest.mark.once
def test_network_errors_name_the_argument():
    with pytest.raises(ValueError, match="scale.*Received: scale=5"):
        keras_gans.SRResNetGenerator(scale=5)
    with pytest.raises(ValueError, match="image_skip"):
        keras_gans.RRDBGenerator(image_skip="nearest")
    with pytest.raises(ValueError, match="at least 16"):
        keras_gans.SRGANDiscriminator((8, 8, 3))


# ---------------------------------------------------------- losses by hand


def test_pretrain_loss_is_the_pixel_loss_of_the_upscaling():
    lr, hr = sr_pairs(4)
    for kind in ("mse", "l1"):
        model = tiny_srgan(pixel_loss=kind, norm=None)
        sr = run(model.generator, lr)
        expected = (
            np.mean((hr - sr) ** 2) if kind == "mse" else np.mean(np.abs(hr - sr))
        )
        value = float(to_numpy(model.pretrain_loss(lr, hr)))
        assert value == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    "options",
    [
        dict(),
        dict(content_loss="l1", pixel_weight=0.5, adversarial_weight=0.1),
    ],
)
def test_game_losses_match_a_hand_computation(options):
    # A critic without BatchNorm: its scores do not depend on the batch.
    critic = keras.Sequential(
        [keras.Input((16, 16, 3)), keras.layers.Flatten(),
         keras.layers.Dense(1, kernel_initializer="glorot_normal")]
    )
    model = tiny_srgan(
        norm=None, pretrain_steps=0, discriminator=critic, **options
    )
    model.compile()
    lr, hr = sr_pairs(4)
    sr = run(model.generator, lr)
    real, fake = run(model.discriminator, hr), run(model.discriminator, sr)
    d_expected = np.mean(softplus(real) - real) + np.mean(softplus(fake))
    assert float(to_numpy(model.discriminator_loss(lr, hr))) == pytest.approx(
        d_expected, rel=1e-5
    )
    mse, l1 = np.mean((hr - sr) ** 2), np.mean(np.abs(hr - sr))
    content = l1 if options.get("content_loss") == "l1" else mse
    g_expected = (
        content
        + options.get("pixel_weight", 0.0) * mse
        + options.get("adversarial_weight", 1e-3) * np.mean(softplus(-fake))
    )
    assert float(to_numpy(model.generator_loss(lr, hr))) == pytest.approx(
        g_expected, rel=1e-5
    )


@pytest.mark.once
def test_relativistic_generator_loss_reads_the_real_scores():
    model = keras_gans.SRGAN.from_preset(
        "esrgan_l1", **{**TINY_SRGAN, "num_blocks": 1}, pretrain_steps=0
    )
    assert isinstance(model.generator, keras_gans.RRDBGenerator)
    model.compile()
    assert model.gan_loss.name == "relativistic_average"
    lr, hr = sr_pairs(4)
    sr = run(model.generator, lr)
    # (BatchNorm in training mode: D's scores of hr and sr are per batch.)
    real, fake = run(model.discriminator, hr), run(model.discriminator, sr)
    relative_fake, relative_real = fake - real.mean(), real - fake.mean()
    adversarial = np.mean(softplus(-relative_fake)) + np.mean(
        softplus(relative_real)
    )
    expected = np.mean(np.abs(hr - sr)) + 5e-3 * adversarial
    assert float(to_numpy(model.generator_loss(lr, hr))) == pytest.approx(
        expected, rel=1e-4
    )


# ------------------------------------------------------------- the stages


def assert_same_weights(reference, model):
    for variable, a, b in zip(
        reference.weights, snapshot(reference.weights), snapshot(model.weights)
    ):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6,
                                   err_msg=variable.path)


def tiny_critic():
    """A discriminator of one strided convolution, BatchNorm and a logit.

    The stage tests are about the stages, not the discriminator: SRGAN's
    default one (eight convolutions, tests/models/test_contract.py trains
    and resumes it on every backend) costs seconds to trace or compile in
    every new or reloaded model. This one has what the stages must handle
    too: trainable weights and BatchNorm statistics that only the game
    moves."""
    return keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            keras.layers.Conv2D(4, 3, strides=4, padding="same"),
            keras.layers.BatchNormalization(),
            keras.layers.LeakyReLU(0.2),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ]
    )


def test_pretraining_then_the_game_and_runs_saved_at_or_after_the_boundary(
    tmp_path,
):
    # One run, saved at the end of pre-training (still in stage 0: a
    # reloaded fit_stages then enters the game) and one step into the game
    # (loading inside stage 1), against an uninterrupted reference. Each
    # new or reloaded model traces its steps anew, so the stages and both
    # resumes share these runs.
    def fresh():
        keras.utils.set_random_seed(1)  # the same initial weights
        model = tiny_srgan(
            pretrain_steps=2, gan_steps=2, discriminator=tiny_critic()
        )
        model.compile()
        return model

    reference = fresh()
    reference.fit_stages(sr_dataset(), steps_per_epoch=1, verbose=0)

    model = fresh()
    assert [s.name for s in model.stages()] == ["pretrain", "gan"]
    d_before = snapshot(model.discriminator.weights)
    d_trainable = snapshot(model.discriminator.trainable_variables)
    g_before = snapshot(model.generator.trainable_variables)
    # Pre-training moves only the generator.
    history = model.fit(sr_dataset(), epochs=2, steps_per_epoch=1, verbose=0)
    assert sorted(history.history) == ["g_loss", "psnr"]
    for a, b in zip(d_before, snapshot(model.discriminator.weights)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(g_before, snapshot(model.generator.trainable_variables)):
        assert not np.allclose(a, b)
    assert iterations(model.optimizer["pretrain"]) == 2
    at_boundary = save_and_reload(model, tmp_path, "at_boundary.keras")
    assert at_boundary.stage == 0

    # One step into the game, then saved.
    model.enter_stage(1)
    history = model.fit(sr_dataset(), epochs=1, steps_per_epoch=1, verbose=0)
    assert model.stage_name == "gan"
    assert {"d_loss", "g_adv", "g_content", "psnr"} <= set(history.history)
    into_game = save_and_reload(model, tmp_path, "into_game.keras")
    assert into_game.stage == 1
    # The run goes on in this process (fit_stages inside the game): the
    # game moves both networks, and the run is the reference's.
    model.fit_stages(sr_dataset().skip(1), steps_per_epoch=1, verbose=0)
    assert iterations(model.optimizer["pretrain"]) == 2
    assert iterations(model.g_optimizer) == iterations(model.d_optimizer) == 2
    for a, b in zip(
        d_trainable, snapshot(model.discriminator.trainable_variables)
    ):
        assert not np.allclose(a, b)
    assert_same_weights(reference, model)

    # Both saves resume exactly. A restarted dataset: each stage's fit
    # starts at its first batch, as in the reference (the recipes' data is
    # keyed by epoch instead).
    history = at_boundary.fit_stages(
        sr_dataset(), steps_per_epoch=1, verbose=0
    )
    assert at_boundary.stage_name == "gan"
    assert {"d_loss", "g_adv", "g_content", "psnr"} <= set(history.history)
    assert iterations(at_boundary.optimizer["pretrain"]) == 2
    assert (
        iterations(at_boundary.g_optimizer)
        == iterations(at_boundary.d_optimizer)
        == 2
    )
    assert_same_weights(reference, at_boundary)
    into_game.fit(sr_dataset().skip(1), epochs=1, steps_per_epoch=1, verbose=0)
    assert into_game.stage_name == "gan"
    assert_same_weights(reference, into_game)


def test_upscale_takes_any_size_and_checks_channels():
    model = tiny_srgan()
    out = model.upscale(np.zeros((3, 5, 9, 3), "float32"), batch_size=2)
    assert out.shape == (3, 10, 18, 3) and out.dtype == np.float32
    with pytest.raises(ValueError, match="channel"):
        model.upscale(np.zeros((1, 5, 5, 1), "float32"))


# ---------------------------------------------------------------- errors


@pytest.mark.once
def test_model_errors_name_the_argument_and_value():
    with pytest.raises(ValueError, match="Received: scale=5"):
        tiny_srgan(scale=5)
    with pytest.raises(ValueError, match="patch_size=18"):
        tiny_srgan(scale=4, patch_size=18)
    with pytest.raises(ValueError, match="discriminator_input_shape"):
        tiny_srgan(discriminator=keras_gans.SRGANDiscriminator((32, 32, 3)))
    with pytest.raises(ValueError, match="generator"):
        tiny_srgan(generator=keras_gans.SRResNetGenerator(4, filters=2,
                                                          num_blocks=1))
    with pytest.raises(ValueError, match="Received: preset='srgan2'"):
        keras_gans.SRGAN.from_preset("srgan2")
    with pytest.raises(ValueError, match="content_loss"):
        tiny_srgan(content_loss="vgg")
    with pytest.raises(ValueError, match="pretrain_steps"):
        tiny_srgan(pretrain_steps=-1)
    model = tiny_srgan()
    model.compile()
    lr, hr = sr_pairs(4)
    with pytest.raises(ValueError, match="channel"):
        model.fit(lr[..., :1], hr, batch_size=4, verbose=0)
