"""`keras-gans singan`: SinGAN's applications on a trained `.keras` file.

```
keras-gans singan harmonize MODEL.keras --image NAIVE --mask MASK
                            --start-scale N -o OUT.png [--seed S]
keras-gans singan edit MODEL.keras --image EDITED --mask MASK
                       --start-scale N -o OUT.png [--seed S]
keras-gans singan paint MODEL.keras --image PAINTING --start-scale N
                        -o OUT.png [--quantize] [--seed S]
keras-gans singan sr MODEL.keras [--image IMAGE] --factor F -o OUT.png
                     [--noise] [--seed S]
keras-gans singan animate MODEL.keras -o OUT.gif [--frames T] [--fps F]
                          [--start-scale N] [--alpha A] [--beta B]
                          [--seed S]
```

`harmonize`, `edit` and `paint` take an image of the training image's
aspect ratio and resize it (and the mask, which must have the image
file's size) to the model's output size. Keras and the model code are
imported inside `run_singan` only.
"""

import argparse
import sys

APPLICATIONS = ("harmonize", "edit", "paint", "sr", "animate")


def add_singan_parser(commands):
    """Adds the `singan` command and its applications to `commands`.

    Args:
        commands: the `add_subparsers()` object of the `keras-gans`
            parser.

    Returns:
        The `singan` parser.
    """
    singan = commands.add_parser(
        "singan",
        help="SinGAN's applications: harmonize, edit, paint, sr, animate",
        description=(
            "Runs one of SinGAN's applications (Shaham et al. 2019) on a "
            "trained SinGAN .keras file: harmonize a pasted object, blend "
            "an edit, turn a painting into an image (all three inject an "
            "image at --start-scale, in [1, trained scales): low scales "
            "change more), super-resolve with the finest generator, or "
            "animate the image by a random walk in its noise."
        ),
    )
    applications = singan.add_subparsers(
        dest="application", metavar="APPLICATION", title="applications",
        required=True,
    )
    harmonize = applications.add_parser(
        "harmonize",
        help="make a pasted object take on the image's look (PNG)",
        description="Injects a naive composite (--image) at --start-scale "
        "and keeps the result inside --mask (white: the pasted object); "
        "every pixel outside it stays the composite's.",
    )
    edit = applications.add_parser(
        "edit",
        help="blend a rough edit into the image (PNG)",
        description="Injects an edited image (--image) at --start-scale "
        "and keeps the result inside --mask (white: the edited region) "
        "dilated and blurred, as the official editing.py.",
    )
    for parser, what in ((harmonize, "the naive composite"),
                         (edit, "the edited image")):
        _add_model(parser)
        parser.add_argument(
            "--image", required=True, help=f"{what}: an RGB image file"
        )
        parser.add_argument(
            "--mask", required=True,
            help="the mask file, of --image's size (white: the region)",
        )
        _add_start_scale(parser, required=True)
        _add_png_output(parser)
        _add_seed(parser)
    paint = applications.add_parser(
        "paint",
        help="turn a painting or clip art into a realistic image (PNG)",
        description="Injects a painting (--image) at --start-scale; with "
        "--quantize its colours are first mapped to the training image's "
        "5 main colours.",
    )
    _add_model(paint)
    paint.add_argument(
        "--image", required=True, help="the painting: an RGB image file"
    )
    _add_start_scale(paint, required=True)
    paint.add_argument(
        "--quantize", action="store_true",
        help="map the painting's colours to the image's palette first",
    )
    _add_png_output(paint)
    _add_seed(paint)
    sr = applications.add_parser(
        "sr",
        help="super-resolve with the finest generator (PNG)",
        description="Enlarges --image (default: the training image) "
        "--factor times in steps of about the model's ratio between its "
        "two finest scales, refining each step with the finest generator.",
    )
    _add_model(sr)
    sr.add_argument(
        "--image", default=None,
        help="an RGB image file, any size (default: the training image)",
    )
    sr.add_argument(
        "--factor", type=_factor, default=4.0,
        help="the enlargement, > 1 (default 4)",
    )
    sr.add_argument(
        "--noise", action="store_true",
        help="add the finest scale's noise at every step (the official "
        "code; default: none, a deterministic result)",
    )
    _add_png_output(sr)
    _add_seed(sr, "with --noise: the noise's seed")
    animate = applications.add_parser(
        "animate",
        help="animate the image by a random walk in its noise (GIF)",
        description="Writes a looping GIF of --frames frames: the noise "
        "of every scale from --start-scale up walks around the image's "
        "reconstruction noise (official animation.py).",
    )
    _add_model(animate)
    animate.add_argument(
        "--frames", type=_frames, default=100, help="frames, >= 2 (100)"
    )
    animate.add_argument(
        "--fps", type=_fps, default=10.0, help="frames per second (10)"
    )
    _add_start_scale(animate, required=False)
    animate.add_argument(
        "--alpha", type=float, default=0.1,
        help="pull towards the image's noise, in [0, 1] (0.1)",
    )
    animate.add_argument(
        "--beta", type=float, default=0.9,
        help="momentum of the walk, in [0, 1] (0.9)",
    )
    animate.add_argument(
        "-o", "--output", required=True, help="the .gif file to write"
    )
    _add_seed(animate)
    singan.set_defaults(handler=run_singan)
    return singan


