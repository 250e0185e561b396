"""One adversarial update: a loss, the networks it trains and their optimizer."""

import dataclasses
from typing import Callable, Tuple


@dataclasses.dataclass(frozen=True)
class Phase:
    """A gradient step of one player in an adversarial game.

    The base model's `train_step` runs its phases in order, each `repeats`
    times: gradients of `loss_fn` are taken with respect to the trainable
    variables of `networks` only and applied with the group member named
    `optimizer`. Anything else the loss reads (the other player's weights,
    BatchNorm statistics, seeds, metric trackers) is state, carried through by
    the backend's gradient driver.

    Args:
        name: short name, e.g. `"discriminator"`.
        networks: the Keras models/layers this phase trains.
        optimizer: key of the optimizer in the model's `OptimizerGroup`.
        loss_fn: callable `(images, labels) -> scalar tensor`, written with
            `keras.ops`; `labels` is `None` for unconditional data.
        repeats: how many times the phase runs per `train_step`
            (`d_steps` / n_critic for a discriminator).
    """

    name: str
    networks: Tuple
    optimizer: str
    loss_fn: Callable
    repeats: int = 1

    @property
    def trainable_variables(self):
        variables = []
        seen = set()
        for network in self.networks:
            for variable in network.trainable_variables:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    variables.append(variable)
        return variables
