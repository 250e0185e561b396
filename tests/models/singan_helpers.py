"""A tiny trained SinGAN, shared by the SinGAN application and CLI tests."""

import functools

import numpy as np

# The astronaut shrunk to 24x30: five scales from 12x15 (min_size 12 with
# the factor 0.75), each a little over the 11 px receptive field.
TINY_SIZE = (24, 30)


def tiny_image():
    """`skimage.data.astronaut()` at `TINY_SIZE`, float32 in [-1, 1]."""
    from skimage import data

    from keras_gans.data.bicubic import imresize

    image = data.astronaut().astype("float64") / 127.5 - 1.0
    image = imresize(image, output_shape=TINY_SIZE)
    return np.clip(image, -1.0, 1.0).astype("float32")


@functools.lru_cache(maxsize=None)
def tiny_singan_model():
    """A 5-scale SinGAN of width 4 trained 2 steps per scale.

    Built and trained once per test session (the process): the tests
    that use it only read it. Its images are nearly flat (two steps),
    which is all the application tests need: every scale, its noise
    amplitude and its generator exist.

    On JAX the scales are entered without the gradient steps
    (`enter_stage`, which sets each noise amplitude from the
    reconstruction as `fit_stages` does): JAX's eager mode compiles every
    operation of the WGAN-GP step anew at each scale's size, 70-110 s for
    these 10 steps on 2 shared cores, against 2-7 s on the other backends.
    """
    import keras

    from keras_gans.models.singan import SinGAN
    from tests.conftest import one_torch_thread

    model = SinGAN(
        image=tiny_image(),
        min_size=12,
        max_size=30,
        width=4,
        steps_per_scale=2,
        d_steps=1,
        g_steps=1,
        seed=0,
    )
    model.compile(run_eagerly=True)
    if keras.backend.backend() == "jax":
        for scale in range(1, model.num_scales):
            model.enter_stage(scale)
        return model
    with one_torch_thread():
        model.fit_stages(steps_per_epoch=2, verbose=0)
    return model
