"""StageSnapshot: a staged model's network kept when a stage is complete."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.callbacks import StageSnapshot
from tests.helpers import snapshot
from tests.helpers import sr_pairs
from tests.helpers import tiny_srgan


class RecordAtEpochEnd(keras.callbacks.Callback):
    """The generator's weights at the end of every epoch."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(snapshot(self.model.generator.weights))


def tiny_critic():
    """A critic of one Dense layer: the callback does not depend on the
    discriminator, and SRGAN's default one costs seconds to trace."""
    return keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ]
    )


@pytest.mark.once
def test_saves_the_network_as_the_stage_left_it(tmp_path):
    model = tiny_srgan(
        pretrain_steps=2, gan_steps=1, discriminator=tiny_critic()
    )
    model.compile()
    lr, hr = sr_pairs(4)
    data = tf.data.Dataset.from_tensors((lr, hr)).repeat()
    path = str(tmp_path / "psnr.keras")
    record = RecordAtEpochEnd()
    model.fit_stages(
        data, steps_per_epoch=1, verbose=0,
        callbacks=[StageSnapshot(path, "pretrain"), record],
    )
    saved = keras.saving.load_model(path)
    # Epoch 1 completed pre-training; epoch 2 (the game) moved on.
    for a, b in zip(snapshot(saved.weights), record.weights[1]):
        np.testing.assert_array_equal(a, b)
    assert not all(
        np.array_equal(a, b)
        for a, b in zip(record.weights[1], record.weights[2])
    )


@pytest.mark.once
def test_errors_name_the_path_or_the_stage(tmp_path):
    with pytest.raises(ValueError, match="must end in .keras"):
        StageSnapshot(str(tmp_path / "psnr.h5"), "pretrain")
    model = tiny_srgan(
        pretrain_steps=1, gan_steps=1, discriminator=tiny_critic()
    )
    model.compile()
    lr, hr = sr_pairs(4)
    with pytest.raises(ValueError, match="Received: stage='warmup'"):
        model.fit(
            lr, hr, batch_size=4, verbose=0,
            callbacks=[StageSnapshot(str(tmp_path / "a.keras"), "warmup")],
        )
