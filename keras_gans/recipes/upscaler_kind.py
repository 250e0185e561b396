"""`UpscalerKind`: recipes of super-resolution models (srgan)."""

import json
import os
import types

from keras_gans.recipes.recipe_kind import RecipeKind

# HR side of the panel's crop (the centre of the first validation image):
# large enough to see texture, small enough to view unscaled.
PANEL_CROP = 160
# Where the PSNR-stage generator is kept when the game starts (run dir).
PSNR_GENERATOR_FILE = "psnr_generator.keras"


class UpscalerKind(RecipeKind):
    """Super-resolution upscalers trained on (LR, HR) patches.

    Trains on random HR patches of `--data-dir` (or the bundled photos)
    and their MATLAB-bicubic LR (`keras_gans.data.load_super_resolution`,
    epoch-keyed, so `--resume` is exact), keeps the PSNR-stage generator
    when the game starts, scores both models by the literature's protocol
    (`keras_gans.metrics.super_resolution`) on `--eval-dir` and, for
    reporting only, `--report-dir`, writes a panel (bicubic | PSNR model |
    GAN model | HR) and exports each model as an upscaler artifact. The
    recipe's `build_model(args, steps_per_epoch)` returns a compiled
    staged model.
    """

    dataset_help = (
        "'photos' (four bundled scikit-image photos, default) or 'folder' "
        "(HR images in --data-dir, e.g. ../shared/data/sr/yang91)"
    )
    data_dir_help = "folder of HR training images (with --dataset folder)"

    def default_dataset(self):
        return "photos"

    def resolve(self, args):
        from keras_gans.models.srgan.sub_pixel_upsampling import check_scale

        if args.data_dir is not None and args.dataset == "photos":
            # A folder given: train on it.
            args.dataset = "folder"
        if args.dataset not in ("photos", "folder"):
            raise SystemExit(
                f"srgan: error: --dataset must be 'photos' or 'folder'. "
                f"Received: --dataset={args.dataset!r}"
            )
        if args.dataset == "folder" and args.data_dir is None:
            raise SystemExit(
                "srgan: error: --dataset folder needs --data-dir (a folder "
                "of HR images, e.g. ../shared/data/sr/yang91)."
            )
        try:
            check_scale(args.scale)
        except ValueError:
            raise SystemExit(
                f"srgan: error: --scale must be 2, 3 or 4. Received: "
                f"--scale={args.scale}"
            ) from None

    def prepare(self, args):
        """The validation images and the steps of one epoch."""
        from keras_gans.data import patches

        source = args.data_dir if args.dataset == "folder" else "photos"
        names, images = patches.hr_images(source)
        count = len(images) * args.patches_per_image
        return types.SimpleNamespace(
            source=source,
            steps_per_epoch=count // args.batch_size,
            eval_images=_eval_images(args.eval_dir),
            report_images=_eval_images(args.report_dir),
        )

    def build(self, build_model, args, state):
        return build_model(args, state.steps_per_epoch)

    def steps_per_epoch(self, args, state):
        return state.steps_per_epoch

    def dataset(self, args, state, initial_epoch):
        from keras_gans import data

        return data.load_super_resolution(
            state.source,
            patch_size=args.patch_size,
            scale=args.scale,
            batch_size=args.batch_size,
            patches_per_image=args.patches_per_image,
            seed=args.seed,
            epochs=args.epochs,
            initial_epoch=initial_epoch,
        )

    def callbacks(self, args, state, model):
        from keras_gans.callbacks import StageSnapshot

        if "pretrain" not in [stage.name for stage in model.stages()]:
            return []
        path = os.path.join(args.run_dir, PSNR_GENERATOR_FILE)
        return [StageSnapshot(path, stage="pretrain")]

    def final_fields(self, args, state, model):
        """Protocol scores of the PSNR and GAN models on the eval sets."""
        state.models = _final_models(args, model)
        fields = {"scale": args.scale}
        for key, images in (
            ("eval", state.eval_images),
            ("report", state.report_images),
        ):
            if images is None:
                continue
            fields[f"{key}_dir"] = images.folder
            fields[f"{key}_scores"] = {
                name: _scores(generator, images.hr, args.scale)
                for name, generator in state.models.items()
            }
        print("SCORES " + json.dumps(fields))
        return fields

    def export(self, args, state, model, summary):
        """Exports each model to `args.out/<psnr|gan>/`; writes panel.png."""
        from keras_gans.export import export_upscaler

        errors = {}
        for name, generator in state.models.items():
            card = export_upscaler(
                generator,
                os.path.join(args.out, name),
                quantize=args.quantize,
                dataset=_dataset_label(args),
                steps=summary["generator_steps"],
                extra_card={
                    "stage": name,
                    "architecture": _network_note(args),
                    **_card_scores(summary, name),
                },
            )
            errors[name] = card["export_errors"]
        panel = _write_panel(args, state)
        return {"out": args.out, "export_errors": errors, "panel": panel}


