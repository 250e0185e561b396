"""Penalty functions and objects: closed forms, configs, lazy phases."""

import math

import keras
import numpy as np
import pytest
from keras import ops

import keras_gans
from keras_gans.regularizers import R1
from keras_gans.regularizers import GradientPenalty
from keras_gans.regularizers import PathLength
from keras_gans.regularizers import Penalty
from keras_gans.regularizers import WeightClip
from keras_gans.regularizers import gradient_penalty
from keras_gans.regularizers import r1_penalty
from keras_gans.regularizers.path_length import path_lengths
from tests import helpers
from tests.helpers import to_numpy
from tests.training.test_vjp import weight_gradients

SHAPE = (3, 3, 1)


def _images(n, seed, shape=SHAPE):
    return np.random.default_rng(seed).uniform(-1, 1, (n,) + shape).astype(
        "float32"
    )


def _tensor(array):
    return ops.convert_to_tensor(np.asarray(array, "float32"))


def _linear_critic(w):
    """`x -> <x, w>` per example: its input gradient is `w` everywhere."""
    w = _tensor(w)
    return lambda x: ops.sum(x * w, axis=(1, 2, 3))[:, None]


def _alphas(n, seed):
    # The same seed draws the alphas the penalty draws.
    return to_numpy(
        keras.random.uniform(
            (n, 1, 1, 1), seed=keras.random.SeedGenerator(seed)
        )
    )


# ------------------------------------------------- the penalty functions


def test_r1_of_a_linear_critic_is_its_squared_weight_norm():
    w = _images(1, 0)[0]
    value = r1_penalty(_linear_critic(w), _tensor(_images(5, 1)))
    np.testing.assert_allclose(to_numpy(value), np.sum(w**2), rtol=1e-5)


@pytest.mark.parametrize("target", [1.0, 0.5])
def test_gradient_penalty_of_a_linear_critic(target):
    w = _images(1, 0)[0]
    value = gradient_penalty(
        _linear_critic(w),
        _tensor(_images(5, 1)),
        _tensor(_images(5, 2)),
        keras.random.SeedGenerator(3),
        target=target,
    )
    expected = (np.sqrt(np.sum(w**2)) - target) ** 2
    np.testing.assert_allclose(to_numpy(value), expected, rtol=1e-5)


def test_gradient_penalty_differentiates_at_per_example_interpolates():
    # critic(x) = |x|^2 / 2 per example has the gradient x itself.
    real, fake = _images(5, 1), _images(5, 2)
    value = gradient_penalty(
        lambda x: 0.5 * ops.sum(ops.square(x), axis=(1, 2, 3)),
        _tensor(real),
        _tensor(fake),
        keras.random.SeedGenerator(3),
    )
    alpha = _alphas(5, 3)
    assert not np.allclose(alpha, alpha[0]), "one alpha per example"
    interpolates = real + alpha * (fake - real)
    norms = np.sqrt(np.sum(interpolates**2, axis=(1, 2, 3)))
    np.testing.assert_allclose(
        to_numpy(value), np.mean((norms - 1.0) ** 2), rtol=1e-5
    )


def _critic(batchnorm=False):
    layers = [keras.Input(SHAPE), keras.layers.Flatten()]
    layers.append(keras.layers.Dense(6, activation="tanh"))
    if batchnorm:
        layers.append(keras.layers.BatchNormalization())
    layers.append(keras.layers.Dense(1))
    critic = keras.Sequential(layers)
    rng = np.random.default_rng(0)
    for variable in critic.trainable_variables:
        variable.assign(rng.normal(size=variable.shape).astype("float32"))
    return critic


def test_r1_of_a_network_matches_finite_differences():
    critic = _critic()
    w1, b1, w2, b2 = [to_numpy(w).astype("float64") for w in critic.weights]
    real = _images(5, 1).astype("float64")
    eps = 1e-6
    grads = np.zeros_like(real)
    for index in np.ndindex(SHAPE):
        step = np.zeros_like(real)
        step[(slice(None),) + index] = eps

        def score(x):
            return (np.tanh(x.reshape(len(x), -1) @ w1 + b1) @ w2 + b2)[:, 0]

        grads[(slice(None),) + index] = (
            score(real + step) - score(real - step)
        ) / (2 * eps)
    expected = np.mean(np.sum(grads**2, axis=(1, 2, 3)))
    value = r1_penalty(lambda x: critic(x, training=True), _tensor(real))
    np.testing.assert_allclose(to_numpy(value), expected, rtol=1e-4)


