"""StyleGAN2 recipe: train, write grids and checkpoints, export.

```
python recipes/stylegan2.py --dataset mnist-idx --data-dir ../shared/data/mnist
keras-gans train stylegan2 --dataset cifar10 --preset cifar --backend jax
```
"""

from keras_gans.recipes import variant_recipe
from keras_gans.recipes.recipe_flags import add_ema_flags
from keras_gans.recipes.recipe_flags import ema_options
from keras_gans.recipes.recipe_flags import parse_weight
from keras_gans.recipes.recipe_runner import RecipeRunner
from keras_gans.recipes.style_kind import StyleKind

DESCRIPTION = (
    "Trains StyleGAN2 (Karras et al. 2020) with the ADA additions: mapping "
    "and synthesis networks, lazy R1, path length, style mixing, G EMA. "
    "Exports the generator (latent + truncation), its mapping and "
    "synthesis networks as SavedModel + TFLite with model cards, and "
    "writes samples, a truncation strip and a style-mixing grid."
)

# Flags that map one to one onto StyleGAN2 arguments (preset overrides).
_MODEL_FLAGS = (
    "latent_dim", "w_dim", "mapping_layers", "channel_base", "channel_max",
    "mbstd_group", "r1_gamma", "r1_interval", "pl_weight", "pl_interval",
    "style_mixing", "latent_classes", "cluster_weight", "cluster_scores",
)

# Short CPU runs on 28x28 digits (measured on 2 cores, TensorFlow;
# docs/stylegan2.md). Four times StyleGAN2-ADA's rate: with equalized
# learning rates every weight moves by about `lr` of its own size per
# step, and at 0.0025 the generator still drew blobs after 600 steps
# where 0.01 drew digits.
_DIGITS = {
    "preset": "digits_32",
    "batch_size": 32,
    "lr": 0.01,
    "ema_half_life": 10.0,
    "truncation": 1.0,
    # The DCGAN family's shift-consistency of the code head: no better
    # after 4 epochs (FID 265 vs 226) at twice the discriminator's work.
    "consistency_weight": 0.0,
    # MSGAN's mode-seeking term: without it each code category drew about
    # one prototype and two digits all but vanished (k-NN recall 0.02,
    # 2s at 0.01%; FID 173 after 10 epochs). With it every digit is drawn
    # (1-19%) and FID is 157 after 7 epochs, at 1.56x the step cost and
    # with more malformed digits (docs/measured.md).
    "mode_seeking": 1.0,
}

# About 2,200 generator steps on each digit source; mnist-idx is the
# measured one (docs/stylegan2.md), the others have the same step count.
DATASET_DEFAULTS = {
    "digits": {**_DIGITS, "epochs": 39},
    "mnist-5k": {**_DIGITS, "epochs": 14},
    "mnist-idx": {**_DIGITS, "epochs": 7},
    # Elsewhere StyleGAN2-ADA's cifar config (GPU-sized).
    "*": {
        "preset": "cifar",
        "batch_size": 64,
        "lr": 0.0025,
        "ema_half_life": 10.0,
        "truncation": 1.0,
        "epochs": 100,
        "mode_seeking": 0.0,
    },
}


def add_flags(parser):
    """StyleGAN2's flags (the shared and latent ones come from the runner)."""
    from keras_gans.models.stylegan2.stylegan2_presets import STYLEGAN2_PRESETS

    parser.add_argument(
        "--preset",
        choices=sorted(STYLEGAN2_PRESETS),
        default=None,
        help="network and regularization preset (flags below override it)",
    )
    parser.add_argument(
        "--lr", type=float, default=None,
        help="Adam rate of D and G before the lazy-interval correction",
    )
    parser.add_argument("--d-lr", type=float, default=None)
    parser.add_argument("--g-lr", type=float, default=None)
    parser.add_argument(
        "--truncation", type=float, default=None,
        help="psi of the exported samples.png and mixing grid (1: none)",
    )
    for flag, kind, text in (
        ("--w-dim", int, "size of w"),
        ("--mapping-layers", int, "depth of the mapping network"),
        ("--channel-base", int, "widths min(base // res, max)"),
        ("--channel-max", int, "the widest layer"),
        ("--mbstd-group", int, "minibatch-std group (0: none)"),
        ("--r1-gamma", float, "R1 gamma (0: none)"),
        ("--r1-interval", int, "R1 every this many D steps"),
        ("--pl-weight", float, "path-length weight (0: none)"),
        ("--pl-interval", int, "path length every this many G steps"),
        ("--style-mixing", float, "style-mixing probability"),
        ("--latent-classes", int, "InfoGAN code categories (0: none)"),
        ("--cluster-weight", float, "weight of the code's clustering term"),
    ):
        parser.add_argument(flag, type=kind, default=None, help=text)
    parser.add_argument(
        "--cluster-scores", type=int, choices=(0, 1), default=None,
        help="1: D scores each image against the images of its code "
        "category",
    )
    parser.add_argument(
        "--consistency-weight", type=parse_weight, default=None,
        help="weight of a ClusterConsistency penalty on the code head "
        "(0: none)",
    )
    parser.add_argument(
        "--mode-seeking", type=parse_weight, default=None,
        help="weight of MSGAN's mode-seeking term on the generator (0: none)",
    )
    add_ema_flags(parser)
    parser.add_argument(
        "--augment", default=None,
        help="DiffAugment policy for ADA, e.g. 'translation,color' "
        "('none' disables)",
    )
    parser.add_argument(
        "--ada-target", type=float, default=None,
        help="adapt the augmentation probability to this sign(D(real)) "
        "rate (StyleGAN2-ADA: 0.6)",
    )
    return parser


def build_model(args):
    """A compiled `keras_gans.StyleGAN2` for the resolved flags."""
    from keras_gans import StyleGAN2
    from keras_gans.models.stylegan2.stylegan2_presets import STYLEGAN2_PRESETS
    from keras_gans.regularizers import ClusterConsistency
    from keras_gans.regularizers import ModeSeeking

    options = {
        key: getattr(args, key)
        for key in _MODEL_FLAGS
        if getattr(args, key, None) is not None
    }
    options["image_shape"] = args.image_shape
    if options.get("latent_classes") == 0:
        # The code's options go with it.
        options.update(cluster_weight=0.0, cluster_scores=False)
    classes = options.get(
        "latent_classes", STYLEGAN2_PRESETS[args.preset].get("latent_classes")
    )
    if args.consistency_weight and classes:
        options["d_penalties"] = [
            ClusterConsistency(args.consistency_weight, seed=args.seed)
        ]
    if args.mode_seeking:
        options["g_penalties"] = [ModeSeeking(args.mode_seeking)]
    options["ema"] = ema_options(args).get("ema")
    if args.ema_decay:
        options["ema_decay"] = args.ema_decay
    gan = StyleGAN2.from_preset(
        args.preset,
        seed=args.seed,
        augment=variant_recipe.augment_layer(args),
        **options,
    )
    optimizers = gan.default_optimizers(
        d_learning_rate=args.d_lr or args.lr,
        g_learning_rate=args.g_lr or args.lr,
    )
    gan.compile(
        d_optimizer=optimizers["discriminator"],
        g_optimizer=optimizers["generator"],
    )
    return gan


RECIPE = RecipeRunner(
    __name__,
    "stylegan2",
    DESCRIPTION,
    StyleKind(),
    DATASET_DEFAULTS,
    build_model,
    add_flags,
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    import sys

    sys.exit(main())
