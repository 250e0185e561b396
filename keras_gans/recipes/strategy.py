"""`--strategy`: data-parallel training on several devices or hosts.

- `auto`: TensorFlow `MirroredStrategy` if the host has several GPUs, else
  one device; JAX `DataParallel` over all devices if there are several;
  torch one device.
- `mirrored`: TensorFlow `MirroredStrategy` (all local GPUs, or the CPU);
  JAX as `auto`.
- `multiworker`: TensorFlow `MultiWorkerMirroredStrategy` (needs
  `TF_CONFIG`); JAX `keras.distribution.initialize()`, then `DataParallel`
  over every process's devices.
- `tpu`: TensorFlow `TPUStrategy`; JAX `DataParallel` over the TPU cores.

torch has no multi-device `fit()` for custom train steps: anything but
`auto` is refused there.

`--batch-size` is always the global batch, split evenly over the replicas;
the losses are averaged over it, so N replicas take the step of one device
at the same batch (see README, "Multi-GPU and multi-host").
"""

import contextlib
import json
import os

from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import format_received

STRATEGIES = ("auto", "mirrored", "multiworker", "tpu")


def select_strategy(name="auto", batch_size=None):
    """Sets up the distribution `name` on the active Keras backend.

    Call it before loading data or building models: TensorFlow's
    multi-worker strategy must exist before any other TensorFlow op, and a
    JAX `DataParallel` distribution applies to models created after it.

    Args:
        name: one of `STRATEGIES`.
        batch_size: the global batch size, checked to split evenly over the
            replicas (`None` skips the check).

    Returns:
        `(scope, num_replicas)`: a context manager to build, compile (and
        restore) the model in (`tf.distribute`'s `strategy.scope()` on
        TensorFlow; a no-op on JAX, whose distribution is process-wide, and
        torch), and the number of replicas.

    Raises:
        ValueError: for an unknown `name`, a non-`auto` strategy on torch,
            `multiworker` without `TF_CONFIG` on TensorFlow, `tpu` without a
            TPU, or a batch that does not split over the replicas.

    Example:

    ```python
    scope, replicas = select_strategy("mirrored", batch_size=64)
    dataset = keras_gans.data.load("digits", batch_size=64)
    with scope:
        gan = keras_gans.DCGAN()
        gan.compile()
    gan.fit(dataset)
    ```
    """
    import keras

    check_choice("strategy", name, STRATEGIES)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        strategy = _tensorflow_strategy(name)
        scope = strategy.scope() if strategy else contextlib.nullcontext()
        replicas = strategy.num_replicas_in_sync if strategy else 1
    elif backend == "jax":
        replicas = _jax_distribution(name)
        scope = contextlib.nullcontext()
    else:
        if name != "auto":
            raise ValueError(
                f"Multi-device training needs the tensorflow or jax backend: "
                f"Keras has no distribution for custom train steps on "
                f"{backend}. Use --strategy auto (one device) or "
                "--backend tensorflow|jax. " + format_received(strategy=name)
            )
        scope, replicas = contextlib.nullcontext(), 1
    if batch_size is not None and batch_size % replicas:
        raise ValueError(
            f"`batch_size` is the global batch and must split evenly over "
            f"the {replicas} replicas. "
            + format_received(batch_size=batch_size, strategy=name)
        )
    return scope, replicas


def non_chief_name():
    """`None` on the process that writes checkpoints and exports, else a name.

    The chief is TF_CONFIG's `chief` task, or `worker` 0 of a cluster
    without one; on JAX, process 0. Other processes get e.g. `"worker_1"`,
    so that they can write to their own folders.
    """
    import keras

    if keras.backend.backend() == "jax":
        import jax

        index = jax.process_index()
        return None if index == 0 else f"process_{index}"
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    task = config.get("task", {})
    kind, index = task.get("type", "worker"), int(task.get("index", 0))
    has_chief = bool(config.get("cluster", {}).get("chief"))
    if kind == "chief" or (kind == "worker" and index == 0 and not has_chief):
        return None
    return f"{kind}_{index}"


def _tensorflow_strategy(name):
    import tensorflow as tf

    if name == "auto":
        if len(tf.config.list_logical_devices("GPU")) > 1:
            return tf.distribute.MirroredStrategy()
        return None
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        if not os.environ.get("TF_CONFIG"):
            raise ValueError(
                "--strategy multiworker needs the TF_CONFIG environment "
                "variable describing the cluster, e.g. "
                '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
                '"task": {"type": "worker", "index": 0}}. '
                + format_received(TF_CONFIG=None)
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    return _tpu_strategy(tf)


def _tpu_strategy(tf):
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError) as error:
        raise ValueError(
            "--strategy tpu found no TPU (set TPU_NAME or run on a TPU VM). "
            f"{error} " + format_received(strategy="tpu")
        ) from error
    return tf.distribute.TPUStrategy(resolver)


def _jax_distribution(name):
    import jax
    import keras

    if name == "multiworker":
        # Reads the coordinator address, process count and id from the
        # environment (JAX's distributed initialization).
        keras.distribution.initialize()
    devices = jax.devices()
    if name == "tpu" and devices[0].platform != "tpu":
        raise ValueError(
            "--strategy tpu found no TPU devices; JAX sees "
            f"{devices[0].platform} devices. " + format_received(strategy=name)
        )
    if len(devices) > 1:
        keras.distribution.set_distribution(
            keras.distribution.DataParallel(devices=devices)
        )
    return len(devices)
