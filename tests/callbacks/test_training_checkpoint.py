import errno
import json
import os

import keras
import numpy as np
import pytest

from keras_gans.callbacks import TrainingCheckpoint
from keras_gans.utils.checkpoint_write_error import CheckpointWriteError
from tests import helpers


def _fit(model, epochs, checkpoint, initial_epoch=0):
    images = helpers.random_images(16, model.image_shape, seed=2)
    return model.fit(
        images,
        batch_size=8,
        epochs=epochs,
        initial_epoch=initial_epoch,
        shuffle=False,
        verbose=0,
        callbacks=[checkpoint],
    )


def test_keeps_the_newest_checkpoints_and_points_at_the_last(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()
    checkpoint = TrainingCheckpoint(tmp_path, keep=2)
    _fit(model, 3, checkpoint)
    files = sorted(os.listdir(tmp_path))
    assert files == ["epoch_0002.keras", "epoch_0003.keras", "latest.json"]
    with open(tmp_path / "latest.json") as f:
        # 3 epochs of 2 steps (16 images, batch 8) in the only stage.
        assert json.load(f) == {
            "epoch": 3,
            "path": "epoch_0003.keras",
            "backend": keras.backend.backend(),
            "stage": 0,
            "stage_name": "train",
            "stage_step": 6,
            "step": 6,
        }
    restored, epoch = checkpoint.restore()
    assert epoch == 3
    assert helpers.iterations(restored.g_optimizer) == 6
    for a, b in zip(
        helpers.snapshot(model.weights), helpers.snapshot(restored.weights)
    ):
        np.testing.assert_array_equal(a, b)


def test_resumed_training_matches_uninterrupted_training(tmp_path):
    keras.utils.set_random_seed(0)
    uninterrupted = helpers.tiny_dcgan()
    uninterrupted.compile()
    _fit(uninterrupted, 3, TrainingCheckpoint(tmp_path / "a"))

    keras.utils.set_random_seed(0)
    interrupted = helpers.tiny_dcgan()
    interrupted.compile()
    checkpoint = TrainingCheckpoint(tmp_path / "b")
    _fit(interrupted, 2, checkpoint)
    resumed, epoch = checkpoint.restore()
    _fit(resumed, 3, checkpoint, initial_epoch=epoch)

    assert helpers.iterations(resumed.g_optimizer) == 6
    assert helpers.iterations(resumed.d_optimizer) == 6
    for a, b in zip(
        helpers.snapshot(uninterrupted.weights),
        helpers.snapshot(resumed.weights),
    ):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_restore_is_none_without_checkpoints(tmp_path):
    assert TrainingCheckpoint(tmp_path / "missing").restore() is None


def test_latest_pointing_at_a_missing_file_raises(tmp_path):
    (tmp_path / "latest.json").write_text('{"epoch": 4, "path": "epoch_0004.keras"}')
    with pytest.raises(FileNotFoundError, match="epoch_0004.keras"):
        TrainingCheckpoint(tmp_path).latest()


@pytest.mark.parametrize("kwargs, match", [({"every": 0}, "every=0"), ({"keep": 0}, "keep=0")])
def test_bad_arguments_raise_naming_them(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        TrainingCheckpoint(tmp_path, **kwargs)


def _stateful_gan():
    """A tiny DCGAN with every kind of training state: EMA generator,
    adaptive augmentation probability, a learning-rate schedule, dropout
    and latent seed generators."""
    from keras_gans.layers import DiffAugment

    model = helpers.tiny_dcgan(
        ema_decay=0.9,
        d_dropout=0.25,
        augment=DiffAugment(
            policy="translation", probability=0.2, target=0.6,
            adjustment_images=64, seed=3,
        ),
    )
    schedule = keras.optimizers.schedules.ExponentialDecay(
        1e-3, decay_steps=2, decay_rate=0.5
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(schedule, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    return model


def _state(model):
    seeds = [s.state for s in model._all_seed_generators()]
    return helpers.snapshot(
        list(model.weights) + list(model.optimizer.variables) + seeds
    )


def test_checkpoint_restores_the_full_training_state(tmp_path):
    keras.utils.set_random_seed(0)
    model = _stateful_gan()
    checkpoint = TrainingCheckpoint(tmp_path)
    _fit(model, 2, checkpoint)
    restored, epoch = checkpoint.restore()

    assert epoch == 2
    state, restored_state = _state(model), _state(restored)
    assert len(state) == len(restored_state)
    for a, b in zip(state, restored_state):
        np.testing.assert_array_equal(a, b)
    # Each piece really moved away from its initial value, so equality
    # above is not vacuous.
    assert helpers.iterations(restored.d_optimizer) == 4
    assert float(helpers.to_numpy(restored.augment.probability)) != 0.2
    d_rate = restored.d_optimizer.learning_rate
    np.testing.assert_allclose(helpers.to_numpy(d_rate), 1e-3 * 0.5**2)
    ema = helpers.snapshot(restored.ema_generator.weights)
    live = helpers.snapshot(restored.generator.weights)
    assert len(ema) == len(live)
    assert any(not np.array_equal(a, b) for a, b in zip(ema, live))

    # Both continue identically: nothing that shapes the next steps is lost.
    _fit(model, 3, checkpoint, initial_epoch=2)
    _fit(restored, 3, checkpoint, initial_epoch=2)
    for a, b in zip(_state(model), _state(restored)):
        np.testing.assert_array_equal(a, b)


def test_a_crash_while_saving_keeps_the_previous_checkpoint(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()
    checkpoint = TrainingCheckpoint(tmp_path)
    _fit(model, 1, checkpoint)
    good = helpers.snapshot(model.weights)

    def die_half_way(path, *args, **kwargs):
        with open(path, "wb") as f:
            f.write(b"PK\x03\x04 half a zip")  # what a killed save leaves
        raise KeyboardInterrupt("killed while saving")

    model.save = die_half_way
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save(model, 2)
    assert (tmp_path / "partial-epoch_0002.keras").exists()
    with open(tmp_path / "latest.json") as f:
        assert json.load(f)["epoch"] == 1
    restored, epoch = checkpoint.restore()
    assert epoch == 1
    for a, b in zip(good, helpers.snapshot(restored.weights)):
        np.testing.assert_array_equal(a, b)
    # The next save clears the leftover.
    checkpoint.save(restored, 2)
    assert sorted(os.listdir(tmp_path)) == [
        "epoch_0001.keras", "epoch_0002.keras", "latest.json",
    ]


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _full_disk_at_the_record(payload, f, **kwargs):
    # Only latest.json is written with json.dump: the model file is
    # complete and renamed by then.
    assert f.name.endswith("latest.json.tmp")
    _full_disk()


@pytest.mark.parametrize(
    "failing, raiser",
    [
        ("keras_gans.callbacks.training_checkpoint._fsync", _full_disk),
        ("json.dump", _full_disk_at_the_record),
    ],
    ids=["model_file", "latest_json"],
)
def test_a_full_disk_keeps_the_previous_checkpoint_and_says_so(
    tmp_path, monkeypatch, failing, raiser
):
    model = helpers.tiny_dcgan()
    model.compile()
    checkpoint = TrainingCheckpoint(tmp_path)
    checkpoint.save(model, 1)
    monkeypatch.setattr(failing, raiser)

    with pytest.raises(CheckpointWriteError) as caught:
        checkpoint.save(model, 2)
    monkeypatch.undo()

    error = caught.value
    assert isinstance(error, OSError) and error.errno == errno.ENOSPC
    assert isinstance(error.__cause__, OSError)
    message = str(error)
    for part in (
        f"epoch 2 to {tmp_path}",
        "No space left on device (ENOSPC)",
        "previous checkpoint (epoch_0001.keras, epoch 1) and latest.json "
        "are unchanged",
    ):
        assert part in message
    # No partial file, no new checkpoint, no temporary record.
    assert sorted(os.listdir(tmp_path)) == ["epoch_0001.keras", "latest.json"]
    assert checkpoint.record()["epoch"] == 1
    assert checkpoint.restore()[1] == 1


def test_a_failed_first_write_stops_fit_with_none_kept(tmp_path, monkeypatch):
    model = helpers.tiny_dcgan()
    model.compile()
    monkeypatch.setattr(
        "keras_gans.callbacks.training_checkpoint._fsync", _full_disk
    )
    with pytest.raises(CheckpointWriteError, match=r"\(none yet\)"):
        _fit(model, 1, TrainingCheckpoint(tmp_path))
    assert os.listdir(tmp_path) == []


def test_a_damaged_newest_checkpoint_falls_back_to_the_previous(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()
    checkpoint = TrainingCheckpoint(tmp_path, keep=3)
    _fit(model, 2, checkpoint)
    newest = tmp_path / "epoch_0002.keras"
    newest.write_bytes(newest.read_bytes()[:100])
    with pytest.warns(UserWarning, match="epoch_0002.keras"):
        restored, epoch = checkpoint.restore()
    assert epoch == 1
    assert helpers.iterations(restored.g_optimizer) == 2


def test_an_unreadable_latest_record_falls_back_to_the_newest_file(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()
    checkpoint = TrainingCheckpoint(tmp_path)
    _fit(model, 2, checkpoint)
    (tmp_path / "latest.json").write_text('{"epoch": 2, "pa')
    with pytest.warns(UserWarning, match="unreadable"):
        path, epoch = checkpoint.latest()
    assert (os.path.basename(path), epoch) == ("epoch_0002.keras", 2)


def test_a_non_finite_model_is_never_checkpointed(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()
    checkpoint = TrainingCheckpoint(tmp_path)
    _fit(model, 1, checkpoint)
    kernel = model.discriminator.trainable_weights[0]
    kernel.assign(np.full(kernel.shape, np.nan, "float32"))
    with pytest.raises(ValueError, match="not finite.*epoch=2"):
        checkpoint.save(model, 2)
    checkpoint.set_model(model)
    checkpoint.on_epoch_end(1, {"d_loss": float("nan")})
    assert sorted(os.listdir(tmp_path)) == ["epoch_0001.keras", "latest.json"]


def test_restore_refuses_a_checkpoint_with_a_lambda_layer(tmp_path):
    inputs = keras.Input((4,))
    outputs = keras.layers.Lambda(lambda x: x * 2)(inputs)
    keras.Model(inputs, outputs).save(tmp_path / "epoch_0001.keras")
    (tmp_path / "latest.json").write_text(
        '{"epoch": 1, "path": "epoch_0001.keras"}'
    )
    with pytest.raises(ValueError, match="Refusing to load.*Lambda layer"):
        TrainingCheckpoint(tmp_path).restore()
