"""SinGAN: the pyramid, the networks, the losses by hand, the stages.

The contract (fit moves every weight of the scale, save/reload resumes
exactly) is tests/models/test_contract.py's "SinGAN"; the sampler export is
tests/export/test_singan_export.py; the applications are
tests/models/test_singan_applications.py.
"""

import math

import keras
import numpy as np
import pytest
from keras import ops

import keras_gans
from keras_gans.models.singan import SinGANDiscriminator
from keras_gans.models.singan import SinGANGenerator
from keras_gans.models.singan import consingan_scale_sizes
from keras_gans.models.singan import singan_scale_sizes
from keras_gans.training.layerwise_adam import LayerwiseAdam
from tests.helpers import iterations
from tests.helpers import save_and_reload
from tests.helpers import snapshot
from tests.helpers import singan_image
from tests.helpers import to_numpy
from tests.helpers import untrained_singan


# ------------------------------------------------------------- the pyramid


def official_singan_sizes(height, width, min_size, max_size, factor_init=0.75):
    """tamarott/SinGAN's adjust_scales2image + creat_reals_pyramid, with
    imresize's output size ceil(side * scale), transcribed."""
    num_scales = (
        math.ceil(math.log(math.pow(min_size / min(height, width), 1), factor_init))
        + 1
    )
    scale2stop = math.ceil(
        math.log(min(max_size, max(height, width)) / max(height, width), factor_init)
    )
    stop_scale = num_scales - scale2stop
    scale1 = min(max_size / max(height, width), 1)
    real = (math.ceil(height * scale1), math.ceil(width * scale1))
    factor = math.pow(min_size / min(real), 1 / stop_scale)
    return [
        tuple(math.ceil(side * math.pow(factor, stop_scale - i)) for side in real)
        for i in range(stop_scale + 1)
    ]


def official_consingan_sizes(height, width, min_size, max_size, stages):
    """tohinz/ConSinGAN's adjust_scales2image + create_reals_pyramid."""
    scale1 = min(max_size / max(height, width), 1)
    real = (math.ceil(height * scale1), math.ceil(width * scale1))
    stop = stages - 1
    factor = math.pow(min_size / min(real), 1 / stop)
    sizes = []
    for i in range(stop):
        scale = math.pow(
            factor, ((stop - 1) / math.log(stop)) * math.log(stop - i) + 1
        )
        sizes.append(tuple(math.ceil(side * scale) for side in real))
    return sizes + [real]


@pytest.mark.once
@pytest.mark.parametrize(
    "shape", [(188, 250), (250, 188), (375, 500), (183, 275), (24, 30), (64, 64)]
)
def test_pyramid_sizes_and_count_follow_the_official_formulas(shape):
    for max_size in (250, 128, 30):
        expected = official_singan_sizes(*shape, 12, max_size)
        sizes, factor = singan_scale_sizes(*shape, 12, max_size)
        assert sizes == expected
        assert 0.5 < factor < 1
        assert consingan_scale_sizes(*shape, 12, max_size, 6) == (
            official_consingan_sizes(*shape, 12, max_size, 6)
        )
    # The paper's setting on a 250x188 photo: 10 scales from 25 px.
    sizes, _ = singan_scale_sizes(188, 250, 25, 250)
    if shape == (188, 250):
        assert len(sizes) == 10
        # ceil() of 25.000000x: the official code lands one pixel over too.
        assert min(sizes[0]) in (25, 26) and sizes[-1] == (188, 250)


@pytest.mark.once
def test_pyramid_arguments_are_checked():
    with pytest.raises(ValueError, match="scale_factor"):
        singan_scale_sizes(40, 40, scale_factor=1.2)
    with pytest.raises(ValueError, match="scale_factor"):
        singan_scale_sizes(40, 40, scale_factor=0)
    with pytest.raises(ValueError, match="min_size"):
        singan_scale_sizes(20, 40, min_size=25)
    with pytest.raises(ValueError, match="stages"):
        consingan_scale_sizes(40, 40, stages=1)


