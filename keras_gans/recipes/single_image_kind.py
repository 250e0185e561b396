"""`SingleImageKind`: recipes of models learned from one image (SinGAN)."""

import json
import os
import types

import numpy as np

from keras_gans.recipes.recipe_kind import RecipeKind

# scikit-image's bundled RGB photos `--image` may name instead of a file.
BUNDLED = ("astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field")
DEFAULT_IMAGE = "rocket"
# Checkpoints inside a scale at least this often (steps).
MAX_STEPS_PER_EPOCH = 100
# Samples scored for the summary's diversity and patch statistics.
SCORED_SAMPLES = 16


class SingleImageKind(RecipeKind):
    """Models trained on one image, one stage per scale (SinGAN).

    The model holds the image (its pyramid is part of its weights), so
    the data is only a count of steps; epochs are slices of a scale's
    steps, so checkpoints land inside each scale and `--resume` continues
    the right one. At the end the kind scores the model (reconstruction
    PSNR, diversity, patch sliced Wasserstein distance of samples against
    the image, with the image's own baselines), writes the pictures and
    exports the sampler (`keras_gans.export.export_singan`).
    """

    dataset_help = "a name for the run (default: the image's file name)"
    data_dir_help = "unused (pass --image)"

    def default_dataset(self):
        return "image"

    def add_flags(self, parser):
        parser.add_argument(
            "--image",
            default=DEFAULT_IMAGE,
            help="the training image: a file (e.g. ../shared/data/singan/"
            f"Generation/colusseum.png) or one of {', '.join(BUNDLED)} "
            f"(scikit-image's bundled photos; default {DEFAULT_IMAGE})",
        )
        return parser

    def resolve(self, args):
        from keras_gans.models.singan.singan_presets import PRESETS

        if args.steps_per_scale is None:
            args.steps_per_scale = PRESETS[args.preset]["steps_per_scale"]
        if args.steps_per_scale < 1:
            raise SystemExit(
                "singan: error: --steps-per-scale must be a positive int. "
                f"Received: --steps-per-scale={args.steps_per_scale}"
            )
        label = _image_label(args.image)
        if args.dataset == "image":
            # The run's folders take the image's name.
            args.dataset = label
            for key, root in (("out", "saved_models"), ("run_dir", "runs")):
                if getattr(args, key) == os.path.join(root, "singan_image"):
                    setattr(args, key, os.path.join(root, f"singan_{label}"))

    def prepare(self, args):
        image = load_training_image(args.image)
        return types.SimpleNamespace(
            image=image, steps_per_epoch=_steps_per_epoch(args.steps_per_scale)
        )

    def build(self, build_model, args, state):
        return build_model(args, state.image)

    def steps_per_epoch(self, args, state):
        return state.steps_per_epoch

    def dataset(self, args, state, initial_epoch):
        import tensorflow as tf

        count = (args.epochs - initial_epoch) * state.steps_per_epoch
        return tf.data.Dataset.from_tensors(np.zeros((1, 1), "float32")).repeat(
            count
        )

    def final_fields(self, args, state, model):
        """Reconstruction PSNR, diversity and patch statistics."""
        fields = {"image": args.image, "scale_sizes": model.scale_sizes}
        fields.update(single_image_scores(model, seed=args.seed))
        print("SCORES " + json.dumps(fields))
        return fields

    def export(self, args, state, model, summary):
        """The sampler (and its refiner) in `args.out`, and the pictures."""
        from keras_gans.export import export_singan

        card = export_singan(
            model,
            args.out,
            start_scale=refiner_scale(model),
            quantize=args.quantize,
            dataset=args.dataset,
            epochs=args.epochs,
        )
        pictures = write_pictures(model, args.out, args.seed)
        return {
            "out": args.out,
            "export_errors": card["export_errors"],
            "pictures": pictures,
        }


def _image_label(image):
    if image in BUNDLED:
        return image
    return os.path.splitext(os.path.basename(str(image)))[0] or "image"


