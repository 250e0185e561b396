"""StyleGAN2: w_avg and truncation, style mixing, path length by finite
differences, lazy regularization, sampling, presets and argument checks.

Fit, exact resume (EMA, w_avg, path length's mean, ADA's p) and moving
every weight are the shared contract's (tests/models/contract.py); the
export is tests/export/test_stylegan2_export.py's.
"""

import inspect
import math
import re

import keras
import numpy as np
import pytest
from keras import ops

import keras_gans
from keras_gans.models.stylegan2 import MappingNetwork
from keras_gans.models.stylegan2.stylegan2 import mix_styles
from keras_gans.regularizers import PathLength
from tests import helpers
from tests.helpers import to_numpy
from tests.layers.test_equalized_layers import lrelu
from tests.models import variant_checks
from tests.training.test_vjp import weight_gradients

NUM_WS = 4  # the tiny 8x8 synthesis: blocks 4 and 8, two styles each
W_DIM = helpers.TINY_STYLEGAN2["w_dim"]


def _normal(shape, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    return (scale * rng.normal(size=shape)).astype("float32")


@pytest.fixture(scope="module")
def gan():
    """The tiny StyleGAN2 (untrained: building is most of its cost on JAX)
    with the state training gives it set by hand: a `w_avg` per mapping
    network, the EMA generator's apart from the generator's so that the
    sampling tests see which one they use, and non-zero noise strengths."""
    gan = helpers.tiny_stylegan2()
    gan.generator.mapping.w_avg.assign(_normal((W_DIM,), 98))
    gan.ema_generator.mapping.w_avg.assign(_normal((W_DIM,), 99))
    for network in (gan.generator, gan.ema_generator):
        for i, variable in enumerate(network.weights):
            if variable.path.endswith("noise/strength"):
                variable.assign(_normal(variable.shape, i, 0.5))
    return gan


# ------------------------------------------------------------ w_avg, mapping


def test_mapping_is_normalized_z_through_equalized_lrelu_layers():
    mapping = MappingNetwork(5, 6, num_ws=3, num_layers=2, w_avg_beta=0.9)
    mapping.build((None, 5))
    weights = []
    for i, variable in enumerate(mapping.trainable_variables):
        weights.append(_normal(variable.shape, i, 30.0))
        variable.assign(weights[-1])
    z = _normal((4, 5), 10, 3.0)
    x = z / np.sqrt(np.mean(z**2, axis=1, keepdims=True) + 1e-8)
    for kernel, bias, fan_in in zip(weights[::2], weights[1::2], (5, 6)):
        x = lrelu(x @ (kernel * 0.01 / math.sqrt(fan_in)) + bias * 0.01)
    ws = to_numpy(mapping(z))
    assert ws.shape == (4, 3, 6)
    for index in range(3):  # one copy of w per synthesis input
        np.testing.assert_allclose(ws[:, index], x, rtol=1e-4, atol=1e-5)


def test_w_avg_moves_toward_the_batch_mean_in_training_only():
    beta = 0.9
    mapping = MappingNetwork(5, 6, num_ws=3, num_layers=1, w_avg_beta=beta)
    mapping.build((None, 5))
    np.testing.assert_array_equal(to_numpy(mapping.w_avg), np.zeros(6))
    start = _normal((6,), 0)
    mapping.w_avg.assign(start)
    z = _normal((8, 5), 1)
    w = to_numpy(mapping(z, training=False))[:, 0]
    np.testing.assert_array_equal(to_numpy(mapping.w_avg), start)
    training_ws = to_numpy(mapping(z, training=True))
    np.testing.assert_allclose(training_ws[:, 0], w, rtol=1e-6, atol=1e-7)
    expected = start + (1 - beta) * (w.mean(axis=0) - start)
    np.testing.assert_allclose(
        to_numpy(mapping.w_avg), expected, rtol=1e-5, atol=1e-6
    )


# --------------------------------------------------------------- truncation


def test_truncation_interpolates_toward_the_sampling_generators_w_avg(gan):
    assert gan.num_ws == NUM_WS
    z = gan.latents_for(5, seed=3)  # generate()'s batch in check_generate
    w_avg = to_numpy(gan.ema_generator.mapping.w_avg)
    assert not np.allclose(w_avg, to_numpy(gan.generator.mapping.w_avg))
    w = to_numpy(gan.ema_generator.mapping(z, training=False))
    assert w.shape == (5, NUM_WS, W_DIM)
    assert not np.allclose(w, w_avg)

    np.testing.assert_allclose(gan.ws_from_latents(z), w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        gan.ws_from_latents(z, truncation=1.0), w, rtol=1e-5, atol=1e-6
    )
    average = gan.ws_from_latents(z, truncation=0)
    np.testing.assert_allclose(
        average, np.broadcast_to(w_avg, w.shape), rtol=1e-6, atol=1e-6
    )
    psi = np.array([0.0, 0.5, 1.0, 1.5, 0.25], "float32")
    np.testing.assert_allclose(
        gan.ws_from_latents(z, truncation=psi),
        w_avg + psi[:, None, None] * (w - w_avg),
        rtol=1e-5,
        atol=1e-6,
    )
    # psi = 0 draws the average image for every latent.
    images = gan.generate_from_latents(z, truncation=0.0)
    for image in images[1:]:
        np.testing.assert_allclose(image, images[0], rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------- style mixing


def test_mix_styles_takes_a_below_the_crossover_and_b_from_it():
    ws_a, ws_b = _normal((3, NUM_WS, 2), 0), _normal((3, NUM_WS, 2), 1)
    mixed = to_numpy(
        mix_styles(
            ops.convert_to_tensor(ws_a),
            ops.convert_to_tensor(ws_b),
            ops.convert_to_tensor(np.array([0, 2, NUM_WS], "int32")),
        )
    )
    np.testing.assert_array_equal(mixed[0], ws_b[0])
    np.testing.assert_array_equal(mixed[1, :2], ws_a[1, :2])
    np.testing.assert_array_equal(mixed[1, 2:], ws_b[1, 2:])
    np.testing.assert_array_equal(mixed[2], ws_a[2])


def test_mix_grid_styles_come_from_the_row_and_column_seeds(
    gan, monkeypatch
):
    calls = []

    def capture(ws, batch_size=256, noise=None):
        calls.append(np.array(ws))
        return np.zeros((len(ws),) + gan.image_shape, "float32")

    monkeypatch.setattr(gan, "generate_from_ws", capture)
    mixed, images_a, images_b = gan.mix([1, 2], [3, 4, 5], 2, truncation=0.7)
    assert mixed.shape == (2, 3) + gan.image_shape
    assert images_a.shape == (2,) + gan.image_shape
    assert images_b.shape == (3,) + gan.image_shape

    def seed_ws(seed):
        z = gan.latents_for(1, seed=seed)
        return gan.ws_from_latents(z, truncation=0.7)[0]

    grid, sources_a, sources_b = calls
    assert grid.shape == (6, NUM_WS, W_DIM)
    assert not np.allclose(sources_a[0], sources_b[0], rtol=1e-3)
    for row, seed_a in enumerate([1, 2]):
        np.testing.assert_allclose(
            sources_a[row], seed_ws(seed_a), rtol=1e-5, atol=1e-6
        )
        for col, seed_b in enumerate([3, 4, 5]):
            cell = grid[row * 3 + col]
            # Crossover 2: the two coarse styles from A, the rest from B.
            np.testing.assert_array_equal(cell[:2], sources_a[row][:2])
            np.testing.assert_array_equal(cell[2:], sources_b[col][2:])
    for col, seed_b in enumerate([3, 4, 5]):
        np.testing.assert_allclose(
            sources_b[col], seed_ws(seed_b), rtol=1e-5, atol=1e-6
        )


def test_training_styles_switch_latents_once_at_a_crossover(gan):
    w_avg = gan.generator.mapping.w_avg
    saved = to_numpy(w_avg)
    z = _normal((16, gan.latent_dim), 5)
    own = to_numpy(gan.generator.mapping(z, training=False))
    probability = gan.style_mixing
    try:
        gan.style_mixing = 0.0
        np.testing.assert_allclose(
            to_numpy(gan.training_ws(ops.convert_to_tensor(z), None)),
            own, rtol=1e-5, atol=1e-6,
        )
        gan.style_mixing = 1.0
        mixed = to_numpy(gan.training_ws(ops.convert_to_tensor(z), None))
    finally:
        gan.style_mixing = probability
        w_avg.assign(saved)
    crossovers = []
    for sample, w in zip(mixed, own):
        same = np.all(np.isclose(sample, w, rtol=1e-5, atol=1e-6), axis=1)
        crossover = int(np.argmin(same))
        # w_A's styles up to a crossover in [1, num_ws), one other w after.
        assert 1 <= crossover < NUM_WS and same[:crossover].all()
        assert not same[crossover:].any()
        np.testing.assert_array_equal(
            sample[crossover:],
            np.broadcast_to(sample[-1], sample[crossover:].shape),
        )
        crossovers.append(crossover)
    assert len(set(crossovers)) > 1, "a random crossover per sample"


# -------------------------------------------------------------- path length


def _finite_difference_gradients(synthesize, ws, noise, eps=1e-3):
    """Central differences of `<synthesize(ws)_n, noise_n>` w.r.t. `ws`:
    every step of every example in one batched call."""
    n, count = len(ws), int(np.prod(ws.shape[1:]))
    steps = eps * np.eye(count, dtype="float32").reshape((count,) + ws.shape[1:])
    batch = np.concatenate(
        [ws[:, None] + steps, ws[:, None] - steps], axis=1
    ).reshape((-1,) + ws.shape[1:])
    images = to_numpy(synthesize(ops.convert_to_tensor(batch))).astype("float64")
    images = images.reshape((n, 2 * count) + images.shape[1:])
    dots = np.sum(images * noise[:, None], axis=(2, 3, 4))
    return ((dots[:, :count] - dots[:, count:]) / (2 * eps)).reshape(ws.shape)


def test_path_length_matches_finite_differences_through_the_model(
    gan, monkeypatch
):
    # PathLength.compute on the model: ||J_w^T y|| of the synthesis at the
    # styles `path_length_inputs` draws, y the model's next normal draw
    # / sqrt(H W), against central differences of <synthesis(ws), y>.
    captured = {}
    original = gan.path_length_inputs

    def spy(batch_size, labels):
        ws, synthesize = original(batch_size, labels)
        captured.update(
            ws=to_numpy(ws),
            synthesize=synthesize,
            seed_state=to_numpy(gan.seed_generator.state),
        )
        return ws, synthesize

    monkeypatch.setattr(gan, "path_length_inputs", spy)
    # Training noise is redrawn per call: zero strengths make the
    # training-mode synthesis a function of `ws` alone.
    strengths = [
        v for v in gan.generator.trainable_variables if "noise" in v.path
    ]
    state = strengths + [gan.generator.mapping.w_avg]
    saved = helpers.snapshot(state)
    penalty = PathLength(weight=2.0, interval=2, decay=0.1, batch_shrink=2)
    try:
        for variable in strengths:
            variable.assign(np.zeros(variable.shape, "float32"))
        real = ops.zeros((4,) + gan.image_shape)
        value = to_numpy(penalty.compute(gan, real, None, None))
        ws = captured["ws"]
        assert ws.shape == (2, NUM_WS, W_DIM), "batch // batch_shrink"
        seeds = keras.random.SeedGenerator(0)
        seeds.state.assign(captured["seed_state"])
        noise = to_numpy(
            keras.random.normal((2,) + gan.image_shape, seed=seeds)
        ).astype("float64") / math.sqrt(8 * 8)
        gradients = _finite_difference_gradients(
            captured["synthesize"], ws, noise
        )
    finally:
        for variable, old in zip(state, saved):
            variable.assign(old)
    lengths = np.sqrt(np.mean(np.sum(gradients**2, axis=2), axis=1))
    assert np.all(lengths > 1e-3)
    mean = 0.1 * lengths.mean()  # from pl_mean = 0
    np.testing.assert_allclose(to_numpy(penalty.pl_mean), mean, rtol=3e-3)
    np.testing.assert_allclose(
        value, np.mean((lengths - mean) ** 2), rtol=3e-2, atol=1e-7
    )


class _FixedStyles:
    """A stand-in model: path length of a synthesis network at fixed `ws`
    with its fixed inference noise, so the penalty is deterministic."""

    image_shape = (8, 8, 1)

    def __init__(self, synthesis, ws):
        self.synthesis = synthesis
        self.ws = ops.convert_to_tensor(ws)
        self.seed_generator = keras.random.SeedGenerator(11)

    def path_length_inputs(self, batch_size, labels):
        return self.ws[:batch_size], lambda ws: self.synthesis(ws)


def test_path_length_gradient_reaches_the_synthesis_weights(gan):
    synthesis = gan.generator.synthesis
    variables = synthesis.trainable_variables
    penalty = PathLength(decay=0.5, batch_shrink=1)
    model = _FixedStyles(synthesis, _normal((2, NUM_WS, W_DIM), 3))
    start = to_numpy(model.seed_generator.state)
    real = ops.zeros((2,) + _FixedStyles.image_shape)

    def penalty_value():
        return penalty.compute(model, real, None, None)

    def reset():
        # The same y and running mean at every evaluation.
        model.seed_generator.state.assign(start)
        penalty.pl_mean.assign(0.0)

    gradients = weight_gradients(penalty_value, variables)
    for variable, gradient in zip(variables, gradients):
        if variable.path.endswith("torgb/bias"):
            # An image bias does not enter J_w: exactly zero.
            np.testing.assert_array_equal(gradient, 0.0, err_msg=variable.path)
        elif variable.path.endswith(("kernel", "const", "strength")):
            assert np.abs(gradient).max() > 1e-6, variable.path
    # The second-order gradient against a central difference along the
    # toRGB weights, on which the penalty is smooth (no LeakyReLU follows
    # them, so no kink of J_w is crossed).
    smooth = [
        i for i, v in enumerate(variables) if "torgb" in v.path
        and not v.path.endswith("torgb/bias")
    ]
    saved = helpers.snapshot(variables)
    directions = {i: _normal(variables[i].shape, 20 + i, 1e-2) for i in smooth}
    slope = sum(np.sum(gradients[i] * directions[i]) for i in smooth)
    values = []
    try:
        for sign in (1.0, -1.0):
            for i in smooth:
                variables[i].assign(saved[i] + sign * directions[i])
            reset()
            values.append(float(to_numpy(penalty_value())))
    finally:
        for variable, value in zip(variables, saved):
            variable.assign(value)
    assert abs(slope) > 1e-5
    np.testing.assert_allclose((values[0] - values[1]) / 2, slope, rtol=0.02)


# ------------------------------------------------------------- lazy phases


@pytest.mark.once  # each backend skips a non-due phase in test_penalties.py
def test_lazy_r1_and_path_length_are_phases_run_on_due_steps():
    gan = helpers.tiny_stylegan2(
        r1_interval=2, pl_interval=2, style_mixing=0.0, ema=None
    )
    # Eager: tracing the step with two double-backward phases is 6x the
    # cost of the two steps; the contract fits StyleGAN2 compiled.
    gan.compile(run_eagerly=True)
    phases = gan.train_phases()
    assert [(p.name, p.interval, p.optimizer) for p in phases] == [
        ("discriminator", 1, "discriminator"),
        ("discriminator_r1", 2, "discriminator"),
        ("generator", 1, "generator"),
        ("generator_pl", 2, "generator"),
    ]
    images = helpers.random_images(8, gan.image_shape)
    pl_mean = gan.g_penalties[0].pl_mean

    def step(index):
        before = helpers.snapshot(gan.discriminator.trainable_variables)
        history = helpers.fit_steps(
            gan, 1, batch_size=4, images=images[4 * index :]
        )
        after = helpers.snapshot(gan.discriminator.trainable_variables)
        return (
            {key: value[-1] for key, value in history.history.items()},
            helpers.iterations(gan.d_optimizer),
            helpers.iterations(gan.g_optimizer),
            float(to_numpy(pl_mean)),
            [not np.allclose(a, b) for a, b in zip(before, after)],
        )

    # Step 0 is due: each optimizer counts its player's phase and the
    # penalty's, which log and move the path-length mean.
    logs, d_count, g_count, first_mean, moved = step(0)
    assert (d_count, g_count) == (2, 2)
    assert logs["r1"] > 0 and logs["pl"] > 0 and first_mean > 0
    assert all(moved)
    # Step 1 is not: one update each; the penalties neither run nor log.
    logs, d_count, g_count, mean, _ = step(1)
    assert (d_count, g_count) == (3, 3)
    assert int(to_numpy(gan.step_counter)) == 2
    assert logs["r1"] == 0 and logs["pl"] == 0 and mean == first_mean
    assert all(np.isfinite(value) for value in logs.values())


@pytest.mark.once
def test_default_optimizers_are_corrected_for_the_lazy_intervals(gan):
    # StyleGAN2-ADA's Adam(0.0025, betas (0, 0.99)) with lr and betas
    # scaled by c = interval / (interval + 1): R1 every 16, pl every 4.
    optimizers = gan.default_optimizers()
    for name, interval in (("discriminator", 16), ("generator", 4)):
        optimizer, ratio = optimizers[name], interval / (interval + 1)
        np.testing.assert_allclose(
            to_numpy(optimizer.learning_rate), 0.0025 * ratio, rtol=1e-6
        )
        assert optimizer.beta_1 == 0.0
        assert math.isclose(optimizer.beta_2, 0.99**ratio, rel_tol=1e-9)
        assert optimizer.epsilon == 1e-8


@pytest.mark.once
def test_the_saved_state_holds_w_avg_path_length_mean_and_ema(gan):
    for variable in (
        gan.g_penalties[0].pl_mean,
        gan.generator.mapping.w_avg,
        gan.ema_generator.mapping.w_avg,
    ):
        assert any(v is variable for v in gan.non_trainable_variables), (
            variable.path
        )


# ----------------------------------------------------------------- sampling


def test_generate_is_seeded_and_in_range(gan):
    # Equal seeds give equal images (the noise is the fixed maps at
    # inference, and the fixture's strengths are not zero), others differ.
    variant_checks.check_generate(gan)
    truncated = gan.generate(5, seed=4, truncation=0.5)
    np.testing.assert_array_equal(
        truncated, gan.generate(5, seed=4, truncation=0.5)
    )
    assert not np.allclose(truncated, gan.generate(5, seed=4))


# ------------------------------------------------------------------ presets


@pytest.mark.once  # the presets are arguments; every backend builds the tiny one
def test_the_small_preset_builds_with_its_image_shape():
    # digits_32 with narrower widths (its shape, mapping depth, group and
    # regularizers are the preset's): 28x28 images from a 32x32 synthesis.
    overrides = dict(latent_dim=16, w_dim=8, channel_base=64, channel_max=8)
    gan = keras_gans.StyleGAN2.from_preset("digits_32", ema=None, **overrides)
    preset = keras_gans.StyleGAN2.presets["digits_32"]
    assert gan.image_shape == preset["image_shape"] == (28, 28, 1)
    assert gan.generator.resolution == 32 and gan.num_ws == 8
    assert gan.generator.mapping_layers == preset["mapping_layers"]
    assert gan.latent_dim == 16 and gan.generator.w_dim == 8
    for key, value in preset.items():
        if key not in overrides and hasattr(gan, key):
            assert getattr(gan, key) == value, key
    assert bool(gan.g_penalties) == bool(preset["pl_weight"])
    assert gan.generate(2, seed=0).shape == (2, 28, 28, 1)


@pytest.mark.once
def test_presets_are_stylegan2_ada_configs_of_valid_arguments():
    presets = keras_gans.StyleGAN2.presets
    assert {"cifar", "digits_32", "paper256"} <= set(presets)
    parameters = inspect.signature(keras_gans.StyleGAN2.__init__).parameters
    for name, preset in presets.items():
        assert set(preset) <= set(parameters), name
        assert len(preset["image_shape"]) == 3, name
    assert presets["cifar"]["image_shape"] == (32, 32, 3)
    assert presets["paper256"]["image_shape"] == (256, 256, 3)
    # StyleGAN2-ADA's --cfg specs (fmaps 1 and 0.5, map 2 and 8, mbstd
    # 32 and 8, gamma 0.01 and 1, style mixing 0 and 0.9, pl 0 and 2).
    expected = {
        "cifar": (32768, 512, 2, 32, 0.01, 0.0, 0.0),
        "paper256": (16384, 512, 8, 8, 1.0, 0.9, 2.0),
    }
    keys = (
        "channel_base", "channel_max", "mapping_layers", "mbstd_group",
        "r1_gamma", "style_mixing", "pl_weight",
    )
    for name, values in expected.items():
        assert tuple(presets[name][key] for key in keys) == values, name
    with pytest.raises(ValueError, match="preset='paper1024'"):
        keras_gans.StyleGAN2.from_preset("paper1024")


# ------------------------------------------------------------------- errors


@pytest.mark.once
@pytest.mark.parametrize(
    "overrides, match",
    [
        (dict(resolution=24), "resolution=24"),
        (dict(resolution=4), "resolution=4"),  # smaller than the 8x8 image
        (dict(image_shape=(12, 12, 1), resolution=8), "resolution=8"),
        (dict(style_mixing=1.5), "style_mixing=1.5"),
        (dict(style_mixing=-0.1), "style_mixing=-0.1"),
        (dict(pl_weight=-1.0), "pl_weight=-1.0"),
        (dict(ema="fast"), "ema='fast'"),
    ],
)
def test_bad_arguments_raise_naming_them(overrides, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        helpers.tiny_stylegan2(**overrides)


@pytest.mark.once
@pytest.mark.parametrize(
    "truncation, match",
    [
        (float("nan"), "truncation=nan"),
        (float("inf"), "truncation=inf"),
        (-0.5, "truncation=-0.5"),
        ([1.0, 0.5], "truncation=[1.0, 0.5]"),  # 3 latents
        ([1.0, -1.0, 1.0], "truncation=[1.0, -1.0, 1.0]"),
        (True, "truncation=True"),
        ("high", "truncation='high'"),
    ],
)
def test_bad_truncation_raises_naming_it(gan, truncation, match):
    z = gan.latents_for(3, seed=0)
    with pytest.raises(ValueError, match=re.escape(match)):
        gan.ws_from_latents(z, truncation=truncation)
    with pytest.raises(ValueError, match=re.escape(match)):
        gan.generate(3, seed=0, truncation=truncation)


@pytest.mark.once
def test_bad_latents_styles_and_crossovers_raise_naming_them(gan):
    for z in (np.zeros((3, 5)), np.zeros((8,)), np.zeros((2, 4, 8))):
        match = re.escape(f"z='array of shape {z.shape}'")
        with pytest.raises(ValueError, match=match):
            gan.ws_from_latents(z)
        with pytest.raises(ValueError, match=match):
            gan.generate_from_latents(z)
    match = re.escape("ws='array of shape (2, 3, 8)'")
    with pytest.raises(ValueError, match=match):
        gan.generate_from_ws(np.zeros((2, 3, 8)))
    for crossover in (-1, NUM_WS + 1, 1.5, True):
        with pytest.raises(ValueError, match=f"crossover={crossover}"):
            gan.mix([0], [1], crossover)
    with pytest.raises(ValueError, match="seeds_a"):
        gan.mix([], [1], 1)
