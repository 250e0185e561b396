"""What the conditional recipes (cgan, acgan) share: flags, labelled data
and how a model is built from them.

The number of classes is read from the dataset
(`keras_gans.data.num_classes`) unless `--num-classes` is given; the data
are loaded with labels, and the exported sample grid has one row per class.
"""

import sys

from keras_gans.recipes import common


def add_flags(parser):
    """Flags of every conditional recipe (shared ones come from `common`)."""
    parser.add_argument(
        "--d-lr", type=float, default=None, help="discriminator learning rate"
    )
    parser.add_argument(
        "--g-lr", type=float, default=None, help="generator learning rate"
    )
    parser.add_argument(
        "--ema-decay",
        type=float,
        default=None,
        help="EMA of the generator weights (0 disables)",
    )
    parser.add_argument(
        "--d-steps", type=int, default=None, help="D steps per G step"
    )
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
        "ema_decay": args.ema_decay or None,
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
    optimizers = gan.default_optimizers()
    for key, rate in (("discriminator", args.d_lr), ("generator", args.g_lr)):
        if rate is not None:
            optimizers[key].learning_rate = rate
    gan.compile(
        d_optimizer=optimizers["discriminator"],
        g_optimizer=optimizers["generator"],
    )
    return gan


def main(
    module,
    recipe,
    class_name,
    description,
    dataset_defaults,
    argv=None,
    extra_flags=None,
):
    """Runs a conditional recipe; returns the process exit code.

    Args:
        module, recipe, class_name, description, dataset_defaults, argv:
            as in `variant_recipe.main`.
        extra_flags: optional `parser -> parser` adding the recipe's own
            flags after the shared ones.
    """

    def flags(parser):
        parser = add_flags(parser)
        return extra_flags(parser) if extra_flags else parser

    return common.main(
        module,
        recipe,
        description,
        dataset_defaults,
        flags,
        lambda args: build_model(class_name, args),
        sys.argv[1:] if argv is None else argv,
    )
