"""The kinds of artifacts, as data: what each maps from and to.

A kind is a card `kind` string plus a plain dict: how error messages name
it, its loader's public name, and which model card entries must agree with
what the loaded network says about itself. A new kind (e.g. the SinGAN
sampler) is one more entry here and, when it cannot be told from its
signature alone, one more branch in `kind_of_signature`; the loader, the
LiteRT runner, the `Artifact` class and the exporter are shared.
"""

from keras_gans.export import model_card
from keras_gans.utils.validation import format_received

GENERATOR = model_card.GENERATOR_KIND
TRANSLATOR = model_card.TRANSLATOR_KIND
UPSCALER = model_card.UPSCALER_KIND
SYNTHESIS = model_card.SYNTHESIS_KIND
MAPPING = model_card.MAPPING_KIND
SAMPLER = model_card.SAMPLER_KIND

KINDS = {
    GENERATOR: {
        "description": "latent generator",
        "maps": "latents (N, latent_dim), and int32 labels (N,) for a "
        "conditional generator, and float32 truncation (N,) for a "
        "style-based one, -> images (N, H, W, C)",
        "loader": "load_generator_artifact",
        "card_checks": ("latent_dim", "image_shape", "num_classes"),
    },
    TRANSLATOR: {
        "description": "image-to-image translator",
        "maps": "images (N, H, W, Ca) -> images (N, H, W, Cb)",
        "loader": "load_translator_artifact",
        "card_checks": ("input_shape", "output_shape"),
    },
    UPSCALER: {
        "description": "super-resolution upscaler",
        "maps": "images (N, h, w, C) -> images (N, scale*h, scale*w, C)",
        "loader": "load_upscaler_artifact",
        "card_checks": ("input_shape", "output_shape", "scale"),
    },
    SYNTHESIS: {
        "description": "StyleGAN2 synthesis network",
        "maps": "styles ws (N, num_ws, w_dim) -> images (N, H, W, C)",
        "loader": "load_artifact",
        "card_checks": ("num_ws", "w_dim", "image_shape"),
    },
    MAPPING: {
        "description": "StyleGAN2 mapping network",
        "maps": "latents (N, latent_dim), int32 labels (N,) if "
        "conditional, and truncation (N,) -> styles ws (N, num_ws, w_dim)",
        "loader": "load_artifact",
        "card_checks": ("latent_dim", "num_classes", "num_ws", "w_dim"),
    },
    # A SinGAN: one standard-normal map of the output's size drives every
    # scale (keras_gans.models.singan.singan_sampler).
    SAMPLER: {
        "description": "single-image sampler",
        "maps": "noise (N, H, W, 3*scales), a standard-normal map of any "
        "output size, -> images (N, H, W, 3)",
        "loader": "load_sampler_artifact",
        "card_checks": ("noise_channels", "output_shape"),
    },
}


def check_kind(kind, name="kind"):
    """Returns `kind` if it names a known kind, else raises `ValueError`."""
    if not (isinstance(kind, str) and kind in KINDS):
        raise ValueError(
            f"`{name}` must be one of {sorted(KINDS)}. "
            + format_received(**{name: kind})
        )
    return kind


def describe(kind):
    """`'a latent generator (latents ... -> images ...)'`."""
    entry = KINDS[kind]
    return f"{_article(kind)} {entry['description']} ({entry['maps']})"


def _article(kind):
    return "an" if KINDS[kind]["description"][0] in "aeiou" else "a"


def kinds_text():
    """Every kind described, for "not an artifact" errors."""
    return "; ".join(describe(kind) for kind in KINDS)


def upscale_factor(input_shape, output_shape):
    """The integer factor between an image input and output, or `None`.

    `None` when either size is free, the channels differ, or the output is
    not the same integer multiple (> 1) of the input in both dimensions.
    """
    sizes = list(input_shape[:2]) + list(output_shape[:2])
    if None in sizes or input_shape[2] != output_shape[2]:
        return None
    (h, w), (big_h, big_w) = input_shape[:2], output_shape[:2]
    if big_h % h or big_w % w or big_h // h != big_w // w:
        return None
    factor = big_h // h
    return factor if factor > 1 else None


def kind_of_signature(inputs, output_shape, constants=None):
    """The kind a signature has, or `None` if it fits none.

    A float32 `truncation` input (N,) marks a style-based generator, or
    its mapping network when the output is `(num_ws, w_dim)` styles; one
    `ws` input `(num_ws, w_dim)` a synthesis network; one `noise` input
    `(H, W, C)` a single-image sampler (a translator's is named `image`).

    Args:
        inputs: `(name, dtype, shape)` triples without the batch axis.
        output_shape: the output's shape without the batch axis.
        constants: what the artifact stores about itself (a SavedModel's
            collections): an upscaler stores its `scale`.
    """
    truncated = [entry for entry in inputs if _is_truncation(entry)]
    if truncated:
        inputs = [entry for entry in inputs if not _is_truncation(entry)]
        if len(output_shape) == 2:
            return MAPPING if _latent_inputs(inputs) else None
        if len(output_shape) != 3:
            return None
        return GENERATOR if _latent_inputs(inputs) else None
    if len(output_shape) != 3:
        return None
    named = [(name, len(shape)) for name, _, shape in inputs]
    if named == [(model_card.WS_NAME, 2)]:
        return SYNTHESIS
    if named == [(model_card.NOISE_NAME, 3)]:
        return SAMPLER if inputs[0][1].startswith("float") else None
    ranks = sorted(len(shape) for _, _, shape in inputs)
    if ranks in ([1], [0, 1]):
        if ranks == [0, 1] and not _integer_label(inputs):
            return None
        return GENERATOR
    if ranks != [3] or inputs[0][2][2] is None:
        return None
    if (constants or {}).get(model_card.SCALE_COLLECTION) or upscale_factor(
        inputs[0][2], output_shape
    ):
        return UPSCALER
    return TRANSLATOR


def input_order(entry):
    """Sort key of a loaded signature's `(name, dtype, shape)` inputs: the
    exporter's order (latents, images or styles, then labels, then a
    StyleGAN2's truncation)."""
    name, _, shape = entry
    return (-len(shape), name == model_card.TRUNCATION_NAME)


def _is_truncation(entry):
    name, dtype, shape = entry
    return (
        name == model_card.TRUNCATION_NAME
        and len(shape) == 0
        and dtype.startswith("float")
    )


def _latent_inputs(inputs):
    """Whether `inputs` are a latent batch, and maybe integer labels."""
    ranks = sorted(len(shape) for _, _, shape in inputs)
    return ranks == [1] or (ranks == [0, 1] and _integer_label(inputs))


def _integer_label(inputs):
    (dtype,) = [dtype for _, dtype, shape in inputs if len(shape) == 0]
    return dtype.startswith("int")


def wrong_kind_error(path, found, wanted, evidence):
    """The error of a loader given an artifact of another kind (`wanted`:
    the kind it needs, or a tuple of the kinds it takes)."""
    wanted = (wanted,) if isinstance(wanted, str) else tuple(wanted)
    needed = " or ".join(
        f"{_article(kind)} {KINDS[kind]['description']}" for kind in wanted
    )
    return ValueError(
        f"`{path}` is {describe(found)}, not {needed} "
        f"({evidence}); load it with "
        f"keras_gans.export.load_artifact (or "
        f"keras_gans.export.{KINDS[found]['loader']}). "
        + format_received(path=path)
    )
