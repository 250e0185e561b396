"""Runs any keras-gans `.tflite` file with the LiteRT interpreter."""

import numpy as np

from keras_gans.export import model_card
from keras_gans.export.artifact_kinds import input_order
from keras_gans.export.tflite_signature import TFLiteSignature
from keras_gans.utils.validation import format_received


class LiteRTRunner:
    """A `.tflite` file as a callable `{input name: array} -> images`.

    Reads the file's signature (names, dtypes, shapes; -1 marks a free
    dimension) as `(name, dtype, shape)` triples without the batch axis,
    in the order the exporter writes them (latents before labels before
    a StyleGAN2's truncation), and the one output, or the one named
    `images` (a StyleGAN2 mapping network's: `ws`, rank 3). LiteRT
    resizes the input tensors to each call's batch, so free batch sizes
    and free heights and widths work; a file with a fixed batch size B
    runs the batch in chunks of B. What the inputs must hold is the
    `Artifact`'s to check.

    Files written without a SignatureDef name their tensors after the
    graph (`serving_default_latent:0`): their inputs are renamed to the
    signature names by role (a rank-1 float batch `latent`, an int
    batch `label`, a float batch `truncation`, an image batch `image`,
    a rank-2 float batch `ws`).

    Args:
        path: path of the `.tflite` file.
        what: how error messages name the expected artifact.

    Raises:
        ValueError: if the file is unreadable or has no float32 rank-4
            image output, naming the file and what it holds.

    Example:

    ```python
    runner = LiteRTRunner("exports/pix2pix/generator.tflite")
    runner.inputs  # (("image", "float32", (None, None, 3)),)
    images = runner({"image": batch})
    ```
    """

    def __init__(self, path, what="keras-gans"):
        self.path = str(path)
        self._what = what
        self._signature = TFLiteSignature(self.path)
        self._file_names = _signature_names(self._signature.inputs)
        self.inputs = tuple(
            sorted(
                (
                    (name, np.dtype(d["dtype"]).name, _dims(d["shape_signature"][1:]))
                    for name, d in (
                        (name, self._signature.inputs[file_name])
                        for name, file_name in self._file_names.items()
                    )
                ),
                # Latents (rank 1) before labels (rank 0), as exported.
                key=input_order,
            )
        )
        self._output_name, output = self._find_output()
        self.output_name = (
            model_card.WS_NAME
            if len(output["shape_signature"]) == 3
            else model_card.OUTPUT_NAME
        )
        self.output_shape = _dims(output["shape_signature"][1:])
        batches = {int(d["shape_signature"][0]) for d in self._signature.inputs.values()}
        self._batch = next(iter(batches)) if batches and min(batches) > 0 else None

    def describe(self):
        """What the file holds, for error messages."""
        return self._signature.describe()

    def __call__(self, feeds):
        """The output for `feeds`, arrays by input name of equal length."""
        count = len(next(iter(feeds.values())))
        if self._batch is None or self._batch == count:
            return self._run(feeds)
        if count % self._batch:
            raise ValueError(
                f"`{self.path}` has a fixed batch size of {self._batch}: "
                f"inputs must hold a multiple of {self._batch} items. "
                + format_received(batch_size=count)
            )
        starts = range(0, count, self._batch)
        return np.concatenate(
            [
                self._run({n: v[i : i + self._batch] for n, v in feeds.items()})
                for i in starts
            ]
        )

    def _run(self, feeds):
        feeds = {self._file_names[name]: v for name, v in feeds.items()}
        return self._signature.run(feeds, self._output_name).astype("float32")

    def _find_output(self):
        outputs = self._signature.outputs
        if len(outputs) == 1:
            name, details = next(iter(outputs.items()))
        else:
            name = model_card.OUTPUT_NAME
            if name not in outputs and model_card.WS_NAME in outputs:
                name = model_card.WS_NAME
            details = outputs.get(name)
        # A mapping network returns styles (batch, num_ws, w_dim), `ws`.
        ranks = (4, 3) if name == model_card.WS_NAME else (4,)
        if (
            details is None
            or len(details["shape_signature"]) not in ranks
            or np.dtype(details["dtype"]) != np.float32
        ):
            raise ValueError(
                f"`{self.path}` is not a {self._what} .tflite file: its "
                f"output is one rank-4 float32 image batch (batch, height, width, "
                f"channels), or one named {model_card.OUTPUT_NAME!r} (a "
                "StyleGAN2 mapping network's: rank-3 "
                f"{model_card.WS_NAME!r}). "
                f"Found {self.describe()}. " + format_received(path=self.path)
            )
        return name, details


def _signature_names(inputs):
    """`{signature name: the file's tensor name}` of a file's inputs."""
    if set(inputs) <= _SIGNATURE_NAMES:
        return {name: name for name in inputs}
    return {_role_name(d): name for name, d in inputs.items()}


# Input names by (rank without batch, integer dtype).
_ROLE_NAMES = {
    (1, False): model_card.INPUT_NAME,
    (0, True): model_card.LABEL_NAME,
    (0, False): model_card.TRUNCATION_NAME,
    (3, False): model_card.TRANSLATOR_INPUT_NAME,
    (2, False): model_card.WS_NAME,
}
# Every name a keras-gans signature input has (a SinGAN sampler's `noise`
# has an image's rank: only its name tells it from a translator's `image`).
_SIGNATURE_NAMES = frozenset(_ROLE_NAMES.values()) | {model_card.NOISE_NAME}


def _role_name(details):
    rank = len(details["shape_signature"]) - 1
    integer = np.issubdtype(np.dtype(details["dtype"]), np.integer)
    return _ROLE_NAMES.get((rank, integer), details["name"])


def _dims(shape):
    return tuple(None if int(d) < 0 else int(d) for d in shape)
