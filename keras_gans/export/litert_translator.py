"""Runs an image-to-image translator `.tflite` file with LiteRT."""

import numpy as np

from keras_gans.export.model_card import OUTPUT_NAME
from keras_gans.export.tflite_signature import TFLiteSignature
from keras_gans.export.translator_artifact import check_translator_images
from keras_gans.utils.validation import format_received


class LiteRTTranslator:
    """A `.tflite` translator as a NumPy callable `images -> images`.

    The file must have one float32 rank-4 input `(batch, H, W, Ca)` and a
    rank-4 float32 output `(batch, H, W, Cb)`; when it has several outputs,
    the one named `images` in its signature is used. A file with a free
    batch size (as `export_translator` writes) runs any batch at once; one
    with a fixed batch size B runs the batch in chunks of B. A file with
    free height and width (a fully convolutional network's export) takes
    images of any size that is a multiple of `size_multiple`: LiteRT
    resizes its input tensor to each batch.

    Args:
        path: path of the `.tflite` file.
        size_multiple: what a free height or width must be a multiple of
            (the model card's `size_multiple`); 1 checks nothing.

    Raises:
        ValueError: if the file is not an image-to-image network (a latent
            generator, a classifier...), naming the file and the inputs
            and outputs found.

    Example:

    ```python
    translator = LiteRTTranslator("exports/edges2photo/generator.tflite")
    photos = translator(edges)  # float32 (N, H, W, Ca) -> (N, H, W, Cb)
    ```
    """

    def __init__(self, path, size_multiple=1):
        self.path = str(path)
        self._signature = TFLiteSignature(self.path)
        self._input_name, shape = self._check_input()
        self._output_name, output_shape = self._check_output()
        self._batch = None if shape[0] < 0 else int(shape[0])
        self.input_shape = _dims(shape[1:])
        self.output_shape = _dims(output_shape[1:])
        self.size_multiple = int(size_multiple)

    def __call__(self, images):
        """Float32 outputs `(N, H, W, Cb)` for float32 images `(N, H, W, Ca)`.

        The value range is not checked here: see `TranslatorArtifact`.
        """
        images = check_translator_images(
            images, self.input_shape, check_range=False,
            size_multiple=self.size_multiple,
        )
        if self._batch is None or self._batch == len(images):
            return self._run(images)
        if len(images) % self._batch:
            raise ValueError(
                f"`{self.path}` has a fixed batch size of {self._batch}: "
                f"`images` must hold a multiple of {self._batch} images. "
                + format_received(images=f"array of shape {images.shape}")
            )
        chunks = np.split(images, len(images) // self._batch)
        return np.concatenate([self._run(chunk) for chunk in chunks])

    def _run(self, images):
        outputs = self._signature.run(
            {self._input_name: images}, self._output_name
        )
        return outputs.astype("float32")

    def _not_a_translator(self, what):
        return ValueError(
            f"`{self.path}` is not an image-to-image .tflite file: {what} "
            f"Found {self._signature.describe()}. "
            + format_received(path=self.path)
        )

    def _check_input(self):
        inputs = self._signature.inputs
        if len(inputs) == 1:
            name, details = next(iter(inputs.items()))
            shape = details["shape_signature"]
            if len(shape) == 2:
                raise self._not_a_translator(
                    "its input is a latent batch (batch, latent_dim), so it "
                    "is a latent generator; load it with "
                    "keras_gans.export.load_generator_artifact."
                )
            if (
                len(shape) == 4
                and shape[3] > 0
                and np.dtype(details["dtype"]) == np.float32
            ):
                return name, shape
        raise self._not_a_translator(
            "a translator has one float32 input, an image batch "
            "(batch, height, width, channels) with known channels."
        )

    def _check_output(self):
        outputs = self._signature.outputs
        if len(outputs) == 1:
            name, details = next(iter(outputs.items()))
        elif OUTPUT_NAME in outputs:
            name, details = OUTPUT_NAME, outputs[OUTPUT_NAME]
        else:
            raise self._not_a_translator(
                f"expected one output, or one named {OUTPUT_NAME!r}."
            )
        shape = details["shape_signature"]
        if len(shape) != 4 or np.dtype(details["dtype"]) != np.float32:
            raise self._not_a_translator(
                "a translator's output is a rank-4 float32 image batch "
                "(batch, height, width, channels)."
            )
        return name, shape


def _dims(shape):
    return tuple(None if d < 0 else int(d) for d in shape)
