"""Runs a generator `.tflite` file with the LiteRT interpreter."""

import numpy as np

from keras_gans.export.model_card import INPUT_NAME
from keras_gans.export.model_card import LABEL_NAME
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
    several outputs, the one named `images` in its signature is used. A
    conditional generator has a second input, int32 labels `(batch,)`
    (`label` in its signature); `labels` is then required. Any batch size
    works: the input tensors are resized per call.

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
        try:
            self._interpreter = Interpreter(model_path=self.path)
        except (ValueError, RuntimeError) as error:
            raise ValueError(
                f"{self.path!r} is not a readable TFLite model ({error}); a "
                "generator artifact is a .tflite written by "
                "keras_gans.export.export_generator. "
                + format_received(path=self.path)
            ) from error
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
        (self._input_name, self._input), self._label = self._check_inputs(
            inputs
        )
        self._output_name, self._output = self._check_output(outputs)
        self.conditional = self._label is not None
        self.latent_dim = int(self._input["shape_signature"][1])
        self.image_shape = tuple(
            int(d) for d in self._output["shape_signature"][1:]
        )

    def __call__(self, latents, labels=None):
        """Float32 images for float32 latents `(N, latent_dim)`.

        Args:
            latents: float32 `(N, latent_dim)`.
            labels: int labels `(N,)` of a conditional generator (required
                then, and refused otherwise). Their range is not checked
                here: see `GeneratorArtifact`.
        """
        latents = np.ascontiguousarray(latents, dtype="float32")
        if latents.ndim != 2 or latents.shape[1] != self.latent_dim:
            raise ValueError(
                f"`latents` must have shape (N, {self.latent_dim}). "
                + format_received(latents=f"array of shape {latents.shape}")
            )
        feeds = [(self._input_name, self._input, latents)]
        if self.conditional:
            label_name, label_details = self._label
            feeds.append(
                (label_name, label_details, self._check_labels(labels, latents))
            )
        elif labels is not None:
            raise ValueError(
                f"`{self.path}` is an unconditional generator: it takes no "
                "`labels`. " + format_received(labels=labels)
            )
        if self._runner is not None:
            outputs = self._runner(**{name: value for name, _, value in feeds})
            return outputs[self._output_name].astype("float32")
        interpreter = self._interpreter
        for _, details, value in feeds:
            interpreter.resize_tensor_input(details["index"], value.shape)
        interpreter.allocate_tensors()
        for _, details, value in feeds:
            interpreter.set_tensor(details["index"], value)
        interpreter.invoke()
        return interpreter.get_tensor(self._output["index"]).astype("float32")

    def _check_labels(self, labels, latents):
        if labels is None:
            raise ValueError(
                f"`{self.path}` is a conditional generator: pass `labels`, "
                f"int32 of shape ({len(latents)},). "
                + format_received(labels=None)
            )
        labels = np.asarray(labels)
        if not np.issubdtype(labels.dtype, np.integer) or labels.shape != (
            len(latents),
        ):
            raise ValueError(
                f"`labels` must be integers of shape ({len(latents)},), one "
                "per latent. "
                + format_received(
                    labels=f"array of shape {labels.shape} and dtype "
                    f"{labels.dtype}"
                )
            )
        return np.ascontiguousarray(labels, dtype="int32")

    def _not_a_generator(self, what, found):
        return ValueError(
            f"`{self.path}` is not a generator .tflite file: {what} Found "
            f"{found}. " + format_received(path=self.path)
        )

    def _check_inputs(self, inputs):
        """`((latent_name, details), (label_name, details) or None)`."""
        found = f"inputs [{', '.join(map(_describe, inputs.values()))}]"
        if len(inputs) == 1:
            return self._check_input(next(iter(inputs.items())), found), None
        if len(inputs) != 2:
            raise self._not_a_generator(
                "a generator has one input, the latent batch (batch, "
                "latent_dim), or two with the int32 labels (batch,).",
                found,
            )
        if INPUT_NAME in inputs and LABEL_NAME in inputs:
            latent = (INPUT_NAME, inputs[INPUT_NAME])
            label = (LABEL_NAME, inputs[LABEL_NAME])
        else:
            # No signature names: the label input is the rank-1 one.
            items = sorted(
                inputs.items(), key=lambda item: len(item[1]["shape_signature"])
            )
            label, latent = items[0], items[1]
        shape = label[1]["shape_signature"]
        if len(shape) != 1 or np.dtype(label[1]["dtype"]) != np.int32:
            raise self._not_a_generator(
                "a conditional generator's second input is an int32 label "
                "batch (batch,).",
                found,
            )
        return self._check_input(latent, found), label

    def _check_input(self, item, found):
        name, details = item
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
