"""Every model family rejects an impossible architecture or latent size,
naming the argument, the value and what is allowed."""

import pytest

import keras_gans

CONVOLUTIONAL = ["DCGAN", "LSGAN", "SAGAN", "SNGAN", "WGAN", "WGANGP"]
CONDITIONAL = ["CGAN", "ACGAN"]
ALL = ["GAN"] + CONVOLUTIONAL + CONDITIONAL


def _build(name, **kwargs):
    if name in CONDITIONAL:
        kwargs.setdefault("num_classes", 3)
    return getattr(keras_gans, name)(**kwargs)


@pytest.mark.parametrize("name", CONVOLUTIONAL + CONDITIONAL)
def test_image_shape_the_upsampling_cannot_reach(name):
    # Two stride-2 upsamplings need a height and width divisible by 4.
    match = r"divisible by 4 .*Received: image_shape=\(30, 30, 1\)"
    with pytest.raises(ValueError, match=match):
        _build(name, image_shape=(30, 30, 1), g_filters=(16, 8))


@pytest.mark.parametrize("name", CONVOLUTIONAL + CONDITIONAL)
def test_image_shape_too_small_for_the_architecture(name):
    match = r"even .* and at least 6\. Received: image_shape=\(5, 5, 1\)"
    with pytest.raises(ValueError, match=match):
        _build(name, image_shape=(5, 5, 1))


@pytest.mark.parametrize("name", ALL)
def test_channel_count_other_than_1_or_3(name):
    with pytest.raises(ValueError, match=r"1 or 3 channels.*\(28, 28, 2\)"):
        _build(name, image_shape=(28, 28, 2))


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("latent_dim", [0, -4])
def test_latent_dim_not_positive(name, latent_dim):
    match = (
        r"`latent_dim` must be a positive integer\. "
        rf"Received: latent_dim={latent_dim}"
    )
    with pytest.raises(ValueError, match=match):
        _build(name, image_shape=(28, 28, 1), latent_dim=latent_dim)
