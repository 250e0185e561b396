"""The behaviour every unconditional variant must show (shared by tests)."""

import numpy as np

from tests import helpers


def check_generate(model):
    images = model.generate(5, seed=0)
    assert images.shape == (5,) + model.image_shape
    assert images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    np.testing.assert_array_equal(images, model.generate(5, seed=0))
    assert not np.allclose(images, model.generate(5, seed=1))


def _moved(before, after, variables, may_stay=()):
    return all(
        not np.allclose(a, b) or variable.path.endswith(may_stay)
        for a, b, variable in zip(before, after, variables)
    )


def check_fit_updates(model, steps=3, d_steps=1, may_stay=()):
    """Fits `steps` steps; every weight and statistic must move.

    `may_stay`: path suffixes of variables whose gradient is exactly zero by
    construction (e.g. the critic's output bias under the Wasserstein or
    hinge losses, where it cancels between the real and fake terms).
    """
    g_before = helpers.snapshot(model.generator.trainable_variables)
    d_before = helpers.snapshot(model.discriminator.trainable_variables)
    bn_before = helpers.snapshot(
        model.generator.non_trainable_variables
        + model.discriminator.non_trainable_variables
    )
    history = helpers.fit_steps(model, steps)
    for key in ("d_loss", "g_loss", "d_real", "d_fake"):
        assert key in history.history, history.history
        assert np.isfinite(history.history[key][-1])
    g_after = helpers.snapshot(model.generator.trainable_variables)
    d_after = helpers.snapshot(model.discriminator.trainable_variables)
    assert all(not np.allclose(a, b) for a, b in zip(g_before, g_after)), (
        "every generator weight should move"
    )
    assert _moved(
        d_before, d_after, model.discriminator.trainable_variables, may_stay
    ), "every discriminator weight should move"
    bn_after = helpers.snapshot(
        model.generator.non_trainable_variables
        + model.discriminator.non_trainable_variables
    )
    if bn_before:
        assert _moved(
            bn_before,
            bn_after,
            model.generator.non_trainable_variables
            + model.discriminator.non_trainable_variables,
            may_stay,
        ), "BatchNorm statistics and spectral-norm vectors should move"
    assert helpers.iterations(model.g_optimizer) == steps
    assert helpers.iterations(model.d_optimizer) == steps * d_steps


def check_roundtrip_resumes(model, tmp_path, steps=2):
    """Saved and reloaded, the model continues exactly like the original."""
    start = helpers.iterations(model.g_optimizer)
    helpers.fit_steps(model, steps)
    restored = helpers.save_and_reload(model, tmp_path)
    assert type(restored) is type(model)
    # model.weights also holds the EMA generator, spectral-norm vectors and
    # the augmentation probability.
    for original, loaded in (
        (model.weights, restored.weights),
        (model.optimizer.variables, restored.optimizer.variables),
    ):
        assert len(original) == len(loaded)
        for a, b in zip(helpers.snapshot(original), helpers.snapshot(loaded)):
            np.testing.assert_array_equal(a, b)
    assert helpers.iterations(restored.g_optimizer) == start + steps
    assert type(restored.gan_loss) is type(model.gan_loss)
    images = helpers.random_images(16, model.image_shape, seed=5)
    helpers.fit_steps(model, 2, images=images)
    helpers.fit_steps(restored, 2, images=images)
    assert helpers.iterations(restored.g_optimizer) == start + steps + 2
    for a, b in zip(
        helpers.snapshot(model.weights), helpers.snapshot(restored.weights)
    ):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def check_lifecycle(model, tmp_path, steps=2):
    """Fits, saves, reloads and exports: the TFLite file reproduces the model."""
    import os

    from keras_gans.export import export_generator
    from keras_gans.export import load_generator_artifact

    helpers.fit_steps(model, steps)
    restored = helpers.save_and_reload(model, tmp_path)
    directory = os.path.join(str(tmp_path), "export")
    card = export_generator(restored, directory)
    assert card["steps"] == steps
    assert card["variant"] == type(model).__name__
    assert card["loss"] == model.gan_loss.name
    assert card["ema_decay"] == model.ema_decay
    assert card["export_errors"]["tflite_max_abs_error"] <= 1e-4
    tflite = load_generator_artifact(os.path.join(directory, "generator.tflite"))
    np.testing.assert_allclose(
        tflite.sample(4, seed=3), model.generate(4, seed=3), atol=1e-4
    )