def load_training_image(image):
    """`--image` as float32 `(H, W, 3)` in [-1, 1]: a bundled photo's name
    or a file (an RGBA file with an opaque alpha is read as RGB)."""
    from keras_gans.models.singan.singan_io import read_rgb_image

    if image in BUNDLED:
        from skimage import data

        return getattr(data, image)().astype("float32") / 127.5 - 1.0
    if not os.path.isfile(str(image)):
        raise SystemExit(
            f"singan: error: --image must be an image file or one of "
            f"{', '.join(BUNDLED)}. Received: --image={image!r}"
        )
    try:
        return read_rgb_image(image)
    except ValueError as error:
        raise SystemExit(f"singan: error: --image: {error}") from None


def _steps_per_epoch(steps_per_scale):
    """The largest divisor of `steps_per_scale` up to
    `MAX_STEPS_PER_EPOCH`: epochs tile every scale exactly."""
    for steps in range(min(steps_per_scale, MAX_STEPS_PER_EPOCH), 0, -1):
        if steps_per_scale % steps == 0:
            return steps
    return 1


def single_image_scores(model, seed=0, count=SCORED_SAMPLES):
    """The summary's measures of a trained SinGAN.

    - `reconstruction_psnr`: dB of the reconstruction from `z*`;
    - `diversity`: SinGAN's (per-pixel std over samples / the image's
      std), sampling from scale 0 and from scale 1;
    - `patch_swd`: multi-scale patch sliced Wasserstein distance of
      samples from scale 0 to the image, with the image's own baselines
      (flipped, blurred, tile-shuffled) for scale.
    """
    from keras_gans.metrics import patch_baselines
    from keras_gans.metrics import patch_swd
    from keras_gans.metrics import psnr
    from keras_gans.metrics import single_image_diversity

    real = model.real_images()[model.trained_scales - 1]
    samples = model.sample(count, seed=seed)
    diversity = {"scale_0": single_image_diversity(samples, real)}
    if model.trained_scales > 1:
        kept = model.sample(count, seed=seed, start_scale=1)
        diversity["scale_1"] = single_image_diversity(kept, real)
    reconstruction = np.clip(model.reconstruct()[0], -1.0, 1.0)
    return {
        "reconstruction_psnr": round(
            float(np.mean(psnr(reconstruction[None], real[None]))), 2
        ),
        "diversity": {k: round(float(v), 4) for k, v in diversity.items()},
        "patch_swd": round(float(patch_swd(real, samples, seed=seed)["swd"]), 4),
        "patch_swd_baselines": {
            key: round(float(value), 4)
            for key, value in patch_baselines(real, seed=seed).items()
        },
    }


def write_pictures(model, out, seed=0):
    """`samples.png` (image, reconstruction, samples), `scales.png` (one
    row per start scale: what each scale varies) and `sizes.png` (other
    sizes and aspect ratios). Returns their paths."""
    from keras_gans.utils.images import save_grid

    os.makedirs(out, exist_ok=True)
    real = model.real_images()[model.trained_scales - 1][None]
    reconstruction = np.clip(model.reconstruct(), -1.0, 1.0)
    paths = {}
    paths["samples"] = os.path.join(out, "samples.png")
    save_grid(
        np.concatenate([real, reconstruction, model.sample(10, seed=seed)]),
        paths["samples"],
        rows=2,
    )
    starts = range(min(model.trained_scales, 4))
    rows = [
        np.concatenate([real, model.sample(5, seed=seed + 1, start_scale=k)])
        for k in starts
    ]
    paths["scales"] = os.path.join(out, "scales.png")
    save_grid(np.concatenate(rows), paths["scales"], rows=len(rows))
    paths["sizes"] = os.path.join(out, "sizes.png")
    save_grid(
        model.sample(2, seed=seed + 2, scale_w=2.0), paths["sizes"], rows=2
    )
    return paths


def refiner_scale(model):
    """The exported refiner's injection scale: 2 (the paper harmonizes at
    scales 1 to 3 of about 9), or the finest below the top of a shorter
    pyramid."""
    return min(2, model.trained_scales - 1) if model.trained_scales > 1 else None


