"""The behaviour every model must show (shared by tests/models/test_contract.py
and the tests of options that change how a model trains)."""

import numpy as np

from keras_gans.training.translation_model import TranslationModel
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


def networks_of(model):
    """Every network the model trains (`generator`, `discriminator`, or
    the translators' generators and discriminators; a staged model's
    current ones)."""
    if hasattr(model, "stage_networks"):
        return list(model.stage_networks())
    return [getattr(model, key) for key in model.network_keys]


def fit_any(model, steps, seed=0):
    """Fits `steps` batches of 4 of the data the model's kind trains on."""
    if hasattr(model, "training_data"):  # holds its data (SinGAN)
        return model.fit(epochs=1, steps_per_epoch=steps, verbose=0)
    if hasattr(model, "lr_shape"):  # a super-resolution model: (lr, hr)
        lr, hr = helpers.sr_pairs(
            4 * steps, seed, model.scale, model.patch_size, model.channels
        )
        return model.fit(
            lr, hr, batch_size=4, epochs=1, shuffle=False, verbose=0
        )
    if isinstance(model, TranslationModel):
        a, b = helpers.translation_pairs(4 * steps, seed=seed)
        return model.fit(
            a, b, batch_size=4, epochs=1, shuffle=False, verbose=0
        )
    images = helpers.random_images(
        4 * steps, model.image_shape, seed=seed
    )
    return helpers.fit_steps(model, steps, batch_size=4, images=images)


def check_fit_updates(model, steps=3, d_steps=1, may_stay=()):
    """Fits `steps` steps; every weight and statistic of every network
    must move, each optimizer counts its steps, every tracked loss is
    logged and finite.

    `may_stay`: path suffixes of variables whose gradient is exactly zero by
    construction (e.g. the critic's output bias under the Wasserstein or
    hinge losses, where it cancels between the real and fake terms).
    """
    networks = networks_of(model)
    trainable = [v for n in networks for v in n.trainable_variables]
    statistics = [v for n in networks for v in n.non_trainable_variables]
    before = helpers.snapshot(trainable)
    statistics_before = helpers.snapshot(statistics)
    history = fit_any(model, steps)
    for key in model.tracked_metric_names():
        assert key in history.history, (key, history.history)
        assert np.isfinite(history.history[key][-1]), key
    after = helpers.snapshot(trainable)
    for variable, a, b in zip(trainable, before, after):
        assert not np.allclose(a, b) or variable.path.endswith(may_stay), (
            f"{variable.path} did not train"
        )
    if statistics:
        assert _moved(
            statistics_before,
            helpers.snapshot(statistics),
            statistics,
            may_stay,
        ), "BatchNorm statistics and spectral-norm vectors should move"
    assert helpers.iterations(model.g_optimizer) == steps
    assert helpers.iterations(model.d_optimizer) == steps * d_steps


def check_roundtrip_resumes(model, tmp_path, steps=2):
    """Saved and reloaded, the model continues exactly like the original:
    weights (EMA generator, spectral-norm vectors, augmentation
    probability, image pools), both optimizers and the seed states."""
    start = helpers.iterations(model.g_optimizer)
    fit_any(model, steps)
    restored = helpers.save_and_reload(model, tmp_path)
    assert type(restored) is type(model)
    for original, loaded in (
        (model.weights, restored.weights),
        (model.optimizer.variables, restored.optimizer.variables),
    ):
        assert len(original) == len(loaded)
        for a, b in zip(helpers.snapshot(original), helpers.snapshot(loaded)):
            np.testing.assert_array_equal(a, b)
    assert helpers.iterations(restored.g_optimizer) == start + steps
    if hasattr(model, "gan_loss"):
        assert type(restored.gan_loss) is type(model.gan_loss)
    fit_any(model, 2, seed=5)
    fit_any(restored, 2, seed=5)
    assert helpers.iterations(restored.g_optimizer) == start + steps + 2
    for variable, a, b in zip(
        model.weights,
        helpers.snapshot(model.weights),
        helpers.snapshot(restored.weights),
    ):
        np.testing.assert_allclose(
            b, a, rtol=1e-6, atol=1e-6, err_msg=variable.path
        )


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
