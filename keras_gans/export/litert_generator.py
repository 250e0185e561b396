"""Runs a generator `.tflite` file with the LiteRT interpreter."""

import numpy as np

from keras_gans.export.model_card import OUTPUT_NAME
from keras_gans.export.model_card import SIGNATURE_KEY
from keras_gans.utils.validation import format_received


def _describe(details):
    shape = [int(d) for d in details["shape_signature"]]
    return f"{details['name']!r} {np.dtype(details['dtype']).name} {shape}"


class LiteRTGenerator:
    """A `.tflite` generator as a NumPy callable `latents -> images`.

    Uses `ai_edge_litert.interpreter.Interpreter` (the maintained
    successor of `tf.lite.Interpreter`; it does not import TensorFlow).
    The file must have one float32 rank-2 input `(batch, latent_dim)` and a
    rank-4 float32 image output `(batch, H, W, C)`; when the file has
    several outputs, the one named `images` in its signature is used. Any
    batch size works: the input tensor is resized per call.

    Args:
        path: path of the `.tflite` file.

    Raises:
        ValueError: if the file does not look like a generator, naming the
            file and the inputs/outputs found.

    Example:

    ```python
    generator = LiteRTGenerator("exports/dcgan/generator.tflite")
    z = np.random.default_rng(0).standard_normal((8, generator.latent_dim))
    images = generator(z.astype("float32"))  # (8, H, W, C) in [-1, 1]
    ```
    """

    def __init__(self, path):
        from ai_edge_litert.interpreter import Interpreter

        self.path = str(path)
        self._interpreter = Interpreter(model_path=self.path)
        self._runner = None
        signatures = self._interpreter.get_signature_list()
        if signatures:
            # A signature maps names to tensors; the runner also resizes
            # the input for each batch size.
            key = SIGNATURE_KEY if SIGNATURE_KEY in signatures else next(
                iter(signatures)
            )
            self._runner = self._interpreter.get_signature_runner(key)
            inputs = self._runner.get_input_details()
            outputs = self._runner.get_output_details()
        else:
            interpreter = self._interpreter
            inputs = {d["name"]: d for d in interpreter.get_input_details()}
            outputs = {d["name"]: d for d in interpreter.get_output_details()}
        self._input_name, self._input = self._check_input(inputs)
        self._output_name, self._output = self._check_output(outputs)
        self.latent_dim = int(self._input["shape_signature"][1])
        self.image_shape = tuple(
            int(d) for d in self._output["shape_signature"][1:]
        )

    def __call__(self, latents):
        """Returns the float32 images for float32 latents `(N, latent_dim)`."""
        latents = np.ascontiguousarray(latents, dtype="float32")
        if latents.ndim != 2 or latents.shape[1] != self.latent_dim:
            raise ValueError(
                f"`latents` must have shape (N, {self.latent_dim}). "
                + format_received(latents=f"array of shape {latents.shape}")
            )
        if self._runner is not None:
            return self._runner(**{self._input_name: latents})[
                self._output_name
            ].astype("float32")
        interpreter = self._interpreter
        interpreter.resize_tensor_input(self._input["index"], latents.shape)
        interpreter.allocate_tensors()
        interpreter.set_tensor(self._input["index"], latents)
        interpreter.invoke()
        return interpreter.get_tensor(self._output["index"]).astype("float32")

    def _not_a_generator(self, what, found):
        return ValueError(
            f"`{self.path}` is not a generator .tflite file: {what} Found "
            f"{found}. " + format_received(path=self.path)
        )

    def _check_input(self, inputs):
        found = f"inputs [{', '.join(map(_describe, inputs.values()))}]"
        if len(inputs) != 1:
            raise self._not_a_generator(
                "a generator has exactly one input, the latent batch "
                "(batch, latent_dim).",
                found,
            )
        name, details = next(iter(inputs.items()))
        shape = details["shape_signature"]
        if (
            len(shape) != 2
            or int(shape[1]) <= 0
            or np.dtype(details["dtype"]) != np.float32
        ):
            raise self._not_a_generator(
                "a generator's input is a rank-2 float32 latent batch "
                "(batch, latent_dim).",
                found,
            )
        return name, details

    def _check_output(self, outputs):
        found = f"outputs [{', '.join(map(_describe, outputs.values()))}]"
        if len(outputs) == 1:
            name, details = next(iter(outputs.items()))
        elif OUTPUT_NAME in outputs:
            name, details = OUTPUT_NAME, outputs[OUTPUT_NAME]
        else:
            raise self._not_a_generator(
                f"expected one output, or one named {OUTPUT_NAME!r}.", found
            )
        shape = details["shape_signature"]
        if (
            len(shape) != 4
            or int(shape[-1]) not in (1, 3)
            or np.dtype(details["dtype"]) != np.float32
        ):
            raise self._not_a_generator(
                "a generator's output is a rank-4 float32 image batch "
                "(batch, height, width, 1 or 3 channels).",
                found,
            )
        return name, details
