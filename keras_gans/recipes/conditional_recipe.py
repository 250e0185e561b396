"""What the conditional recipes (cgan, acgan) share: flags, labelled data
and how a model is built from them.

The number of classes is read from the dataset
(`keras_gans.data.num_classes`) unless `--num-classes` is given; the data
are loaded with labels, and the exported sample grid has one row per class.
"""

import functools

from keras_gans.recipes.latent_kind import LatentKind
from keras_gans.recipes.recipe_flags import add_optimizer_flags
from keras_gans.recipes.recipe_flags import compile_with_flags
from keras_gans.recipes.recipe_flags import ema_options
from keras_gans.recipes.recipe_runner import RecipeRunner

# Settings every dataset starts from.
_TRAINING = {"batch_size": 64, "ema_decay": 0.999, "latent_dim": 100}

# Short CPU runs learn more per step at higher rates than the paper's.
_SHORT_RUN = {"d_lr": 0.0004, "g_lr": 0.0004}

# Per-dataset defaults of cgan and acgan, measured on 2 CPU cores with the
# TensorFlow backend. On the 10,000 MNIST test images (3,120 steps): CGAN
# 98.5% of samples classified as the requested digit, FID 1.5, about 7.5
# minutes; ACGAN 99.4%, FID 3.6, about 5.5 minutes. The digits defaults
# are not tuned: both lose variety within a class there (recall <= 0.04).
DATASET_DEFAULTS = {
    "digits": {**_TRAINING, **_SHORT_RUN, "epochs": 50,
               "image_shape": (28, 28, 1)},
    "mnist-idx": {**_TRAINING, **_SHORT_RUN, "epochs": 20,
                  "image_shape": (28, 28, 1)},
    "*": {**_TRAINING, "epochs": 20},
}


def add_flags(parser):
    """Flags of every conditional recipe (the shared and latent ones come
    from the runner)."""
    add_optimizer_flags(parser)
    parser.add_argument(
        "--num-classes",
        type=int,
        default=None,
        help="label classes (default: read from the dataset)",
    )
    parser.add_argument(
        "--label-encoding",
        choices=("embedding", "one_hot"),
        default=None,
        help="how labels are encoded for G (and D's label channels)",
    )
    parser.add_argument(
        "--d-conditioning",
        choices=("channels", "projection", "none"),
        default=None,
        help="how D sees the label ('none': ACGAN only)",
    )
    parser.add_argument(
        "--conditional-bn",
        type=int,
        choices=(0, 1),
        default=None,
        help="class-conditional BatchNorm in G (1) or plain BatchNorm (0)",
    )
    parser.add_argument(
        "--fake-labels",
        choices=("real", "uniform"),
        default=None,
        help="labels of the fake half of a batch: the real batch's or uniform",
    )
    parser.set_defaults(with_labels=True)
    return parser


# Recipe flag -> model argument, for flags passed on only when set.
_MODEL_FLAGS = {
    "label_encoding": "label_encoding",
    "fake_labels": "fake_labels",
    "d_steps": "d_steps",
    "class_weight": "class_weight",
}


def model_options(args):
    """Constructor arguments of the conditional model for the flags."""
    from keras_gans import data

    num_classes = args.num_classes
    if num_classes is None:
        num_classes = data.num_classes(args.dataset, data_dir=args.data_dir)
    options = {
        "image_shape": args.image_shape,
        "num_classes": num_classes,
        "latent_dim": args.latent_dim,
        **ema_options(args),
        "seed": args.seed,
    }
    for flag, name in _MODEL_FLAGS.items():
        if getattr(args, flag, None) is not None:
            options[name] = getattr(args, flag)
    if args.d_conditioning is not None:
        options["d_conditioning"] = (
            None if args.d_conditioning == "none" else args.d_conditioning
        )
    if args.conditional_bn is not None:
        options["g_conditional_batchnorm"] = bool(args.conditional_bn)
    return options


def build_model(class_name, args):
    """A compiled `keras_gans.<class_name>` for the resolved flags."""
    import keras_gans

    gan = getattr(keras_gans, class_name)(**model_options(args))
    return compile_with_flags(gan, args)


def recipe(
    module, name, class_name, description, dataset_defaults, extra_flags=None
):
    """The `RecipeRunner` of the conditional `keras_gans.<class_name>`.

    Args:
        module, name, description, dataset_defaults: as for `RecipeRunner`.
        class_name: the model class in `keras_gans`.
        extra_flags: optional `parser -> parser` adding the recipe's own
            flags after the conditional ones.
    """

    def flags(parser):
        parser = add_flags(parser)
        return extra_flags(parser) if extra_flags else parser

    return RecipeRunner(
        module,
        name,
        description,
        LatentKind(),
        dataset_defaults,
        functools.partial(build_model, class_name),
        flags,
    )
