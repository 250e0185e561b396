"""PyTorch gradient driver: eager autograd, one optimizer per phase."""

import torch

from keras_gans.training.drivers import adversarial_scores


def replica_info():
    return 1, 0


def _run_phase(phase, optimizer, images, labels):
    variables = phase.trainable_variables
    loss = phase.loss_fn(images, labels)
    loss = optimizer.scale_loss(loss)
    # autograd.grad (not backward) leaves the other player's .grad untouched,
    # so no zero_grad bookkeeping is needed between phases.
    grads = torch.autograd.grad(
        loss, [v.value for v in variables], allow_unused=True
    )
    grads = [
        torch.zeros_like(v.value) if g is None else g
        for g, v in zip(grads, variables)
    ]
    with torch.no_grad():
        optimizer.apply(grads, variables)


def train_step(model, data):
    images, labels = model.unpack_batch(data)
    for phase in model.train_phases():
        optimizer = model.optimizer[phase.optimizer]
        for _ in range(phase.repeats):
            _run_phase(phase, optimizer, images, labels)
    with torch.no_grad():
        model.after_train_step()
    return model.get_metrics_result()


def input_gradients(network, x, wrap_inputs=None):
    trainable = [v.value for v in network.trainable_variables]
    non_trainable = [v.value for v in network.non_trainable_variables]
    wrap_inputs = wrap_inputs or (lambda inputs: inputs)
    # Penalty inputs (reals, interpolates with detached fakes) need no
    # gradient of their own history; create_graph keeps the result
    # differentiable w.r.t. the weights.
    x = x.detach().requires_grad_(True)
    outputs, _ = network.stateless_call(
        trainable, non_trainable, wrap_inputs(x), training=True
    )
    total = adversarial_scores(outputs).sum()
    (grad,) = torch.autograd.grad(total, x, create_graph=True)
    return grad
