"""`export_from_file`: export whatever network a `.keras` file holds."""

import os

from keras_gans.export import artifact_kinds
from keras_gans.export.export_generator import check_quantize
from keras_gans.export.export_generator import export_loaded_gan
from keras_gans.utils.safe_loading import load_keras_file
from keras_gans.utils.validation import format_received


def export_from_file(
    keras_path,
    directory,
    quantize=None,
    dataset=None,
    epochs=None,
    representative_latents=None,
    start_scale=None,
):
    """Loads a `.keras` file and exports it by its kind.

    A keras-gans GAN (DCGAN, CGAN, ...) exports its sampling generator
    (`export_generator`), a SinGAN its single-image sampler (and, with
    `start_scale`, its refiner: `export_singan`), an SRGAN its generator
    (an upscaler); a
    network with one image input and one image
    output exports as an upscaler when its output is an integer factor
    larger (`export_upscaler`), else as a translator (`export_translator`,
    free height and width when it is fully convolutional). The file is
    loaded on the current backend, which computes the parity reference.
    The backend it was trained on is not stored in `.keras` files, so a
    GAN's card records `trained_backend: null`.

    Args:
        keras_path: path of a `.keras` file.
        directory: export directory.
        quantize: `None`, `"float16"` or `"int8"`.
        dataset: optional dataset name for the card.
        epochs: optional epoch count for the card.
        representative_latents: int8 calibration latents of a GAN (see
            `export_generator`; a SinGAN's: noise maps).
        start_scale: a SinGAN only: export its refiner too, injecting at
            this scale (see `export_singan`).

    Returns:
        The model card dict.

    Raises:
        FileNotFoundError: if `keras_path` does not exist.
        ValueError: if the file holds neither a keras-gans GAN nor an
            image network (a whole two-generator model such as CycleGAN:
            export each direction's network), or for invalid arguments.
        ExportParityError: if an export is not faithful.

    Example:

    ```python
    keras_gans.export.export_from_file("dcgan.keras", "exports/dcgan")
    keras_gans.export.export_from_file("sr_net.keras", "exports/sr")
    ```
    """
    check_quantize(quantize)
    if not os.path.isfile(keras_path):
        raise FileNotFoundError(
            "No such .keras file. " + format_received(keras_path=keras_path)
        )
    import keras_gans  # noqa: F401  (registers the model classes)
    from keras_gans.export.export_generator import has_sampler
    from keras_gans.models.singan import SinGAN
    from keras_gans.models.singan.singan_sampler import SinGANSampler

    model = load_keras_file(keras_path, compile=True, name="keras_path")
    sampler = None
    if isinstance(model, SinGAN):
        # `export_singan`, with the refiner at `start_scale` if given.
        sampler = SinGANSampler(model, start_scale)
    elif start_scale is not None:
        raise ValueError(
            "`start_scale` is a SinGAN's refiner injection scale; "
            f"`{keras_path}` holds a {type(model).__name__}. "
            + format_received(start_scale=start_scale)
        )
    if sampler is not None or has_sampler(model):
        # An unknown training backend is recorded.
        return export_loaded_gan(
            model,
            directory,
            quantize=quantize,
            dataset=dataset,
            epochs=epochs,
            representative_latents=representative_latents,
            trained_backend=None,
            sampler=sampler,
        )
    if representative_latents is not None:
        raise ValueError(
            "`representative_latents` calibrates a latent generator; "
            f"`{keras_path}` holds an image network. "
            + format_received(representative_latents=representative_latents)
        )
    from keras_gans.models.srgan import SRGAN

    if isinstance(model, SRGAN):
        # A whole SRGAN (a recipe's final.keras) exports its upscaler.
        model = model.generator
    return _export_image_network(model, keras_path, directory, quantize,
                                 dataset, epochs)


def _export_image_network(model, keras_path, directory, quantize, dataset,
                          epochs):
    from keras_gans.export.artifact_loader import image_network_kind
    from keras_gans.export.export_image_network import export_image_network

    kind = image_network_kind(model)
    if kind is None:
        raise ValueError(
            f"`{keras_path}` holds neither a keras-gans GAN nor one image "
            f"network ({artifact_kinds.kinds_text()}); found a "
            f"{type(model).__name__}. A whole two-generator model (CycleGAN,"
            " DiscoGAN) exports one direction's network at a time. "
            + format_received(keras_path=keras_path)
        )
    return export_image_network(
        model, directory, kind=kind, quantize=quantize, dataset=dataset,
        epochs=epochs,
    )