def test_penalties_leave_batchnorm_statistics_alone():
    critic = _critic(batchnorm=True)
    before = helpers.snapshot(critic.non_trainable_variables)
    real, fake = _tensor(_images(4, 0)), _tensor(_images(4, 1))
    score = lambda x: critic(x, training=True)  # noqa: E731
    values = [
        r1_penalty(score, real),
        gradient_penalty(score, real, fake, keras.random.SeedGenerator(0)),
    ]
    assert all(np.isfinite(to_numpy(v)) for v in values)
    for old, new in zip(before, helpers.snapshot(critic.non_trainable_variables)):
        np.testing.assert_array_equal(old, new)


# ------------------------------------------------------ penalty objects


@pytest.mark.once
@pytest.mark.parametrize(
    "make, attributes",
    [
        (GradientPenalty, dict(weight=10.0, interval=1, name="gp")),
        (
            lambda: GradientPenalty(weight=5, interval=2, name="gp2"),
            dict(weight=5.0, interval=2, name="gp2"),
        ),
        (R1, dict(gamma=10.0, weight=5.0, interval=1, name="r1")),
        (
            lambda: R1(gamma=3, interval=16),
            dict(gamma=3.0, weight=1.5, interval=16, name="r1"),
        ),
        (
            PathLength,
            dict(weight=2.0, interval=4, decay=0.01, batch_shrink=2, name="pl"),
        ),
        (
            lambda: PathLength(
                weight=1, interval=8, decay=0.05, batch_shrink=4, name="p"
            ),
            dict(weight=1.0, interval=8, decay=0.05, batch_shrink=4, name="p"),
        ),
    ],
    ids=["gp", "gp-custom", "r1", "r1-custom", "pl", "pl-custom"],
)
def test_config_round_trip(make, attributes):
    penalty = make()
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(penalty)
    )
    assert type(restored) is type(penalty)
    assert isinstance(restored, Penalty)
    assert restored.get_config() == penalty.get_config()
    for key, value in attributes.items():
        assert getattr(penalty, key) == value, key
        assert getattr(restored, key) == value, key
    assert restored.lazy == (attributes["interval"] > 1)
    assert restored.player == (
        "generator" if isinstance(penalty, PathLength) else "discriminator"
    )


