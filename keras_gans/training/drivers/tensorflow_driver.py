"""TensorFlow gradient driver: `tf.GradientTape`, tf.distribute aware."""

import tensorflow as tf

from keras_gans.training.drivers import adversarial_scores


def replica_info():
    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context
        return 1, 0
    return context.num_replicas_in_sync, context.replica_id_in_sync_group


def _run_phase(phase, optimizer, images, labels):
    variables = phase.trainable_variables
    num_replicas = replica_info()[0]
    with tf.GradientTape() as tape:
        loss = phase.loss_fn(images, labels)
        # The optimizer sums gradients over replicas: dividing the
        # per-replica mean by the replica count makes the step that of the
        # mean over the global batch.
        if num_replicas > 1:
            loss = loss / tf.cast(num_replicas, loss.dtype)
        loss = optimizer.scale_loss(loss)
    grads = tape.gradient(loss, variables)
    optimizer.apply(grads, variables)


def _in_multi_worker_mode():
    strategy = tf.distribute.get_strategy()
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return False
    return strategy.extended._in_multi_worker_mode()


def train_step(model, data):
    images, labels = model.unpack_batch(data)
    for phase in model.train_phases():
        optimizer = model.optimizer[phase.optimizer]
        for _ in range(phase.repeats):
            _run_phase(phase, optimizer, images, labels)
    model.after_train_step()
    logs = model.get_metrics_result()
    if _in_multi_worker_mode():
        # Keras 3's multi-worker fit() averages logs with
        # `strategy.reduce("MEAN", value, axis=0)`, which fails on scalars
        # (tensorflow/tensorflow#72388): give each a leading axis of 1.
        logs = {key: tf.reshape(value, (1,)) for key, value in logs.items()}
    return logs


def input_gradients(network, x, wrap_inputs=None):
    # The enclosing phase tape records this inner gradient computation, so
    # the penalty is differentiable w.r.t. the network's weights.
    trainable = [v.value for v in network.trainable_variables]
    non_trainable = [v.value for v in network.non_trainable_variables]
    wrap_inputs = wrap_inputs or (lambda inputs: inputs)
    with tf.GradientTape() as tape:
        tape.watch(x)
        outputs, _ = network.stateless_call(
            trainable, non_trainable, wrap_inputs(x), training=True
        )
        # Summed inside the tape: ops outside it are not recorded.
        total = tf.reduce_sum(adversarial_scores(outputs))
    return tape.gradient(total, x)