class _Images(types.SimpleNamespace):
    """HR images of a folder: `folder`, `names`, `hr` (uint8 RGB)."""


def _eval_images(folder):
    if folder is None:
        return None
    from keras_gans.data import patches

    names, hr = patches.hr_images(folder)
    return _Images(folder=os.fspath(folder), names=names, hr=hr)


def _scores(generator, hr_images, scale):
    from keras_gans.metrics.super_resolution import upscaling_scores

    def upscale(lr):
        return generator(lr, training=False)

    scores = upscaling_scores(upscale, hr_images, scale)
    keys = (
        "psnr", "ssim", "sharpness",
        "bicubic_psnr", "bicubic_ssim", "bicubic_sharpness",
    )
    return {key: round(float(scores[key]), 4) for key in keys}


def _final_models(args, model):
    """`{"psnr": generator, "gan": generator}`: the models the run made."""
    import keras

    models = {}
    stages = [stage.name for stage in model.stages()]
    if "pretrain" in stages:
        if model.stage_name == "pretrain":
            models["psnr"] = model.generator
        else:
            path = os.path.join(args.run_dir, PSNR_GENERATOR_FILE)
            models["psnr"] = keras.saving.load_model(path, compile=False)
    if model.stage_name == "gan":
        models["gan"] = model.generator
    return models


def _dataset_label(args):
    """`"photos"`, or the training folder's name (e.g. `"yang91"`)."""
    if args.dataset == "folder":
        return os.path.basename(os.path.normpath(args.data_dir))
    return args.dataset


def _network_note(args):
    return (
        f"SRResNet-style generator, {args.num_blocks} residual blocks of "
        f"{args.filters} channels, norm {args.norm}, image skip "
        f"{args.image_skip} (the paper: 16 blocks of 64, BatchNorm, no "
        "image skip), sized for a short CPU training"
    )


def _card_scores(summary, name):
    scores = {}
    for key in ("eval", "report"):
        if f"{key}_scores" in summary:
            scores[f"{key}_scores"] = summary[f"{key}_scores"][name]
            scores[f"{key}_dir"] = summary[f"{key}_dir"]
    return scores


def _write_panel(args, state):
    """bicubic | PSNR model | GAN model | HR on the centre of the first
    validation image (or the held-out bundled photo)."""
    import numpy as np

    from keras_gans.data import bicubic
    from keras_gans.data import patches
    from keras_gans.metrics.super_resolution import crop_to_multiple
    from keras_gans.utils.images import save_panel

    if state.eval_images is not None:
        hr = state.eval_images.hr[0]
    else:
        hr = patches.sr_photo(patches.SR_HELD_OUT_PHOTO)
    hr = crop_to_multiple(hr, args.scale)
    lr = bicubic.imresize(hr, 1.0 / args.scale)
    tiles = [bicubic.imresize(lr, args.scale)]
    batch = lr[None].astype("float32") / 127.5 - 1.0
    for generator in state.models.values():
        tiles.append(_to_uint8(generator(batch, training=False)[0]))
    tiles.append(hr)
    crop = _centre_crop(hr.shape, PANEL_CROP)
    row = [tile[crop].astype("float32") / 127.5 - 1.0 for tile in tiles]
    path = os.path.join(args.out, "panel.png")
    save_panel([row], path, scale=1)
    return path


def _to_uint8(image):
    import keras

    from keras_gans.utils.images import to_uint8

    return to_uint8(keras.ops.convert_to_numpy(image))


def _centre_crop(shape, side):
    height, width = shape[:2]
    side_h, side_w = min(side, height), min(side, width)
    top, left = (height - side_h) // 2, (width - side_w) // 2
    return (slice(top, top + side_h), slice(left, left + side_w))
