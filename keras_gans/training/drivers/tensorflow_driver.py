"""TensorFlow gradient driver: `tf.GradientTape`, tf.distribute aware."""

import tensorflow as tf


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


def train_step(model, data):
    images, labels = model.unpack_batch(data)
    for phase in model.train_phases():
        optimizer = model.optimizer[phase.optimizer]
        for _ in range(phase.repeats):
            _run_phase(phase, optimizer, images, labels)
    model.after_train_step()
    return model.get_metrics_result()


def input_gradients(fn, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(tf.reduce_sum(y), x)
