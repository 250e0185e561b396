"""What the variant recipes (gan, and the DCGAN family's wgan, wgan_gp,
lsgan, sngan, sagan) share: their flags and how a model is built from them.

Each variant's paper settings are its class defaults (loss, optimizers,
n_critic, penalties); the flags override only what is given.
"""

import functools

from keras_gans.recipes.latent_kind import LatentKind
from keras_gans.recipes.recipe_flags import add_network_flags
from keras_gans.recipes.recipe_flags import SHORT_DIGITS_NETWORK
from keras_gans.recipes.recipe_flags import add_optimizer_flags
from keras_gans.recipes.recipe_flags import compile_with_flags
from keras_gans.recipes.recipe_flags import ema_options
from keras_gans.recipes.recipe_flags import network_options
from keras_gans.recipes.recipe_runner import RecipeRunner

# Settings every DCGAN-family variant starts from; the optimizers are the
# paper's (the class defaults). The generator's average has a ramped
# half-life: a fixed 0.999 decay still holds 8% of the random initial
# weights after the 2,500 steps of a short run.
TRAINING = {"batch_size": 64, "ema_half_life": 10.0, "latent_dim": 100}

# Short CPU runs on 28x28 digits: the DCGAN recipe's digit networks and
# code; each variant adds its learning rates, critic steps and run length.
SHORT_DIGITS = {**TRAINING, **SHORT_DIGITS_NETWORK}

# The same for the BatchNorm-free critics (spectral norm, gradient
# penalty), without per-category scores: with them SNGAN scored 81.0
# instead of 45.7 after 4,992 steps, SAGAN 233 instead of 129 after 1,248,
# and WGAN-GP drew one digit in 97% of its samples (docs/measured.md).
SHORT_DIGITS_BN_FREE = {**SHORT_DIGITS, "cluster_scores": 0}


def add_flags(parser, network_flags=True):
    """Flags of every variant recipe (the shared and latent ones come from
    the runner); `network_flags` adds the DCGAN family's widths and code
    flags (`add_network_flags`)."""
    add_optimizer_flags(parser, d_steps_help="critic steps per G step")
    if network_flags:
        add_network_flags(parser)
    parser.add_argument(
        "--augment",
        default=None,
        help="DiffAugment policy, e.g. 'translation,cutout,color' "
        "('none' disables)",
    )
    parser.add_argument(
        "--ada-target",
        type=float,
        default=None,
        help="adapt the augmentation probability to this sign(D(real)) "
        "rate (ADA, e.g. 0.6)",
    )
    return parser


def build_model(class_name, args):
    """A compiled `keras_gans.<class_name>` for the resolved flags."""
    import keras_gans

    cls = getattr(keras_gans, class_name)
    options = {
        "image_shape": args.image_shape,
        "latent_dim": args.latent_dim,
        **ema_options(args),
        "seed": args.seed,
        "augment": augment_layer(args),
        **network_options(args),
    }
    if args.d_steps is not None:
        options["d_steps"] = args.d_steps
    gan = cls(**options)
    return compile_with_flags(gan, args)


def augment_layer(args):
    policy = getattr(args, "augment", None)
    if policy in (None, "", "none"):
        return None
    from keras_gans.layers import DiffAugment

    if args.ada_target is None:
        return DiffAugment(policy=policy, seed=args.seed)
    return DiffAugment(
        policy=policy, probability=0.0, target=args.ada_target, seed=args.seed
    )


def recipe(
    module, name, class_name, description, dataset_defaults, network_flags=True
):
    """The `RecipeRunner` of the variant `keras_gans.<class_name>`
    (`network_flags=False` for a model outside the DCGAN family)."""
    return RecipeRunner(
        module,
        name,
        description,
        LatentKind(),
        dataset_defaults,
        functools.partial(build_model, class_name),
        functools.partial(add_flags, network_flags=network_flags),
    )
