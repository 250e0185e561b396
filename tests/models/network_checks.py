"""Checks shared by the network tests (U-Net, ResNet generator, PatchGAN,
the DCGAN, MLP and conditional networks): serialization, LiteRT parity,
instance norm."""

import os
import re

import keras
import numpy as np

from tests import helpers

BACKEND = keras.backend.backend()
# Keras' LiteRT export runs only under the TensorFlow backend (on JAX it
# raises, on torch it needs static shapes); networks trained on JAX or
# torch are exported by reloading their backend-portable `.keras` file
# under TensorFlow, so the round-trip tests cover the other backends.
tensorflow_only = helpers.tensorflow_only(
    "Keras' LiteRT export needs the TensorFlow backend; other backends "
    "export through a reloaded .keras file (round-trip tests)."
)


def _base_name(name):
    # Layers left unnamed get Keras' next free name (`re_lu_3`): the
    # rebuilt copy numbers them further on.
    return re.sub(r"_\d+$", "", name)


def check_config_round_trip(model, inputs=None):
    """`from_config(get_config())` rebuilds the same architecture.

    With `inputs`, the rebuilt network given the original's weights also
    computes the same inference outputs.
    """
    config = model.get_config()
    rebuilt = type(model).from_config(config)
    assert type(rebuilt) is type(model)
    assert rebuilt.get_config() == config
    assert [tuple(w.shape) for w in rebuilt.weights] == [
        tuple(w.shape) for w in model.weights
    ]
    assert [_base_name(layer.name) for layer in rebuilt.layers] == [
        _base_name(layer.name) for layer in model.layers
    ]
    if inputs is not None:
        rebuilt.set_weights(model.get_weights())
        expected = model(inputs, training=False)
        outputs = rebuilt(inputs, training=False)
        for output, value in zip(
            keras.tree.flatten(outputs), keras.tree.flatten(expected)
        ):
            np.testing.assert_array_equal(
                helpers.to_numpy(output), helpers.to_numpy(value)
            )
    return rebuilt


def check_save_load_round_trip(model, inputs, directory):
    """A saved and reloaded network gives identical inference outputs.

    One training call first moves the BatchNorm statistics off their
    initial values, so the file must carry them too.
    """
    model(inputs, training=True)
    expected = keras.tree.flatten(model(inputs, training=False))
    reloaded = helpers.save_and_reload(model, directory)
    assert type(reloaded) is type(model)
    assert reloaded.get_config() == model.get_config()
    outputs = keras.tree.flatten(reloaded(inputs, training=False))
    assert len(outputs) == len(expected)
    for output, value in zip(outputs, expected):
        np.testing.assert_array_equal(
            helpers.to_numpy(output), helpers.to_numpy(value)
        )


def check_litert_parity(model, inputs, directory, tolerance=1e-4):
    """The `.tflite` export gives the Keras outputs (TensorFlow only)."""
    from ai_edge_litert.interpreter import Interpreter

    path = os.path.join(str(directory), f"{model.name}.tflite")
    model.export(path, format="litert", verbose=False)
    interpreter = Interpreter(model_path=path)
    (input_details,) = interpreter.get_input_details()
    (output_details,) = interpreter.get_output_details()
    interpreter.resize_tensor_input(input_details["index"], inputs.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(input_details["index"], inputs)
    interpreter.invoke()
    outputs = interpreter.get_tensor(output_details["index"])
    expected = helpers.to_numpy(model(inputs, training=False))
    assert outputs.shape == expected.shape
    assert np.max(np.abs(outputs - expected)) <= tolerance


def check_instance_normalized(model, layer_name, inputs):
    """The named layer's output has zero mean and unit variance per image
    and channel (its scale and offset are still 1 and 0), whatever the
    other images of the batch hold."""
    probe = keras.Model(model.input, model.get_layer(layer_name).output)
    outputs = helpers.to_numpy(probe(inputs, training=True))
    np.testing.assert_allclose(outputs.mean(axis=(1, 2)), 0.0, atol=1e-4)
    np.testing.assert_allclose(outputs.var(axis=(1, 2)), 1.0, atol=2e-2)
    others = inputs.copy()
    others[1:] = others[1:] * 5.0 + 3.0
    alone = helpers.to_numpy(probe(others, training=True))
    np.testing.assert_allclose(alone[0], outputs[0], rtol=1e-5, atol=1e-5)


def check_free_size(model, multiple, sizes):
    """A network built with free height and width: its `size_multiple`,
    outputs of each input `(height, width)` in `sizes` at that size, and a
    config that keeps the free size (JSON null) and rebuilds it."""
    assert model.size_multiple == multiple
    channels = model.inputs[0].shape[-1]
    for size in sizes:
        images = helpers.random_images(1, size + (channels,))
        out = model(images, training=False)
        assert tuple(out.shape[:3]) == (1, *size)
    check_config_round_trip(model)
