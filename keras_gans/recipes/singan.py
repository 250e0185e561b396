"""SinGAN recipe: a generative model of one image, scale by scale.

```
python recipes/singan.py --image ../shared/data/singan/Generation/colusseum.png
python recipes/singan.py --image photo.jpg --preset singan   # the paper's, GPU
python recipes/singan.py --resume                            # after a crash
```
"""

import sys

from keras_gans.recipes.recipe_runner import RecipeRunner
from keras_gans.recipes.single_image_kind import SingleImageKind

DESCRIPTION = (
    "Trains a SinGAN (Shaham et al. 2019) on one image: a pyramid of "
    "fully convolutional GANs trained coarse to fine, one stage per scale "
    "(WGAN-GP and a reconstruction loss), by default with ConSinGAN's "
    "scheme (Hinz et al. 2021: a rescaled pyramid, the last 3 scales "
    "trained together); scores reconstruction, diversity and patch "
    "statistics, writes sample grids and exports a free-size sampler "
    "(SavedModel + TFLite)."
)
PRESETS = ("cpu", "consingan", "singan")
# `--preset` fills these unless given (see keras_gans.models.singan.
# singan_presets). The CPU default is measured in docs/singan.md.
PRESET_FLAGS = (
    "steps_per_scale",
    "max_size",
    "min_size",
    "train_depth",
    "width",
    "batch_norm",
)
DATASET_DEFAULTS = {"*": {"preset": "cpu"}}


def add_flags(parser):
    """The SinGAN recipe's flags (unset ones come from `--preset`)."""
    parser.add_argument("--preset", choices=PRESETS, default=None,
                        help="cpu (default: ConSinGAN scheme at 128 px for "
                        "2 CPU cores), consingan or singan (the papers' "
                        "settings, 250 px: for a GPU)")
    parser.add_argument("--steps-per-scale", type=int, default=None,
                        help="training iterations per scale")
    parser.add_argument("--max-size", type=int, default=None,
                        help="longer side of the finest scale (px)")
    parser.add_argument("--min-size", type=int, default=None,
                        help="shorter side of the coarsest scale (px)")
    parser.add_argument("--train-depth", type=int, default=None,
                        help="scales trained together (1: SinGAN)")
    parser.add_argument("--width", type=int, default=None,
                        help="channels of the coarsest scale's networks")
    parser.add_argument("--batch-norm", choices=("on", "off"), default=None,
                        help="BatchNorm in the networks")
    parser.add_argument("--lr", type=float, default=5e-4,
                        help="Adam learning rate of both networks (5e-4)")
    return parser


def build_model(args, image):
    """A compiled `keras_gans.SinGAN` of `--preset` and the flags."""
    import keras_gans
    from keras_gans.models.singan.singan_presets import PRESETS as MODEL_PRESETS

    settings = dict(MODEL_PRESETS[args.preset])
    for key in PRESET_FLAGS:
        value = getattr(args, key, None)
        if value is not None:
            settings[key] = value == "on" if key == "batch_norm" else value
    model = keras_gans.SinGAN(
        image=image, learning_rate=args.lr, seed=args.seed, **settings
    )
    model.compile()
    return model


RECIPE = RecipeRunner(
    __name__,
    "singan",
    DESCRIPTION,
    SingleImageKind(),
    DATASET_DEFAULTS,
    build_model,
    add_flags,
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    sys.exit(main())
