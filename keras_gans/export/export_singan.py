"""`export_singan`: a SinGAN's sampler (and refiner) artifacts."""

import keras

from keras_gans.export.export_generator import export_loaded_gan
from keras_gans.utils.validation import format_received


def export_singan(
    model,
    directory,
    start_scale=None,
    quantize=None,
    dataset=None,
    epochs=None,
    representative_noise=None,
):
    """Exports a SinGAN as a sampler (and optionally a refiner) artifact.

    Writes into `directory` the SavedModel, `generator.tflite` and
    `model_card.json` of the **sampler** (kind `"sampler"`; see
    `keras_gans.models.singan.singan_sampler`): `noise` float32 `(N, H,
    W, 3 * scales)`, a standard-normal map of the output's size, any `H`
    and `W` -> `images` float32 `(N, H, W, 3)`, exactly
    `model.sample_from_noise(noise)`. Both files are
    checked against the model on this backend, within 1e-4, on 4 maps of
    the training size and 2 of a taller, twice as wide size (the `.tflite`
    file resized to each); on JAX and torch the TensorFlow half runs in a
    child process, as for every export. With `start_scale`, the refiner
    (kind `"translator"`: `image` in [-1, 1] -> the refined image, same
    size, zero noise) is exported and verified the same way into
    `directory/refine/`.

    The card records `num_scales` (trained), `noise_channels`,
    `training_size`, `scale_sizes`, `min_output_size` (the smallest
    output whose coarsest scale covers the receptive field), `noise` (how
    to draw it) and, with a refiner, `parts`.

    Args:
        model: a `keras_gans.SinGAN`; its trained scales are exported.
        directory: export directory; created if missing.
        start_scale: `None`, or the refiner's injection scale in `[0,
            trained_scales)` (harmonization: 1 to 3 in the paper).
        quantize: `None`, `"float16"` or `"int8"` (as `export_generator`).
        dataset: optional name of the image, recorded in the card.
        epochs: optional epoch count, recorded in the card.
        representative_noise: only with `quantize="int8"`: calibration
            noise maps `(N, H, W, 3 * scales)`, or an int N (N maps of the
            training size).

    Returns:
        The model card dict.

    Raises:
        ValueError: if `model` is not a `SinGAN`, for a bad `start_scale`
            or other argument.
        ExportParityError: if an export is not faithful.

    Example:

    ```python
    card = keras_gans.export.export_singan(model, "exports/balloons",
                                           start_scale=2)
    sampler = keras_gans.export.load_artifact("exports/balloons")
    images = sampler.sample(4, seed=0, size=(200, 400))
    ```
    """
    # Imported here: the SinGAN sampler module imports this package.
    from keras_gans.models.singan.singan import SinGAN
    from keras_gans.models.singan.singan_sampler import SinGANSampler

    if not isinstance(model, SinGAN):
        raise ValueError(
            "`model` must be a keras_gans.SinGAN (other GANs export with "
            "export_generator). " + format_received(model=model)
        )
    return export_loaded_gan(
        model,
        directory,
        quantize=quantize,
        dataset=dataset,
        epochs=epochs,
        representative_latents=representative_noise,
        trained_backend=keras.backend.backend(),
        sampler=SinGANSampler(model, start_scale),
    )
