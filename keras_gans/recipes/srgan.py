"""SRGAN recipe: x4 super-resolution in two stages, scored as in the papers.

```
python recipes/srgan.py --data-dir ../shared/data/sr/yang91 \\
    --eval-dir ../shared/data/sr/set5 --report-dir ../shared/data/sr/set14
python recipes/srgan.py --stage pretrain        # the PSNR model only
python recipes/srgan.py --scale 2 --pretrain-steps 4000 --gan-steps 4000
```
"""

import sys

from keras_gans.recipes.recipe_flags import parse_weight
from keras_gans.recipes.recipe_runner import RecipeRunner
from keras_gans.recipes.upscaler_kind import UpscalerKind

DESCRIPTION = (
    "Trains an SRGAN (Ledig et al. 2017) upscaler: a PSNR-oriented "
    "pre-training of the generator on the pixel loss ('SRResNet'), then "
    "the adversarial game (content + 1e-3 x adversarial) initialised from "
    "it; scores both by the literature's protocol (Y channel, border "
    "shaved, MATLAB-bicubic LR) against bicubic, writes a panel and "
    "exports both as free-size upscalers (SavedModel + TFLite)."
)

# Measured on 2 CPU cores with TensorFlow (docs/measured.md, "SRGAN"):
# a narrow SRResNet with a bicubic image skip and no BatchNorm, L1
# pre-training at 1e-3, 64-pixel HR patches. The paper's network (16
# blocks of 64, BatchNorm, 96-pixel patches, 10^6 steps on ImageNet) needs
# a GPU; `--preset srgan` style flags are all here to ask for it.
_SHORT_CPU = {
    "scale": 4,
    "patch_size": 64,
    "batch_size": 16,
    "patches_per_image": 8,
    "filters": 32,
    "num_blocks": 8,
    "norm": "none",
    "image_skip": "bicubic",
    "pixel_loss": "l1",
    "lr": 1e-3,
    "gan_lr": 1e-4,
    "d_filters": 32,
    "pretrain_steps": 1500,
    "gan_steps": 300,
}
DATASET_DEFAULTS = {
    "photos": _SHORT_CPU,
    "folder": _SHORT_CPU,
    "*": _SHORT_CPU,
}
STAGES = ("both", "pretrain", "gan")


def add_flags(parser):
    """The SRGAN recipe's flags (defaults per dataset, see above)."""
    parser.add_argument("--scale", type=int, default=None,
                        help="upscaling factor: 2, 3 or 4 (default 4)")
    parser.add_argument("--stage", choices=STAGES, default="both",
                        help="both (default), pretrain (the PSNR model "
                        "only) or gan (the game from a fresh generator, or "
                        "from --init-generator)")
    parser.add_argument("--init-generator", default=None,
                        help=".keras generator to start the game from (with "
                        "--stage gan), e.g. a run's psnr_generator.keras")
    parser.add_argument("--pretrain-steps", type=int, default=None)
    parser.add_argument("--gan-steps", type=int, default=None)
    parser.add_argument("--patch-size", type=int, default=None,
                        help="side of the HR training patches")
    parser.add_argument("--patches-per-image", type=int, default=None)
    parser.add_argument("--filters", type=int, default=None,
                        help="generator width")
    parser.add_argument("--num-blocks", type=int, default=None,
                        help="generator residual blocks")
    parser.add_argument("--norm", choices=("batch", "none"), default=None,
                        help="generator normalization")
    parser.add_argument("--image-skip", choices=("bicubic", "none"),
                        default=None,
                        help="add the generator's output to the bicubic "
                        "upsampling of its input")
    parser.add_argument("--d-filters", type=int, default=None,
                        help="discriminator width")
    parser.add_argument("--pixel-loss", choices=("mse", "l1"), default=None)
    parser.add_argument("--content-loss", default="pixel",
                        choices=("pixel", "vgg54"),
                        help="the game's content loss: pixel (default, "
                        "offline) or vgg54 (VGG19 features, needs the "
                        "ImageNet weights or --vgg-weights)")
    parser.add_argument("--vgg-weights", default=None,
                        help="local VGG19 (include_top=False) weights file")
    parser.add_argument("--adversarial-weight", type=parse_weight,
                        default=1e-3,
                        help="weight of the adversarial term (1e-3)")
    parser.add_argument("--lr", type=float, default=None,
                        help="Adam learning rate of the pre-training")
    parser.add_argument("--gan-lr", type=float, default=None,
                        help="Adam learning rate of G and D in the game")
    parser.add_argument("--eval-dir", default=None,
                        help="HR images to validate on (e.g. Set5): scores "
                        "and the panel")
    parser.add_argument("--report-dir", default=None,
                        help="HR images scored at the end only (e.g. Set14)")
    return parser


def _stage_steps(args, steps_per_epoch):
    """`(pretrain, gan)` steps of `--stage`, rounded up to whole epochs."""
    def whole(steps):
        return -(-steps // steps_per_epoch) * steps_per_epoch

    pretrain = whole(args.pretrain_steps) if args.stage != "gan" else 0
    gan = whole(args.gan_steps) if args.stage != "pretrain" else 0
    return pretrain, gan


def _content_loss(args):
    if args.content_loss == "pixel":
        return None
    from keras_gans.losses import PerceptualLoss

    return PerceptualLoss(weights=args.vgg_weights or "imagenet")


def _initial_generator(args):
    """The generator of `--init-generator`: a generator `.keras` file, or
    a whole SRGAN's (a run's final.keras)."""
    import keras

    path = args.init_generator
    try:
        loaded = keras.saving.load_model(path, compile=False)
    except (OSError, ValueError) as error:
        raise SystemExit(
            f"srgan: error: --init-generator could not be loaded ({error}). "
            f"Received: --init-generator={path!r}"
        ) from None
    return getattr(loaded, "generator", loaded)


def build_model(args, steps_per_epoch):
    """A compiled `keras_gans.SRGAN` for the resolved flags."""
    import keras

    import keras_gans

    pretrain_steps, gan_steps = _stage_steps(args, steps_per_epoch)
    model = keras_gans.SRGAN(
        scale=args.scale,
        patch_size=args.patch_size,
        filters=args.filters,
        num_blocks=args.num_blocks,
        norm=None if args.norm == "none" else args.norm,
        image_skip=None if args.image_skip == "none" else args.image_skip,
        d_filters=args.d_filters,
        pixel_loss=args.pixel_loss,
        content_loss=_content_loss(args),
        adversarial_weight=args.adversarial_weight,
        pretrain_steps=pretrain_steps,
        gan_steps=gan_steps,
        seed=args.seed,
    )
    if args.init_generator:
        model.generator.set_weights(_initial_generator(args).get_weights())

    def adam(rate):
        return keras.optimizers.Adam(learning_rate=rate, beta_1=0.9)

    model.compile(
        optimizers={
            "pretrain": adam(args.lr),
            "generator": adam(args.gan_lr),
            "discriminator": adam(args.gan_lr),
        }
    )
    return model


RECIPE = RecipeRunner(
    __name__,
    "srgan",
    DESCRIPTION,
    UpscalerKind(),
    DATASET_DEFAULTS,
    build_model,
    add_flags,
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    sys.exit(main())