def test_bad_images_and_settings_raise_errors_naming_them():
    image = singan_image()
    with pytest.raises(ValueError, match="image.*RGB"):
        keras_gans.SinGAN(image=image[..., 0])
    with pytest.raises(ValueError, match="image.*RGB"):
        keras_gans.SinGAN(image=np.concatenate([image, image[..., :1]], -1))
    with pytest.raises(ValueError, match=r"image_range"):
        keras_gans.SinGAN(image=image * 3)
    with pytest.raises(ValueError, match="min_size"):
        keras_gans.SinGAN(image=image, min_size=40)
    with pytest.raises(ValueError, match="scale_factor"):
        keras_gans.SinGAN(image=image, min_size=15, scale_factor=1.5)
    with pytest.raises(ValueError, match="pyramid"):
        keras_gans.SinGAN(image=image, min_size=15, pyramid="pggan")
    with pytest.raises(ValueError, match="image"):
        keras_gans.SinGAN()
    # uint8 is read as [-1, 1].
    model = untrained_singan(image=((image + 1) * 127.5).round().astype("uint8"))
    np.testing.assert_allclose(
        to_numpy(model.reals[-1]), untrained_singan(seed=0).real_images()[-1], atol=0.01
    )


# ------------------------------------------------------------ the networks


def test_networks_keep_any_size_and_widths_double_every_four_scales():
    generator = SinGANGenerator(3, width=4)
    critic = SinGANDiscriminator(3, width=4)
    for size in ((12, 12), (17, 31)):
        x = np.zeros((2,) + size + (3,), "float32")
        assert to_numpy(generator([x, x])).shape == (2,) + size + (3,)
        assert to_numpy(critic(x)).shape == (2, size[0] - 10, size[1] - 10, 1)
    model = untrained_singan(width=32, max_width=128)
    assert [model.width_at(k) for k in range(10)] == [32] * 4 + [64] * 4 + [128] * 2


def test_generator_adds_a_residual_to_the_coarser_image():
    generator = SinGANGenerator(3, width=4)
    last = generator.get_layer("to_image")
    last.set_weights([np.zeros_like(w) for w in last.get_weights()])
    prev = np.random.default_rng(0).uniform(-1, 1, (1, 13, 15, 3))
    noisy = prev + np.random.default_rng(1).normal(size=prev.shape)
    np.testing.assert_allclose(
        to_numpy(generator([noisy.astype("float32"), prev.astype("float32")])),
        prev,
        atol=1e-6,
    )


# -------------------------------------------------------------- the losses


class PixelLinear(keras.layers.Layer):
    """A critic scoring each pixel with `w . x`: its input gradient is `w`
    at every pixel."""

    def __init__(self, w):
        super().__init__()
        self.w = np.asarray(w, "float32")

    def call(self, x, training=False):
        return ops.sum(x * ops.convert_to_tensor(self.w), axis=-1, keepdims=True)


def test_losses_match_hand_computations(monkeypatch):
    model = untrained_singan()
    w = np.array([0.3, -0.4, 1.2], "float32")
    critic = PixelLinear(w)
    real = model.real_images()[0][None]
    fake = np.random.default_rng(2).uniform(-1, 1, real.shape).astype("float32")
    monkeypatch.setattr(model, "discriminator_at", lambda k: critic)
    monkeypatch.setattr(model, "random_fake", lambda: ops.convert_to_tensor(fake))

    d_loss = float(to_numpy(model.discriminator_loss()))
    scores = lambda x: np.sum(x * w, axis=-1)  # noqa: E731
    wasserstein = scores(fake).mean() - scores(real).mean()
    # SinGAN's penalty: the gradient's norm over the channels of each pixel
    # (here |w| everywhere), pulled to 1; not the whole image's norm.
    penalty = (np.linalg.norm(w) - 1.0) ** 2
    np.testing.assert_allclose(d_loss, wasserstein + 0.1 * penalty, rtol=1e-5)

    g_loss = float(to_numpy(model.generator_loss()))
    z_star = to_numpy(model.z_star)
    zeros = np.zeros_like(real)
    # Scale 0 rebuilds the image from z* (amplitude 1, one channel).
    rebuilt = to_numpy(
        model.generator_at(0)(
            [np.broadcast_to(z_star, real.shape).astype("float32"), zeros],
            training=True,
        )
    )
    expected = -scores(fake).mean() + 10.0 * np.mean((rebuilt - real) ** 2)
    np.testing.assert_allclose(g_loss, expected, rtol=1e-4)


