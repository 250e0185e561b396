"""The one training step: shared forwards, phase intervals, optimizers."""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.training.phase import Forward
from keras_gans.training.phase import Phase
from tests import helpers


def _count_calls(network, counter):
    call = network.call

    def counted(*args, **kwargs):
        counter[network.name] = counter.get(network.name, 0) + 1
        return call(*args, **kwargs)

    network.call = counted


def _generator_forwards_per_step(model, networks):
    counter = {}
    for network in networks:
        _count_calls(network, counter)
    # Eager: each call of the step runs the Python code once (a traced
    # step would count its tracings).
    model.compile(run_eagerly=True)
    a, b = helpers.translation_pairs(8)
    model.fit(a, b, batch_size=4, epochs=1, steps_per_epoch=1, verbose=0)
    return sum(counter.values())


# The forward counts are the plan's and the loop's, both backend-neutral;
# each driver's `forward` calls the pass once (a traced pass, on JAX, is
# checked by the shared-forward test below). Counting needs an eager step,
# which costs JAX an op-by-op compile: the counts run once.
@pytest.mark.once
def test_cyclegan_runs_six_generator_forwards_per_step_as_the_official_code():
    # G_AB(a), G_BA(b) once (shared by both phases), two cycles, two
    # identities; 8 when the D phase regenerated its fakes.
    model = helpers.tiny_translator(keras_gans.CycleGAN)
    assert [type(item).__name__ for item in model.train_phases()] == [
        "Forward", "Phase", "Phase"
    ]
    forwards = _generator_forwards_per_step(
        model, (model.generator_ab, model.generator_ba)
    )
    assert forwards == 6


@pytest.mark.once
def test_pix2pix_runs_its_generator_once_per_step():
    model = helpers.tiny_translator(keras_gans.Pix2Pix)
    assert _generator_forwards_per_step(model, (model.generator,)) == 1


def test_a_shared_forward_trains_the_generator_through_it():
    # Pix2Pix's G phase reads the fakes made before the D phase: its
    # update must equal the update of a G phase that computes them itself.
    shared = helpers.tiny_translator(keras_gans.Pix2Pix, seed=5)
    own = helpers.tiny_translator(keras_gans.Pix2Pix, seed=5)
    own.set_weights(shared.get_weights())

    # The old step: each loss runs the generator itself.
    own.train_phases = lambda: [
        item for item in type(own).train_phases(own)
        if not isinstance(item, Forward)
    ]
    own.shared = lambda name, *batch: own.translate_batch(*batch)
    for model in (shared, own):
        # SGD: the update is the gradient; dropout is off so that the
        # regenerated fakes are the same images.
        model.compile(
            d_optimizer=keras.optimizers.SGD(0.1),
            g_optimizer=keras.optimizers.SGD(0.1),
        )
    for layer in shared.generator.layers + own.generator.layers:
        if isinstance(layer, keras.layers.Dropout):
            layer.rate = 0.0
    initial = helpers.snapshot(own.generator.trainable_weights)
    a, b = helpers.translation_pairs(4)
    for model in (shared, own):
        model.fit(a, b, batch_size=4, epochs=1, verbose=0, shuffle=False)
    moved = False
    # Trainable weights only: BatchNorm's moving statistics see one batch
    # per forward, and the old step made two.
    for x, y, before in zip(
        helpers.snapshot(shared.generator.trainable_weights),
        helpers.snapshot(own.generator.trainable_weights),
        initial,
    ):
        np.testing.assert_allclose(x, y, rtol=1e-4, atol=1e-6)
        moved = moved or not np.allclose(x, before)
    assert moved


class _Counting(keras_gans.DCGAN):
    """A DCGAN with an extra phase that only counts when it runs."""

    def train_phases(self):
        return super().train_phases() + [
            Phase(
                "every_third",
                (self.generator,),
                "generator",
                # Zero, but connected to the generator's weights.
                lambda images, labels: 0.0 * keras.ops.mean(
                    self.generate_batch(2, None)
                ),
                repeats=2,
                interval=3,
            )
        ]


def test_an_interval_phase_runs_on_due_counts_only():
    model = helpers.tiny_dcgan(cls=_Counting)
    model.compile()
    helpers.fit_steps(model, 3)
    # Counts step * repeats + repeat = 0..5, due at 0 and 3: 3 main G
    # updates and 2 of the extra phase.
    assert helpers.iterations(model.g_optimizer) == 5
    assert int(helpers.to_numpy(model.step_counter)) == 3


@pytest.mark.once
def test_phase_and_stage_arguments_are_checked():
    with pytest.raises(ValueError, match="interval=0"):
        Phase("p", (), "generator", None, interval=0)
    with pytest.raises(ValueError, match="repeats=-1"):
        Phase("p", (), "generator", None, repeats=-1)
    with pytest.raises(ValueError, match="steps=0"):
        keras_gans.Stage("s", steps=0)


def test_any_number_of_named_optimizers_are_compiled_and_saved(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile(
        optimizers={
            "discriminator": keras.optimizers.SGD(0.01),
            "generator": "rmsprop",
            "spare": keras.optimizers.Adam(3e-4),
        }
    )
    assert sorted(model.optimizer.members) == ["discriminator", "generator", "spare"]
    assert isinstance(model.g_optimizer, keras.optimizers.RMSprop)
    helpers.fit_steps(model, 1)
    restored = helpers.save_and_reload(model, tmp_path)
    members = restored.optimizer.members
    assert sorted(members) == ["discriminator", "generator", "spare"]
    assert isinstance(members["spare"], keras.optimizers.Adam)
    assert float(members["spare"].learning_rate) == pytest.approx(3e-4)
    for a, b in zip(
        helpers.snapshot(model.g_optimizer.variables),
        helpers.snapshot(restored.g_optimizer.variables),
    ):
        np.testing.assert_array_equal(a, b)


def test_optimizer_arguments_are_checked():
    model = helpers.tiny_dcgan()
    with pytest.raises(ValueError, match="given twice"):
        model.compile(d_optimizer="sgd", optimizers={"discriminator": "adam"})
    with pytest.raises(ValueError, match="optimizers='adam'"):
        model.compile(optimizers="adam")
    with pytest.raises(ValueError, match="no default"):
        helpers.tiny_dcgan(cls=_NeedsExtra).compile()


class _NeedsExtra(keras_gans.DCGAN):
    def train_phases(self):
        return super().train_phases() + [
            Phase("extra", (self.generator,), "extra", lambda i, l: keras.ops.zeros(()))
        ]


def test_seed_states_are_saved_by_path(tmp_path):
    from keras_gans.training.state_paths import seed_generator_paths

    model = helpers.tiny_dcgan(
        d_dropout=0.25, augment="translation", ema_decay=0.9
    )
    paths = seed_generator_paths(model)
    assert "self:0" in paths and "augment:0" in paths
    # Dropout layers of the discriminator, by position (their automatic
    # names change when a network is rebuilt from its config).
    assert sum(path.startswith("discriminator:") for path in paths) == 2
    model.compile()
    helpers.fit_steps(model, 1)
    restored = helpers.save_and_reload(model, tmp_path)
    for path, generator in seed_generator_paths(restored).items():
        np.testing.assert_array_equal(
            helpers.to_numpy(generator.state),
            helpers.to_numpy(paths[path].state),
        )
