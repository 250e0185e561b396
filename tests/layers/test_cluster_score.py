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


def _dcgan_discriminator():
    return keras_gans.DCGANDiscriminator(
        (16, 16, 1), filters=(8, 16), code_classes=3, cluster_scores=True
    )


def _stylegan2_discriminator():
    return keras_gans.StyleGAN2Discriminator(
        (16, 16, 1), channel_base=64, channel_max=16, mbstd_group=0,
        code_classes=3, cluster_scores=True,
    )


@pytest.mark.parametrize(
    "build", [_dcgan_discriminator, _stylegan2_discriminator]
)
def test_a_cluster_scored_discriminator_reads_one_score_per_category(build):
    disc = build()
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


def test_stylegan2_cluster_scores_need_a_code_and_survive_a_config_round_trip():
    with pytest.raises(ValueError, match="cluster_scores=True.*code_classes=0"):
        keras_gans.StyleGAN2Discriminator((16, 16, 1), cluster_scores=True)
    disc = _stylegan2_discriminator()
    clone = keras_gans.StyleGAN2Discriminator.from_config(disc.get_config())
    assert clone.cluster_scores and clone.get_layer("score").units == 3
