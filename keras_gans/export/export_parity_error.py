"""The error raised when an exported generator disagrees with Keras."""


class ExportParityError(RuntimeError):
    """An exported artifact's outputs differ too much from the Keras model.

    Raised by `keras_gans.export.export_generator` and `export_translator`
    when the SavedModel, or the float32 TFLite file, is further than the
    tolerance (1e-4 max abs error) from the Keras network on the fixed
    parity inputs (latents or images), or when a quantized TFLite file
    produces non-finite or wrongly shaped images.
    Nothing is written to the export directory in that case.

    Example:

    ```python
    try:
        keras_gans.export.export_generator(gan, "exports/dcgan")
    except keras_gans.export.ExportParityError as error:
        print("export is not faithful:", error)
    ```
    """