def _add_model(parser):
    parser.add_argument("model", help="a trained SinGAN .keras file")


def _add_start_scale(parser, required):
    if required:
        help_text = (
            "the scale the image is injected at, in [1, trained scales): "
            "low changes colours and shapes, high only texture"
        )
    else:
        help_text = "the coarsest scale that moves (default 0: all)"
    parser.add_argument(
        "--start-scale", type=int, required=required,
        default=None if required else 0, help=help_text,
    )


def _add_png_output(parser):
    parser.add_argument(
        "-o", "--output", required=True, help="the .png file to write"
    )


def _add_seed(parser, help_text="an int for a reproducible result"):
    parser.add_argument("--seed", type=int, default=None, help=help_text)


def run_singan(args):
    """Runs the application `args.application` (`add_singan_parser`).

    Returns:
        0 on success.

    Raises:
        ValueError: naming the flag or file, for a file that is not a
            SinGAN `.keras` file, a grayscale or transparent image, a mask
            of another size, an image of another aspect ratio, a bad
            scale, factor or frame count, or a wrong output extension.
        FileNotFoundError: for a missing file.
    """
    extension = ".gif" if args.application == "animate" else ".png"
    if not args.output.lower().endswith(extension):
        raise ValueError(
            f"`--output` of `singan {args.application}` must be a "
            f"{extension} file. Received: output={args.output!r}"
        )
    from keras_gans.models.singan import singan_applications as apps
    from keras_gans.models.singan.singan_io import read_mask
    from keras_gans.models.singan.singan_io import read_rgb_image
    from keras_gans.utils.images import save_png
    from keras_gans.utils.images import to_uint8

    # The input files are checked before the (slower) model is loaded.
    image = mask = None
    if getattr(args, "image", None) is not None:
        image = read_rgb_image(args.image)
    if getattr(args, "mask", None) is not None:
        mask = read_mask(args.mask, image.shape)
    model = load_singan(args.model)
    if args.application == "animate":
        frames = apps.animate(
            model, frames=args.frames, alpha=args.alpha, beta=args.beta,
            start_scale=args.start_scale, seed=args.seed,
        )
        apps.save_gif(frames, args.output, fps=args.fps)
        height, width = frames.shape[1:3]
        print(
            f"Wrote {len(frames)} frames ({width}x{height}) of "
            f"{args.model!r} to {args.output!r}."
        )
        return 0
    if args.application == "sr":
        out = apps.super_resolve(
            model, image, factor=args.factor, noise=args.noise,
            seed=args.seed,
        )
    else:
        image, mask = apps.fit_to_model(model, image, mask)
        if args.application == "harmonize":
            out = apps.harmonize(
                model, image, mask, args.start_scale, seed=args.seed
            )
        elif args.application == "edit":
            out = apps.edit(
                model, image, mask, args.start_scale, seed=args.seed
            )
        else:
            out = apps.paint_to_image(
                model, image, args.start_scale, quantize=args.quantize,
                seed=args.seed,
            )
    save_png(to_uint8(out), args.output)
    print(
        f"Wrote the {args.application} output ({out.shape[1]}x"
        f"{out.shape[0]}) of {args.model!r} to {args.output!r}."
    )
    return 0


def load_singan(path):
    """The `SinGAN` of a `.keras` file (loaded safely), refusing others.

    Raises:
        FileNotFoundError: for a missing file.
        ValueError: naming the file, for a file that is not `.keras` or
            holds another model.
    """
    from keras_gans.models.singan import SinGAN
    from keras_gans.utils.safe_loading import load_keras_file

    if not str(path).endswith(".keras"):
        raise ValueError(
            "`keras-gans singan` needs a trained SinGAN .keras file (the "
            "applications run its generators one by one; an export "
            f"cannot). Received: model={path!r}"
        )
    model = load_keras_file(path, compile=False, name="model")
    if not isinstance(model, SinGAN):
        raise ValueError(
            f"`keras-gans singan` needs a SinGAN; {path!r} holds a "
            f"{type(model).__name__}. Received: model={path!r}"
        )
    return model


def _factor(text):
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 1.0 < value < float("inf"):
        raise argparse.ArgumentTypeError(
            f"expected a number > 1. Received: {text!r}"
        )
    return value


def _frames(text):
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < 2:
        raise argparse.ArgumentTypeError(
            f"expected an integer >= 2. Received: {text!r}"
        )
    return value


def _fps(text):
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0.0 < value < float("inf"):
        raise argparse.ArgumentTypeError(
            f"expected a number > 0. Received: {text!r}"
        )
    return value


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(prog="keras-gans")
    add_singan_parser(parser.add_subparsers(dest="command", required=True))
    parsed = parser.parse_args()
    try:
        sys.exit(parsed.handler(parsed))
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        print(f"keras-gans singan: error: {error}", file=sys.stderr)
        sys.exit(1)