@pytest.mark.once
@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: GradientPenalty(weight=0), "weight=0"),
        (lambda: GradientPenalty(weight=-1.0), "weight=-1.0"),
        (lambda: GradientPenalty(weight="x"), "weight='x'"),
        (lambda: GradientPenalty(weight=True), "weight=True"),
        (lambda: GradientPenalty(interval=0), "interval=0"),
        (lambda: R1(interval=-2), "interval=-2"),
        (lambda: R1(interval=1.5), "interval=1.5"),
        (lambda: PathLength(weight=-2), "weight=-2"),
        (lambda: PathLength(interval=True), "interval=True"),
        (lambda: PathLength(decay=0), "decay=0"),
        (lambda: PathLength(decay=1.5), "decay=1.5"),
        (lambda: PathLength(decay=-0.1), "decay=-0.1"),
        (lambda: PathLength(decay="fast"), "decay='fast'"),
        (lambda: PathLength(batch_shrink=0), "batch_shrink=0"),
        (lambda: R1(gamma=0), "gamma=0"),
        (lambda: R1(gamma=-2), "gamma=-2"),
        (lambda: R1(gamma="big"), "gamma='big'"),
        (lambda: R1(gamma=True), "gamma=True"),
    ],
)
def test_invalid_arguments_raise_naming_them(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.once
def test_models_reject_penalties_of_the_other_player():
    with pytest.raises(ValueError, match="d_penalties"):
        helpers.tiny_dcgan(d_penalties=[PathLength()])
    with pytest.raises(ValueError, match="g_penalties"):
        helpers.tiny_dcgan(g_penalties=[R1()])


def test_path_lengths_average_squares_over_layers():
    gradients = np.random.default_rng(0).normal(size=(3, 4, 5))
    np.testing.assert_allclose(
        to_numpy(path_lengths(_tensor(gradients))),
        np.sqrt(np.mean(np.sum(gradients**2, axis=2), axis=1)),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        to_numpy(path_lengths(_tensor(gradients[:, 0]))),
        np.linalg.norm(gradients[:, 0], axis=1),
        rtol=1e-5,
    )


class _LinearGenerator:
    """A stand-in model whose "generator" is `images = z A` reshaped, so
    the Jacobian with respect to the latents is `A` itself."""

    image_shape = (3, 2, 2)  # H * W = 6, not H * W * C
    latent_dim = 5

    def __init__(self, seed):
        rng = np.random.default_rng(seed)
        size = int(np.prod(self.image_shape))
        self.a = rng.normal(size=(self.latent_dim, size)).astype("float32")
        self.z = rng.normal(size=(16, self.latent_dim)).astype("float32")
        self.seed_generator = keras.random.SeedGenerator(11)
        self.batch_sizes = []

    def path_length_inputs(self, batch_size, labels):
        self.batch_sizes.append(batch_size)
        a = _tensor(self.a)

        def synthesize(z):
            return ops.reshape(ops.matmul(z, a), (-1,) + self.image_shape)

        return _tensor(self.z[:batch_size]), synthesize

    def lengths(self, noise):
        """`||Jᵀy||` per example in NumPy: `y A^T` row norms."""
        flat = noise.reshape(len(noise), -1).astype("float64")
        return np.linalg.norm(flat @ self.a.T.astype("float64"), axis=1)


def test_path_length_on_a_linear_generator_and_its_running_mean():
    model = _LinearGenerator(0)
    penalty = PathLength(weight=2.0, interval=4, decay=0.1, batch_shrink=2)
    real = np.zeros((8,) + model.image_shape, "float32")
    # The penalty's noise: the model's seed generator, drawn in order.
    seeds = keras.random.SeedGenerator(11)
    height, width = model.image_shape[:2]
    noises = [
        to_numpy(keras.random.normal((4,) + model.image_shape, seed=seeds))
        / math.sqrt(height * width)
        for _ in range(2)
    ]

    value = penalty.compute(model, _tensor(real), None, None)
    assert model.batch_sizes == [4], "batch // batch_shrink examples"
    lengths = model.lengths(noises[0])
    mean = 0.0 + 0.1 * (lengths.mean() - 0.0)
    np.testing.assert_allclose(to_numpy(penalty.pl_mean), mean, rtol=1e-5)
    np.testing.assert_allclose(
        to_numpy(value), np.mean((lengths - mean) ** 2), rtol=1e-4
    )

    # The second call starts from the running mean; loss() weighs the
    # value by weight * interval and logs it unweighted.
    tracker = keras.metrics.Mean()
    loss = penalty.loss(model, _tensor(real), None, None, tracker)
    lengths = model.lengths(noises[1])
    mean = mean + 0.1 * (lengths.mean() - mean)
    value = np.mean((lengths - mean) ** 2)
    np.testing.assert_allclose(to_numpy(penalty.pl_mean), mean, rtol=1e-5)
    np.testing.assert_allclose(to_numpy(loss), 2.0 * 4 * value, rtol=1e-4)
    np.testing.assert_allclose(to_numpy(tracker.result()), value, rtol=1e-4)


# --------------------------------------------------- penalties in models

LAZY_DCGAN = dict(
    image_shape=(8, 8, 1),
    g_filters=(8, 4),
    d_filters=(4, 8),
    latent_dim=4,
    d_batchnorm=False,
    seed=5,
)


def test_lazy_penalties_get_phases_that_run_on_due_steps_only():
    model = keras_gans.DCGAN(
        g_penalties=[PathLength(interval=2)],
        d_penalties=[R1(gamma=1, interval=2)],
        **LAZY_DCGAN,
    )
    model.compile()
    phases = model.train_phases()
    assert [p.name for p in phases] == [
        "discriminator",
        "discriminator_r1",
        "generator",
        "generator_pl",
    ]
    assert [p.interval for p in phases] == [1, 2, 1, 2]
    assert [p.optimizer for p in phases] == [
        "discriminator",
        "discriminator",
        "generator",
        "generator",
    ]
    pl_mean = model.g_penalties[0].pl_mean
    assert any(v is pl_mean for v in model.non_trainable_variables)
    trainable = model.generator.trainable_variables + (
        model.discriminator.trainable_variables
    )
    before = helpers.snapshot(trainable)
    images = helpers.random_images(12, model.image_shape)

    def step(index):
        history = helpers.fit_steps(
            model, 1, batch_size=4, images=images[4 * index :]
        )
        return history.history, (
            helpers.iterations(model.d_optimizer),
            helpers.iterations(model.g_optimizer),
            int(to_numpy(model.step_counter)),
            float(to_numpy(pl_mean)),
        )

    # Step 0 is due: each optimizer counts its player's phase and the
    # penalty's.
    logs, (d_steps, g_steps, counter, first_mean) = step(0)
    assert (d_steps, g_steps, counter) == (2, 2, 1)
    for key in ("pl", "r1"):
        assert np.isfinite(logs[key][-1]) and logs[key][-1] > 0, logs
    assert first_mean > 0
    for variable, old, new in zip(trainable, before, helpers.snapshot(trainable)):
        assert not np.allclose(old, new), f"{variable.path} did not train"
    # Step 1 is not: the lazy phases neither update nor move the mean.
    _, (d_steps, g_steps, counter, mean) = step(1)
    assert (d_steps, g_steps, counter) == (3, 3, 2)
    assert mean == first_mean
    # Step 2 is due again.
    _, (d_steps, g_steps, counter, mean) = step(2)
    assert (d_steps, g_steps, counter) == (5, 5, 3)
    assert mean != first_mean


def _tiny_adversarial_model(**kwargs):
    generator = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(16, activation="tanh"),
            keras.layers.Reshape((4, 4, 1)),
        ]
    )
    discriminator = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(8, activation="tanh", name="hidden"),
            keras.layers.Dense(1, name="score"),
        ]
    )
    return keras_gans.AdversarialModel(
        generator, discriminator, latent_dim=4, seed=5, **kwargs
    )


