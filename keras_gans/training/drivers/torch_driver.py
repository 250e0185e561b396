"""PyTorch gradient driver: eager autograd, one optimizer per phase."""

import contextlib

import keras
import torch
from keras import tree

from keras_gans.training.drivers import discarding_scope
from keras_gans.training.drivers import state_restorer


def keep_state_on_fault(model):
    # Variables are updated in place, so a step that fails part-way keeps
    # what it assigned so far (BatchNorm statistics, an earlier phase's
    # update). One host copy per fit() call, not per step, undoes that for
    # the first step, the one a bug in new code fails.
    return state_restorer(model)


def replica_info():
    return 1, 0


def _requiring_grad(x):
    # convert_to_tensor puts NumPy inputs on the model's device.
    x = keras.ops.convert_to_tensor(x)
    # A tensor computed from weights keeps its history, so the result is
    # also differentiable through how `x` was made (path length's latents
    # come from the mapping network); a leaf gets its own gradient.
    if x.requires_grad:
        return x
    return x.detach().requires_grad_(True)


def vjp(fn, inputs, cotangent=None, create_graph=True):
    flat_inputs = [_requiring_grad(x) for x in tree.flatten(inputs)]
    with torch.enable_grad(), discarding_scope():
        outputs = fn(tree.pack_sequence_as(inputs, flat_inputs))
    if not outputs.requires_grad:
        # Independent of the inputs (and of any weight): zero gradients,
        # as on TensorFlow and JAX.
        zeros = [torch.zeros_like(x) for x in flat_inputs]
        return outputs, tree.pack_sequence_as(inputs, zeros)
    if cotangent is None:
        target, grad_outputs = outputs.sum(), None
    else:
        target = outputs
        grad_outputs = keras.ops.convert_to_tensor(cotangent, outputs.dtype)
    grads = torch.autograd.grad(
        target,
        flat_inputs,
        grad_outputs=grad_outputs,
        create_graph=create_graph,
        # `outputs` stays differentiable (as on TensorFlow and JAX) even
        # when the product itself is a constant.
        retain_graph=True,
        allow_unused=True,
    )
    grads = [
        torch.zeros_like(x) if g is None else g
        for g, x in zip(grads, flat_inputs)
    ]
    return outputs, tree.pack_sequence_as(inputs, grads)


class StepSession:
    """One `train_step` on torch (see `keras_gans.training.drivers`)."""

    def __init__(self, model, data):
        self.model = model
        self.data = data
        self._retain = False

    def scope(self):
        # Ops run in order: nothing runs before the batch exists.
        return contextlib.nullcontext()

    def run(self, fn):
        with torch.no_grad():
            return fn()

    def forward(self, name, fn, variables):
        # Autograd keeps the graph from the outputs to the weights: a later
        # phase's gradient flows through it by itself. More than one phase
        # may walk it, so no phase may free it.
        self._retain = True
        return fn()

    def update(self, phase, optimizer, loss_fn, shared, due=None):
        if due is not None and not bool(due):
            return
        variables = phase.trainable_variables
        loss = optimizer.scale_loss(loss_fn(dict(shared)))
        # autograd.grad (not backward) leaves the other player's .grad
        # untouched, so no zero_grad bookkeeping is needed between phases.
        grads = torch.autograd.grad(
            loss,
            [v.value for v in variables],
            allow_unused=True,
            retain_graph=self._retain,
        )
        grads = [
            torch.zeros_like(v.value) if g is None else g
            for g, v in zip(grads, variables)
        ]
        with torch.no_grad():
            optimizer.apply(grads, variables)

    def finish(self, logs):
        return logs
