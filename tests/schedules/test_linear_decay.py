"""`LinearDecay`: the constant-then-linear schedule of CycleGAN and pix2pix."""

import json

import keras
import numpy as np
import pytest

from keras_gans.schedules import LinearDecay
from tests.helpers import iterations
from tests.helpers import to_numpy


def rate(schedule, step):
    return float(to_numpy(schedule(step)))


@pytest.mark.parametrize(
    "step, expected",
    [
        (0, 1e-3),
        (3, 1e-3),
        (4, 1e-3),  # the last step of the hold
        (5, 1e-3 * 5 / 6),  # (total - step) / (total - hold)
        (7, 1e-3 * 3 / 6),
        (9, 1e-3 * 1 / 6),
        (10, 0.0),
        (11, 0.0),
        (10_000, 0.0),
    ],
)
def test_rate_holds_then_decays_linearly_to_zero(step, expected):
    schedule = LinearDecay(1e-3, total_steps=10, hold_steps=4)
    np.testing.assert_allclose(rate(schedule, step), expected, rtol=1e-6)
    # Also for the integer tensors optimizers pass.
    np.testing.assert_allclose(
        rate(schedule, keras.ops.convert_to_tensor(step, "int32")),
        expected,
        rtol=1e-6,
    )


def test_default_hold_is_half_of_the_run():
    schedule = LinearDecay(2e-4, total_steps=7)
    assert schedule.hold_steps == 3
    np.testing.assert_allclose(rate(schedule, 3), 2e-4, rtol=1e-6)
    np.testing.assert_allclose(rate(schedule, 5), 2e-4 * 2 / 4, rtol=1e-6)
    assert rate(schedule, 7) == 0.0


def test_zero_hold_decays_from_the_first_step():
    schedule = LinearDecay(1.0, total_steps=4, hold_steps=0)
    np.testing.assert_allclose(
        [rate(schedule, t) for t in range(6)],
        [1.0, 0.75, 0.5, 0.25, 0.0, 0.0],
        rtol=1e-6,
    )


def test_config_round_trips_through_keras_serialization():
    schedule = LinearDecay(
        3e-4, total_steps=np.int64(100), hold_steps=np.int32(60)
    )
    config = schedule.get_config()
    assert config == {
        "initial_learning_rate": 3e-4,
        "total_steps": 100,
        "hold_steps": 60,
    }
    json.dumps(config)  # plain Python numbers, also from NumPy ints
    assert LinearDecay.from_config(config).get_config() == config
    revived = keras.optimizers.schedules.deserialize(
        keras.optimizers.schedules.serialize(schedule)
    )
    assert isinstance(revived, LinearDecay)
    assert revived.get_config() == config


def test_optimizer_follows_its_iterations():
    """SGD with gradient 1 moves a weight by exactly the scheduled rates,
    and `learning_rate` reads the schedule at `iterations`."""
    schedule = LinearDecay(1.0, total_steps=4, hold_steps=2)
    optimizer = keras.optimizers.SGD(schedule)
    weight = keras.Variable(0.0)
    optimizer.build([weight])
    positions = []
    for step in range(6):
        np.testing.assert_allclose(
            float(to_numpy(optimizer.learning_rate)), rate(schedule, step)
        )
        optimizer.apply([keras.ops.ones(())], [weight])
        assert iterations(optimizer) == step + 1
        positions.append(float(to_numpy(weight)))
    # Rates 1, 1, 1, 0.5, 0, 0 at steps 0..5.
    np.testing.assert_allclose(
        positions, [-1.0, -2.0, -3.0, -3.5, -3.5, -3.5], rtol=1e-6
    )


def test_a_restored_optimizer_continues_at_the_right_rate():
    optimizer = keras.optimizers.Adam(LinearDecay(1e-3, 10, 4), beta_1=0.5)
    revived = keras.optimizers.deserialize(
        keras.optimizers.serialize(optimizer)
    )
    revived.build([keras.Variable(0.0)])
    revived.iterations.assign(7)
    np.testing.assert_allclose(
        float(to_numpy(revived.learning_rate)), 1e-3 * 3 / 6, rtol=1e-6
    )


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"initial_learning_rate": 0.0}, "initial_learning_rate"),
        ({"initial_learning_rate": -1e-3}, "initial_learning_rate"),
        ({"initial_learning_rate": True}, "initial_learning_rate"),
        ({"initial_learning_rate": "2e-4"}, "initial_learning_rate"),
        ({"total_steps": 0}, "total_steps"),
        ({"total_steps": 2.5}, "total_steps"),
        ({"total_steps": True}, "total_steps"),
        ({"hold_steps": -1}, "hold_steps"),
        ({"hold_steps": 10}, "hold_steps"),  # == total_steps: no decay
        ({"hold_steps": 12}, "hold_steps"),
        ({"hold_steps": 2.5}, "hold_steps"),
        ({"hold_steps": True}, "hold_steps"),
    ],
)
def test_invalid_arguments_name_the_value(kwargs, name):
    arguments = {"initial_learning_rate": 1e-3, "total_steps": 10, **kwargs}
    with pytest.raises(ValueError, match=rf"`{name}`.*Received: {name}="):
        LinearDecay(**arguments)
