import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.layers import ClusterScore
from tests import helpers


def test_picks_the_score_of_the_code_heads_category():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(6, 4)).astype("float32")
    logits = rng.normal(size=(6, 4)).astype("float32")
    picked = helpers.to_numpy(ClusterScore()([scores, logits]))
    expected = scores[np.arange(6), logits.argmax(axis=1)][:, None]
    np.testing.assert_array_equal(picked, expected)


def test_a_score_per_category_is_required():
    with pytest.raises(ValueError, match=r"scores shape=\(2, 3\).*\(2, 4\)"):
        ClusterScore()([np.zeros((2, 3), "float32"), np.zeros((2, 4), "float32")])


def test_a_cluster_scored_discriminator_reads_one_score_per_category():
    disc = keras_gans.DCGANDiscriminator(
        (16, 16, 1), filters=(8, 16), code_classes=3, cluster_scores=True
    )
    images = np.random.default_rng(1).normal(size=(5, 16, 16, 1))
    score, logits = disc(images.astype("float32"))
    # The per-category scores are the "score" layer's, before the pick.
    scorer = keras.Model(disc.inputs, disc.get_layer("score").output)
    per_category = helpers.to_numpy(scorer(images.astype("float32")))
    assert per_category.shape == (5, 3)
    chosen = helpers.to_numpy(logits).argmax(axis=1)
    np.testing.assert_allclose(
        helpers.to_numpy(score)[:, 0], per_category[np.arange(5), chosen], rtol=1e-6
    )
