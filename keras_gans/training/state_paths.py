"""Stable names for the state Keras does not name: seed generators."""

import keras


def _children(layer):
    # Direct sublayers only; nested ones are reached by recursion.
    return layer._flatten_layers(include_self=False, recursive=False)


def _attribute_layers(model):
    """`(attribute path, layer)` of the layers a model holds as attributes.

    Sorted by attribute name, lists and dicts expanded (`d_penalties/0`,
    `translators/a_to_b`); private attributes are skipped.
    """
    found = []
    # On torch, Keras layers are torch modules: sublayers live in
    # `_modules`, not in the instance dict.
    names = set(vars(model)) | set(getattr(model, "_modules", None) or ())
    for name in sorted(names):
        if name.startswith("_"):
            continue
        value = getattr(model, name, None)
        if isinstance(value, keras.layers.Layer):
            found.append((name, value))
        elif isinstance(value, (list, tuple)):
            found.extend(
                (f"{name}/{i}", item)
                for i, item in enumerate(value)
                if isinstance(item, keras.layers.Layer)
            )
        elif isinstance(value, dict):
            found.extend(
                (f"{name}/{key}", item)
                for key, item in value.items()
                if isinstance(item, keras.layers.Layer)
            )
    return found


def seed_generator_paths(model):
    """Every `SeedGenerator` in `model`, keyed by a path that names it.

    The path is the model attribute holding a network (`generator`,
    `ema_generator`, `pool_a`, ...) followed by the positions of the
    sublayers down to the layer that owns the generator, and its index
    there, e.g. `discriminator:7:0`; the model's own generators are
    `self:0`.
    Unlike a position in a flat list, it stays the same when a model
    gains networks (stages) and it tells an EMA copy from the original,
    whose layers have the same names.

    Args:
        model: a Keras model.

    Returns:
        Dict of path (no `/`, which HDF5 would read as groups) to
        `keras.random.SeedGenerator`, each generator once.
    """
    paths = {}
    seen = set()

    def visit(layer, path):
        if id(layer) in seen:
            return
        seen.add(id(layer))
        for i, generator in enumerate(getattr(layer, "_seed_generators", [])):
            paths[f"{path}:{i}"] = generator
        # Children by position: a network rebuilt from its config has the
        # same layers in the same order, but auto-generated names
        # (`dropout_3`) depend on what else the process built.
        for index, child in enumerate(_children(layer)):
            visit(child, f"{path}:{index}")

    seen.add(id(model))
    for i, generator in enumerate(getattr(model, "_seed_generators", [])):
        paths[f"self:{i}"] = generator
    for name, layer in _attribute_layers(model):
        visit(layer, name.replace("/", ":"))
    # Layers tracked some other way (e.g. by a subclass' private list).
    for index, layer in enumerate(_children(model)):
        visit(layer, f"layer:{index}")
    return paths