def test_reconstruction_uses_z_star_and_zeros_and_sets_the_amplitude():
    model = untrained_singan()
    model.compile(run_eagerly=True)
    model.fit(epochs=1, steps_per_epoch=1, verbose=0)
    model.enter_stage(1)
    noises = [to_numpy(n) for n in model.reconstruction_noises()]
    np.testing.assert_array_equal(noises[0], to_numpy(model.z_star))
    assert noises[0].shape == (1,) + model.scale_sizes[0] + (1,)
    assert noises[1].shape[1:3] == model.scale_sizes[1]
    assert not noises[1].any()
    # z* is the seed's, and a weight (it survives save/load).
    np.testing.assert_array_equal(
        to_numpy(untrained_singan(seed=0).z_star), to_numpy(model.z_star)
    )
    assert not np.allclose(to_numpy(untrained_singan(seed=1).z_star), noises[0])
    # a_1 = 0.1 * RMSE(real_1, up(G_0(z*))).
    real = model.real_images()
    below = to_numpy(
        model.generator_at(0)(
            [
                np.broadcast_to(noises[0], (1,) + real[0].shape).astype("float32"),
                np.zeros((1,) + real[0].shape, "float32"),
            ]
        )
    )
    up = to_numpy(
        ops.image.resize(below, model.scale_sizes[1], interpolation="bilinear")
    )
    rmse = np.sqrt(np.mean((real[1][None] - up) ** 2))
    amplitudes = to_numpy(model.noise_amplitudes)
    np.testing.assert_allclose(amplitudes[1], 0.1 * rmse, rtol=1e-5)
    assert amplitudes[0] == 1.0 and not amplitudes[2:].any()


# ------------------------------------------------------------- the stages


def test_stages_train_one_scale_and_freeze_the_ones_below(tmp_path):
    model = untrained_singan()
    model.compile(run_eagerly=True)
    model.fit(epochs=1, steps_per_epoch=2, verbose=0)
    model.enter_stage(1)
    # The new scale starts from the coarser one's weights (equal widths).
    for a, b in zip(
        model.generator_at(0).get_weights(), model.generator_at(1).get_weights()
    ):
        np.testing.assert_array_equal(a, b)
    frozen = snapshot(model.generator_at(0).weights + model.discriminator_at(0).weights)
    trained = snapshot(model.generator_at(1).trainable_weights)
    model.fit(epochs=1, steps_per_epoch=2, verbose=0)
    for a, b in zip(
        frozen,
        snapshot(model.generator_at(0).weights + model.discriminator_at(0).weights),
    ):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(trained, snapshot(model.generator_at(1).trainable_weights)):
        assert not np.allclose(a, b)
    assert iterations(model.g_optimizer) == 2 and model.g_optimizer is not (
        model.optimizer["generator_0"]
    )
    assert model.reconstruct().shape == (1,) + model.scale_sizes[1] + (3,)


def test_consingan_trains_the_last_scales_together_at_scaled_rates():
    model = untrained_singan(pyramid="consingan", stages=3, train_depth=2)
    assert model.scale_sizes == consingan_scale_sizes(24, 30, 15, 30, 3)
    model.compile(run_eagerly=True)
    model.fit(epochs=1, steps_per_epoch=1, verbose=0)
    model.enter_stage(1)
    assert model.trainable_generators() == (
        model.generator_at(0),
        model.generator_at(1),
    )
    assert model.g_optimizer.multipliers == {"generator_0": 0.1}
    before = snapshot(model.generator_at(0).trainable_weights)
    model.fit(epochs=1, steps_per_epoch=1, verbose=0)
    moved = [
        not np.allclose(a, b)
        for a, b in zip(before, snapshot(model.generator_at(0).trainable_weights))
    ]
    assert all(moved)
    model.enter_stage(2)
    assert not model.generator_at(0).trainable
    assert model.g_optimizer.multipliers == {"generator_1": 0.1}


