"""The training step of every keras-gans model, written once.

`run_train_step` is backend-neutral: it walks the model's plan
(`train_phases()`: `Phase`s and shared `Forward` passes) and asks the
backend's `StepSession` (see `keras_gans.training.drivers`) to take
gradients and apply updates. Reading it is reading one training step of
any model on any backend.
"""

from keras import ops

from keras_gans.training.phase import Forward
from keras_gans.training.step_context import StepContext


def run_train_step(model, session):
    """One `train_step` of `model` through a driver's `session`.

    Returns:
        What `fit()` expects from `train_step` on the session's backend.
    """
    with session.scope():
        batch = model.unpack_batch(session.data)
        context = StepContext(batch)
        model._begin_step(context)
        try:
            for item in model.train_phases():
                if isinstance(item, Forward):
                    _share(session, context, item)
                else:
                    _run_phase(model, session, context, item)
            session.run(model.after_train_step)
            session.run(model._count_step)
            logs = session.run(model.get_metrics_result)
        finally:
            model._end_step()
    return session.finish(logs)


def _share(session, context, forward):
    variables = forward.trainable_variables
    outputs = session.forward(
        forward.name, lambda: forward.fn(*context.batch), variables
    )
    context.share(forward.name, outputs, variables)


def _run_phase(model, session, context, phase):
    optimizer = model.optimizer[phase.optimizer]
    shared = context.differentiable_for(phase.trainable_variables)

    def loss_fn(shared_values):
        with context.substituting(shared_values):
            return phase.loss_fn(*context.batch)

    for repeat in range(phase.repeats):
        due = None
        if phase.interval > 1:
            due = session.run(lambda: _is_due(model, phase, repeat))
        session.update(phase, optimizer, loss_fn, shared, due)


def _is_due(model, phase, repeat):
    count = model.step_counter.value * phase.repeats + repeat
    return ops.equal(ops.mod(count, phase.interval), 0)
