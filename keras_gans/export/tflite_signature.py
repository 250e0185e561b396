"""A `.tflite` file's inputs and outputs by name, run with LiteRT."""

import numpy as np

from keras_gans.export.model_card import SIGNATURE_KEY


def describe_tensor(details):
    """`'name' dtype [shape]` of a tensor, for error messages."""
    shape = [int(d) for d in details["shape_signature"]]
    return f"{details['name']!r} {np.dtype(details['dtype']).name} {shape}"


class TFLiteSignature:
    """The named inputs and outputs of a `.tflite` file, and a way to run it.

    Uses `ai_edge_litert.interpreter.Interpreter` (the maintained successor
    of `tf.lite.Interpreter`; it does not import TensorFlow). When the file
    has signatures, the `serving_default` one (else the first) names the
    tensors and its runner resizes the inputs for each batch size. Files
    written without a SignatureDef fall back to the interpreter's tensor
    details, and their inputs are resized here before each run.

    Args:
        path: path of the `.tflite` file.

    Example:

    ```python
    signature = TFLiteSignature("exports/pix2pix/generator.tflite")
    signature.inputs  # {"image": {"shape_signature": [-1, 64, 64, 3], ...}}
    images = signature.run({"image": batch}, "images")
    ```
    """

    def __init__(self, path):
        from ai_edge_litert.interpreter import Interpreter

        self.path = str(path)
        try:
            self._interpreter = Interpreter(model_path=self.path)
        except (ValueError, RuntimeError) as error:
            raise ValueError(
                f"{self.path!r} is not a readable TFLite model ({error}); "
                "keras-gans artifacts are .tflite files written by "
                "keras_gans.export. " + f"Received: path={self.path!r}"
            ) from error
        self._runner = None
        signatures = self._interpreter.get_signature_list()
        if signatures:
            key = SIGNATURE_KEY if SIGNATURE_KEY in signatures else next(
                iter(signatures)
            )
            self._runner = self._interpreter.get_signature_runner(key)
            self.inputs = self._runner.get_input_details()
            self.outputs = self._runner.get_output_details()
        else:
            interpreter = self._interpreter
            self.inputs = {
                d["name"]: d for d in interpreter.get_input_details()
            }
            self.outputs = {
                d["name"]: d for d in interpreter.get_output_details()
            }

    def describe(self):
        """`inputs [...], outputs [...]` as found, for error messages."""
        return (
            f"inputs [{', '.join(map(describe_tensor, self.inputs.values()))}]"
            f", outputs "
            f"[{', '.join(map(describe_tensor, self.outputs.values()))}]"
        )

    def run(self, feeds, output_name):
        """Runs the file on `feeds` (`{input name: array}`).

        Args:
            feeds: arrays by input name, already of the inputs' dtypes.
            output_name: which output to return.

        Returns:
            That output as a NumPy array.
        """
        feeds = {name: np.ascontiguousarray(v) for name, v in feeds.items()}
        if self._runner is not None:
            return self._runner(**feeds)[output_name]
        interpreter = self._interpreter
        for name, value in feeds.items():
            interpreter.resize_tensor_input(
                self.inputs[name]["index"], value.shape
            )
        interpreter.allocate_tensors()
        for name, value in feeds.items():
            interpreter.set_tensor(self.inputs[name]["index"], value)
        interpreter.invoke()
        return interpreter.get_tensor(self.outputs[output_name]["index"])
