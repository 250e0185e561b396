"""TensorFlow gradient driver: `tf.GradientTape`, tf.distribute aware."""

import tensorflow as tf
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
    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context
        return 1, 0
    return context.num_replicas_in_sync, context.replica_id_in_sync_group


def vjp(fn, inputs, cotangent=None, create_graph=True):
    # A tape nested in the phase's tape: the phase tape records the inner
    # gradient computation, which makes the result differentiable w.r.t.
    # the weights (double backprop) when `create_graph` is set.
    flat_inputs = [tf.convert_to_tensor(x) for x in tree.flatten(inputs)]
    with tf.GradientTape() as tape:
        tape.watch(flat_inputs)
        with discarding_scope():
            outputs = fn(tree.pack_sequence_as(inputs, flat_inputs))
        if cotangent is None:
            # Summed inside the tape: ops outside it are not recorded.
            target = tf.reduce_sum(outputs)
            output_gradients = None
        else:
            target = outputs
            output_gradients = tf.cast(cotangent, outputs.dtype)
    grads = tape.gradient(
        target,
        flat_inputs,
        output_gradients=output_gradients,
        unconnected_gradients=tf.UnconnectedGradients.ZERO,
    )
    if not create_graph:
        grads = [tf.stop_gradient(g) for g in grads]
    return outputs, tree.pack_sequence_as(inputs, grads)


def _in_multi_worker_mode():
    strategy = tf.distribute.get_strategy()
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return False
    return strategy.extended._in_multi_worker_mode()


def _check_no_strategy(phase):
    if tf.distribute.has_strategy():
        # Found on Keras 3.15 / TF 2.21: an update under `cond` calls
        # `merge_call` inside control flow (refused), and computing it
        # every step and undoing it where not due desynchronizes the
        # replicas' collective all-reduces.
        raise NotImplementedError(
            f"Phase {phase.name!r} runs every {phase.interval} steps: lazy "
            "phases (interval > 1, e.g. R1(interval=16), PathLength) are "
            "not supported under a tf.distribute strategy on the TensorFlow "
            "backend. Use interval=1 there, or the JAX backend with "
            "keras.distribution.DataParallel. "
            f"Received: interval={phase.interval}"
        )


class StepSession:
    """One `train_step` on TensorFlow (see `keras_gans.training.drivers`)."""

    def __init__(self, model, data):
        self.model = model
        self.data = data
        self._tapes = {}

    def scope(self):
        """Every op of the step waits for the batch.

        Automatic control dependencies order a traced step's updates per
        variable only, so the updates that do not read the batch (step
        counters, optimizer `iterations`, RNG states) would run even when
        fetching the batch fails: a failed step would count as done.
        """
        tensors = [x for x in tree.flatten(self.data) if tf.is_tensor(x)]
        return tf.control_dependencies(tensors)

    def run(self, fn):
        return fn()

    def forward(self, name, fn, variables):
        # Persistent: every later phase that trains these variables pulls
        # its gradient back through this recording.
        tape = tf.GradientTape(persistent=True, watch_accessed_variables=False)
        with tape:
            tape.watch([v.value for v in variables])
            outputs = fn()
        self._tapes[name] = (tape, variables)
        return outputs

    def update(self, phase, optimizer, loss_fn, shared, due=None):
        variables = phase.trainable_variables

        def gradients():
            return self._gradients(variables, optimizer, loss_fn, shared)

        if due is None:
            optimizer.apply(gradients(), variables)
            return
        _check_no_strategy(phase)
        # Only the due branch computes gradients: skipped steps cost nothing.
        zeros = lambda: [tf.zeros_like(v.value) for v in variables]  # noqa: E731
        grads = tf.cond(due, gradients, zeros)
        tf.cond(due, lambda: optimizer.apply(grads, variables), lambda: None)

    def _gradients(self, variables, optimizer, loss_fn, shared):
        num_replicas = replica_info()[0]
        shared_values = {name: outputs for name, outputs in shared}
        flat_shared = tree.flatten(shared_values)
        with tf.GradientTape() as tape:
            tape.watch(flat_shared)
            loss = loss_fn(shared_values)
            # The optimizer sums gradients over replicas: dividing the
            # per-replica mean by the replica count makes the step that of
            # the mean over the global batch.
            if num_replicas > 1:
                loss = loss / tf.cast(num_replicas, loss.dtype)
            loss = optimizer.scale_loss(loss)
        grads = tape.gradient(
            loss,
            [v.value for v in variables] + flat_shared,
            unconnected_gradients=tf.UnconnectedGradients.ZERO,
        )
        grads, shared_grads = grads[: len(variables)], grads[len(variables) :]
        shared_grads = tree.pack_sequence_as(shared_values, shared_grads)
        index = {id(v): i for i, v in enumerate(variables)}
        for name, outputs in shared:
            tape, recorded = self._tapes[name]
            common = [v for v in recorded if id(v) in index]
            pulled = tape.gradient(
                tree.flatten(outputs),
                [v.value for v in common],
                output_gradients=tree.flatten(shared_grads[name]),
                unconnected_gradients=tf.UnconnectedGradients.ZERO,
            )
            for variable, grad in zip(common, pulled):
                grads[index[id(variable)]] += grad
        return grads

    def finish(self, logs):
        if _in_multi_worker_mode():
            # Keras 3's multi-worker fit() averages logs with
            # `strategy.reduce("MEAN", value, axis=0)`, which fails on
            # scalars (tensorflow/tensorflow#72388): give each a leading
            # axis of 1.
            logs = {key: tf.reshape(value, (1,)) for key, value in logs.items()}
        return logs
