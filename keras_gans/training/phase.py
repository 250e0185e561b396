"""One adversarial update: a loss, the networks it trains and their optimizer."""

import dataclasses
from typing import Callable, Tuple

from keras_gans.utils.validation import check_positive_int


def trainable_variables_of(networks):
    """The trainable variables of `networks`, each once, in order."""
    variables = []
    seen = set()
    for network in networks:
        for variable in network.trainable_variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                variables.append(variable)
    return variables


@dataclasses.dataclass(frozen=True)
class Phase:
    """A gradient step of one player in an adversarial game.

    The step loop (`keras_gans.training.step_loop`) runs the phases of
    `model.train_phases()` in order, each `repeats` times: gradients of
    `loss_fn` are taken with respect to the trainable variables of
    `networks` only (and, through any `Forward` the loss reads, of the
    networks that made it) and applied with the optimizer named
    `optimizer`. Anything else the loss reads (the other player's weights,
    BatchNorm statistics, seeds, metric trackers) is state, carried through
    by the backend's gradient driver.

    Args:
        name: short name, e.g. `"discriminator"`.
        networks: the Keras models/layers this phase trains.
        optimizer: name of the optimizer in the model's `OptimizerGroup`.
        loss_fn: callable `(*batch) -> scalar tensor` written with
            `keras.ops`, where `batch` is what `model.unpack_batch(data)`
            returns (`(images, labels)` for a GAN, `(a, b)` for a
            translation model).
        repeats: how many times the phase runs per `train_step`
            (`d_steps` / n_critic for a discriminator).
        interval: run only every `interval`-th time the phase comes up
            (lazy regularization: R1 every 16 D steps, path length every 4
            G steps). The skipped updates cost nothing and leave weights
            and optimizer slots untouched. The count is `model.step_counter *
            repeats + repeat`, so it is exact across resumes.

    Raises:
        ValueError: for a non-positive `repeats` or `interval`.
    """

    name: str
    networks: Tuple
    optimizer: str
    loss_fn: Callable
    repeats: int = 1
    interval: int = 1

    def __post_init__(self):
        check_positive_int("repeats", self.repeats)
        check_positive_int("interval", self.interval)

    @property
    def trainable_variables(self):
        return trainable_variables_of(self.networks)


@dataclasses.dataclass(frozen=True)
class Forward:
    """A forward pass computed once per step and shared by later phases.

    Listed among `train_phases()`, it runs where it stands, in training
    mode, and its outputs are available to the losses after it as
    `model.shared(name)`. A phase that trains one of `networks` is
    differentiated *through* the shared outputs (the driver pulls the
    loss's gradient back through this very pass), so the forward is not
    repeated; a phase training other networks reads them as constants
    (wrap them in `ops.stop_gradient` to say so). The outputs are those of
    the networks' weights at the time of the pass: a phase after an update
    of `networks` that needs fresh outputs must regenerate them.

    Args:
        name: the key the losses read, e.g. `"fakes"`.
        networks: the networks whose weights the outputs depend on.
        fn: callable `(*batch) -> tensor or structure of tensors`.
    """

    name: str
    networks: Tuple
    fn: Callable

    @property
    def trainable_variables(self):
        return trainable_variables_of(self.networks)
