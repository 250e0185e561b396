"""Mixed precision for multi-optimizer models: one loss scale per optimizer.

Under `mixed_float16` Keras wraps `model.optimizer` in a single
`keras.optimizers.LossScaleOptimizer`. An adversarial model's
`model.optimizer` is an `OptimizerGroup` whose members the gradient drivers
apply one phase at a time, so the wrapper would hide the members and share
one scale between losses of very different magnitudes. Instead every member
gets its own `LossScaleOptimizer` (its own dynamic scale, its own skipped
steps on overflow) and Keras' automatic wrapping is turned off.
"""

import keras

LOSS_SCALED_DTYPES = ("float16",)


def needs_loss_scaling(model):
    """Whether any layer of `model` computes in float16.

    float16 has 5 exponent bits: small gradients flush to zero unless the
    loss is scaled up before differentiation. bfloat16 has float32's
    exponent range and needs no scaling.

    Args:
        model: a Keras model (every nested layer is checked, so a network
            built under a different policy than the model still counts).

    Returns:
        bool.
    """
    return any(
        layer.dtype_policy.compute_dtype in LOSS_SCALED_DTYPES
        for layer in model._flatten_layers(include_self=True)
    )


def configure_loss_scaling(model, group, auto_scale_loss=True):
    """Gives each member of `group` its own dynamic loss scale if needed.

    When `auto_scale_loss` is true and `model` computes in float16 (e.g.
    under `keras.config.set_dtype_policy("mixed_float16")`), every member
    optimizer of `group` not already a `LossScaleOptimizer` is replaced by
    one wrapping it. The drivers' `optimizer.scale_loss(loss)` and
    `optimizer.apply(...)` (or `stateless_apply` on JAX) then scale each
    phase's loss and unscale its gradients, and skip that player's update
    when its gradients overflow.

    Args:
        model: the model being compiled.
        group: its `keras_gans.OptimizerGroup`, before it is built.
        auto_scale_loss: `False` leaves the members unwrapped (no loss
            scaling), like `keras.Model.compile(auto_scale_loss=False)`.

    Returns:
        The keyword arguments to pass to `keras.Model.compile`:
        `{"auto_scale_loss": False}`, since Keras' own wrapping of
        `model.optimizer` would hide the group's members.

    Example:

    ```python
    group = OptimizerGroup({"discriminator": d_opt, "generator": g_opt})
    kwargs = configure_loss_scaling(model, group)
    keras.Model.compile(model, optimizer=group, **kwargs)
    ```
    """
    if auto_scale_loss and needs_loss_scaling(model):
        for key, optimizer in group.members.items():
            if not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
                group.replace_member(
                    key,
                    keras.optimizers.LossScaleOptimizer(
                        optimizer, name=f"{key}_loss_scale_optimizer"
                    ),
                )
    return {"auto_scale_loss": False}


def _float32_config(config):
    """`config` with every mixed-precision dtype policy set to float32."""
    if isinstance(config, list):
        return [_float32_config(item) for item in config]
    if not isinstance(config, dict):
        return config
    if config.get("class_name") == "DTypePolicy" and str(
        config.get("config", {}).get("name", "")
    ).startswith("mixed_"):
        return {**config, "config": {**config["config"], "name": "float32"}}
    return {key: _float32_config(value) for key, value in config.items()}


def uses_mixed_precision(network):
    """Whether any layer of `network` has a `mixed_*` dtype policy."""
    return any(
        layer.dtype_policy.name.startswith("mixed_")
        for layer in network._flatten_layers(include_self=True)
    )


def float32_copy(network):
    """`network` itself, or a float32 copy if it computes in mixed precision.

    Mixed-precision layers keep float32 variables, so the copy has exactly
    the trained weights and computes everything in float32: what exports
    (SavedModel, TFLite, which has no bfloat16 kernels) should run.

    Args:
        network: a functional or sequential Keras model.

    Returns:
        A Keras model whose layers all compute in float32 (or whatever
        non-mixed policy they had).

    Example:

    ```python
    keras.config.set_dtype_policy("mixed_bfloat16")
    gan = keras_gans.DCGAN(image_shape=(28, 28, 1))
    exported = float32_copy(gan.generator)  # computes in float32
    ```
    """
    if not uses_mixed_precision(network):
        return network
    config = _float32_config(network.get_config())
    # Layers whose config names no dtype take the global policy.
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float32")
    try:
        copy = network.__class__.from_config(config)
    finally:
        keras.config.set_dtype_policy(policy)
    copy.set_weights(network.get_weights())
    return copy
