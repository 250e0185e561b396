"""ClusterConsistency: the divergence by hand, in a DCGAN step, errors."""

import keras
import numpy as np
import pytest

from keras_gans.regularizers import ClusterConsistency
from keras_gans.regularizers.cluster_consistency import consistency_divergence
from tests import helpers
from tests.helpers import to_numpy


def _log_softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def test_divergence_is_the_batch_mean_kl_and_zero_for_equal_logits():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(5, 4)).astype("float32")
    shifted = rng.normal(size=(5, 4)).astype("float32")
    log_p, log_q = _log_softmax(logits), _log_softmax(shifted)
    expected = np.mean(np.sum(np.exp(log_p) * (log_p - log_q), axis=-1))
    got = to_numpy(consistency_divergence(logits, shifted))
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert expected > 0.1
    np.testing.assert_allclose(
        to_numpy(consistency_divergence(logits, logits)), 0.0, atol=1e-6
    )


def test_a_dcgan_step_logs_it_and_trains_the_code_head_with_it():
    def head_after_one_step(penalties):
        gan = helpers.tiny_dcgan(latent_classes=4, d_penalties=penalties)
        gan.compile()
        history = helpers.fit_steps(gan, 1)
        return gan.discriminator.get_weights(), history.history

    plain, _ = head_after_one_step(None)
    weights, logs = head_after_one_step([ClusterConsistency(5.0, seed=1)])
    value = logs["consistency"][0]
    assert np.isfinite(value) and value > 0
    # The same seeds, the same batch: only the penalty's gradient differs.
    assert any(not np.allclose(a, b) for a, b in zip(weights, plain))


@pytest.mark.once
def test_config_round_trip_and_errors():
    penalty = ClusterConsistency(0.5, max_shift=3, seed=4)
    clone = ClusterConsistency.from_config(penalty.get_config())
    assert (clone.weight, clone.max_shift, clone.seed, clone.name) == (
        0.5, 3, 4, "consistency"
    )
    with pytest.raises(ValueError, match="max_shift"):
        ClusterConsistency(max_shift=0)
    gan = helpers.tiny_dcgan(d_penalties=[ClusterConsistency()])
    gan.compile()
    with pytest.raises(ValueError, match="code head.*DCGAN"):
        helpers.fit_steps(gan, 1)
