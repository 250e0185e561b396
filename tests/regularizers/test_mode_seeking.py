"""ModeSeeking: the closed form, the shared code of a pair, StyleGAN2 use."""

import types

import keras
import numpy as np
import pytest
from keras import ops

from keras_gans.regularizers import ModeSeeking
from keras_gans.regularizers import PathLength
from keras_gans.regularizers.mode_seeking import mode_seeking_term
from tests import helpers
from tests.helpers import to_numpy


def test_term_is_the_inverse_image_to_latent_distance_ratio():
    rng = np.random.default_rng(0)
    images_a, images_b = rng.uniform(-1, 1, (2, 4, 3, 3, 1)).astype("float32")
    latents_a, latents_b = rng.normal(size=(2, 4, 6)).astype("float32")
    ratio = np.abs(images_a - images_b).mean() / np.abs(latents_a - latents_b).mean()
    np.testing.assert_allclose(
        to_numpy(mode_seeking_term(images_a, images_b, latents_a, latents_b)),
        1.0 / (ratio + 1e-5),
        rtol=1e-5,
    )


def _stub_model(latent_classes, synthesize):
    """What the penalty reads of a model: latents, a generator, the code."""
    seed = keras.random.SeedGenerator(0)
    return types.SimpleNamespace(
        latent_classes=latent_classes,
        sample_latents=lambda n: keras.random.normal((n, 6), seed=seed),
        synthesize_pair=lambda a, b, labels: (synthesize(a), synthesize(b)),
    )


@pytest.mark.once  # keras.ops arithmetic on a stub: backend-independent
def test_a_pair_shares_the_code_and_differs_elsewhere():
    real = np.zeros((8, 2), "float32")
    penalty = ModeSeeking(weight=2.0, eps=1e-3)
    # A generator that reads only the code's entries draws one image per
    # category: the pairs are identical and the term is 1 / eps.
    code_only = _stub_model(2, lambda z: z[:, :2])
    np.testing.assert_allclose(
        to_numpy(penalty.compute(code_only, real, None, None)), 1e3, rtol=1e-6
    )
    # Without a code the pair's latents differ everywhere: the identity
    # generator has ratio 1.
    identity = _stub_model(0, lambda z: z)
    np.testing.assert_allclose(
        to_numpy(penalty.compute(identity, real, None, None)),
        1.0 / (1.0 + 1e-3),
        rtol=1e-6,
    )
    # The rest of the latent is drawn again: a generator reading it varies.
    rest = _stub_model(2, lambda z: z[:, 2:])
    assert to_numpy(penalty.compute(rest, real, None, None)) < 10.0
    # Weighted loss: weight * interval * value.
    np.testing.assert_allclose(
        to_numpy(penalty.loss(code_only, real, None, None)), 2e3, rtol=1e-6
    )


@pytest.mark.once
def test_bad_arguments_raise_naming_them():
    with pytest.raises(ValueError, match="eps=0"):
        ModeSeeking(eps=0)
    with pytest.raises(ValueError, match="batch_shrink=0"):
        ModeSeeking(batch_shrink=0)
    with pytest.raises(ValueError, match="weight=-1"):
        ModeSeeking(weight=-1)


def test_stylegan2_trains_with_it_logs_it_and_keeps_it_in_its_config():
    gan = helpers.tiny_stylegan2(g_penalties=[ModeSeeking(1.0)], pl_weight=0.0)
    gan.compile()
    before = [to_numpy(w).copy() for w in gan.generator.trainable_weights]
    logs = gan.fit(
        helpers.random_images(16, gan.image_shape), batch_size=8, epochs=1,
        verbose=0,
    ).history
    assert np.isfinite(logs["mode_seeking"][-1]) and logs["mode_seeking"][-1] > 0
    after = [to_numpy(w) for w in gan.generator.trainable_weights]
    assert any(not np.array_equal(b, a) for b, a in zip(before, after))
    clone = type(gan).from_config(gan.get_config())
    assert [type(p).__name__ for p in clone.g_penalties] == ["ModeSeeking"]
    with_pl = type(gan).from_config(
        {**gan.get_config(), "pl_weight": 2.0}
    )
    assert [type(p).__name__ for p in with_pl.g_penalties] == [
        "ModeSeeking", "PathLength"
    ]
    with pytest.raises(ValueError, match="pl_weight"):
        helpers.tiny_stylegan2(g_penalties=[PathLength(2.0)])


def test_stylegan2_pairs_share_their_noise_and_leave_styles_unmixed():
    # With style mixing always on, mixed pairs of equal latents would
    # differ through their second latents.
    gan = helpers.tiny_stylegan2(style_mixing=1.0)
    for variable in gan.generator.weights:
        if variable.path.endswith("strength"):
            variable.assign(np.full(variable.shape, 0.5, "float32"))
    z = gan.latents_for(3, seed=0)
    images_a, images_b = gan.synthesize_pair(z, z, None)
    np.testing.assert_array_equal(to_numpy(images_a), to_numpy(images_b))
    w_avg = to_numpy(gan.generator.mapping.w_avg).copy()
    gan.synthesize_pair(z, z, None)
    np.testing.assert_array_equal(to_numpy(gan.generator.mapping.w_avg), w_avg)
    # The same latents through `synthesize` draw noise per image.
    images = to_numpy(gan.synthesize(ops.concatenate([z, z], axis=0), None))
    assert np.abs(images[:3] - images[3:]).max() > 1e-3