def test_r1_gradient_reaches_the_discriminator_weights_in_a_step():
    # With SGD and the same start, data and seeds, the penalized update
    # differs from the plain one by exactly -lr * gamma/2 * d r1 / d w:
    # the second-order gradient of the penalty through the training step.
    rate, gamma = 0.05, 10.0
    plain = _tiny_adversarial_model()
    penalized = _tiny_adversarial_model(d_penalties=[R1(gamma=gamma)])
    penalized.set_weights(plain.get_weights())
    for model in (plain, penalized):
        model.compile(
            d_optimizer=keras.optimizers.SGD(rate),
            g_optimizer=keras.optimizers.SGD(rate),
        )
    images = helpers.random_images(4, plain.image_shape)
    variables = penalized.discriminator.trainable_variables
    r1_gradients = weight_gradients(
        lambda: r1_penalty(
            lambda x: penalized.discriminator(x, training=True),
            _tensor(images),
        ),
        variables,
    )
    for model in (plain, penalized):
        history = helpers.fit_steps(model, 1, batch_size=4, images=images)
    assert history.history["r1"][-1] > 0
    for variable, old, new, grad in zip(
        variables,
        helpers.snapshot(plain.discriminator.trainable_variables),
        helpers.snapshot(variables),
        r1_gradients,
    ):
        expected = -rate * gamma / 2 * grad
        scale = np.abs(expected).max()
        if variable.path.endswith("score/bias"):
            # The score bias does not enter the input gradient.
            np.testing.assert_array_equal(new, old)
            continue
        assert scale > 1e-4, f"{variable.path}: no penalty gradient"
        np.testing.assert_allclose(
            new - old, expected, rtol=0, atol=1e-3 * scale + 1e-7,
            err_msg=variable.path,
        )


# --------------------------------------------------------- weight clip


def test_weight_clip_clips_and_serializes():
    clip = WeightClip(0.1)
    np.testing.assert_allclose(
        to_numpy(clip(keras.ops.convert_to_tensor([-1.0, 0.05, 0.3]))),
        [-0.1, 0.05, 0.1],
    )
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(clip)
    )
    assert restored.clip_value == 0.1


@pytest.mark.parametrize("bad", [0, -0.5, "x", True])
def test_weight_clip_rejects_bad_values(bad):
    with pytest.raises(ValueError, match="clip_value"):
        WeightClip(bad)