def test_layerwise_adam_scales_the_step_of_the_named_network():
    # Adam's first step is `lr * sign(gradient)`: the multiplier shows exactly.
    optimizer = LayerwiseAdam({"low": 0.1}, learning_rate=0.01)
    low = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)], name="low")
    high = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)], name="high")
    variables = [low.layers[0].kernel, high.layers[0].kernel]
    before = snapshot(variables)
    optimizer.apply([ops.ones((2, 1)), -ops.ones((2, 1))], variables)
    after = snapshot(variables)
    np.testing.assert_allclose(after[0] - before[0], -0.001, rtol=1e-3)
    np.testing.assert_allclose(after[1] - before[1], 0.01, rtol=1e-3)
    restored = LayerwiseAdam.from_config(optimizer.get_config())
    assert restored.multipliers == {"low": 0.1}
    with pytest.raises(ValueError, match="multipliers"):
        LayerwiseAdam({"low": -1})


def test_resume_inside_and_across_scales_is_exact(tmp_path):
    start = untrained_singan()
    start.compile(run_eagerly=True)
    path = str(tmp_path / "start.keras")
    start.save(path)
    whole = keras.saving.load_model(path)
    whole.fit_stages(steps_per_epoch=1, verbose=0)
    part = keras.saving.load_model(path)
    # Stop inside scale 1 (one of its two steps), as a checkpoint would.
    part.fit(epochs=1, steps_per_epoch=2, verbose=0)
    part.enter_stage(1)
    part.fit(epochs=1, steps_per_epoch=1, verbose=0)
    resumed = save_and_reload(part, tmp_path, "part.keras")
    assert resumed.stage == 1 and int(to_numpy(resumed.stage_step)) == 1
    resumed.fit_stages(steps_per_epoch=1, verbose=0)
    assert resumed.stage == whole.stage == whole.num_scales - 1
    for a, b in zip(snapshot(whole.weights), snapshot(resumed.weights)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        resumed.sample(2, seed=4), whole.sample(2, seed=4)
    )


# ------------------------------------------------------------- sampling


def test_sampling_at_any_size_from_any_scale():
    model = untrained_singan()
    model.compile(run_eagerly=True)
    model.fit_stages(steps_per_epoch=2, verbose=0)
    final = model.scale_sizes[-1]
    samples = model.sample(3, seed=1)
    assert samples.shape == (3,) + final + (3,)
    assert samples.min() >= -1 and samples.max() <= 1
    np.testing.assert_array_equal(samples, model.sample(3, seed=1))
    assert not np.allclose(samples, model.sample(3, seed=2))
    assert model.sample(2, size=(20, 41), seed=1).shape == (2, 20, 41, 3)
    wide = model.sample(1, scale_h=1.5, scale_w=2.0, seed=1)
    assert wide.shape == (1, round(final[0] * 1.5), final[1] * 2, 3)
    # From scale 1 the coarse layout is the reconstruction's: samples
    # agree more with each other than samples from scale 0 do.
    kept = model.sample(4, seed=3, start_scale=1)
    assert kept.std(axis=0).mean() < samples.std(axis=0).mean() + 1e-3
    injected = model.sample(2, seed=3, start_scale=1, start_image=model.real_images()[-1])
    assert injected.shape == (2,) + final + (3,)
    sizes = model.sizes_for(40, 60)
    assert sizes[-1] == (40, 60) and len(sizes) == model.num_scales
    with pytest.raises(ValueError, match="start_scale"):
        model.sample(1, start_scale=model.num_scales)
    with pytest.raises(ValueError, match="start_scale"):
        model.sample(1, start_scale=1, scale_w=2.0)
    with pytest.raises(ValueError, match="too small"):
        model.sample(1, size=(8, 8))
    with pytest.raises(ValueError, match="scale_w"):
        model.sample(1, scale_w=0)
    with pytest.raises(ValueError, match="size"):
        model.sample(1, size=(20,))
