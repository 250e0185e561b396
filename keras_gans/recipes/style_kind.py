"""`StyleKind`: recipes of style-based latent generators (StyleGAN2)."""

import os

import numpy as np

from keras_gans.recipes.latent_kind import LatentKind

# The README's strip: psi from 1 (the full distribution) to 0 (w_avg).
TRUNCATION_STRIP = (1.0, 0.8, 0.6, 0.4, 0.2, 0.0)
STRIP_SEEDS = 6
MIX_ROWS = (1, 2, 3, 4, 5)
MIX_COLS = (6, 7, 8, 9, 10, 11)


class StyleKind(LatentKind):
    """A `LatentKind` whose export adds the style pictures.

    Besides the generator artifact (with its mapping and synthesis
    artifacts) and `samples.png` at the recipe's `--truncation`, the
    export writes `truncation.png` (one seed per row, psi from 1 to 0 left
    to right) and `mixing.png` (the paper's style-mixing figure: coarse
    styles from the row seeds, fine ones from the column seeds).
    """

    def export(self, args, state, model, summary):
        from keras_gans.export import export_generator
        from keras_gans.utils.images import save_grid

        card = export_generator(
            model,
            args.out,
            quantize=args.quantize,
            dataset=args.dataset,
            epochs=args.epochs,
        )
        psi = args.truncation
        save_grid(
            model.generate(64, seed=args.seed, truncation=psi),
            os.path.join(args.out, "samples.png"),
        )
        save_grid(
            truncation_strip(model, args.seed),
            os.path.join(args.out, "truncation.png"),
            rows=STRIP_SEEDS,
        )
        save_grid(
            mixing_figure(model, crossover=mixing_crossover(model), psi=psi),
            os.path.join(args.out, "mixing.png"),
            rows=len(MIX_ROWS) + 1,
        )
        return {"out": args.out, "export_errors": card["export_errors"]}


def truncation_strip(gan, seed):
    """`(STRIP_SEEDS * len(TRUNCATION_STRIP), H, W, C)`: row `r` is one
    latent drawn at each psi of `TRUNCATION_STRIP`."""
    z = gan.latents_for(STRIP_SEEDS, seed=seed)
    count = len(TRUNCATION_STRIP)
    latents = np.repeat(z, count, axis=0)
    psi = np.tile(np.asarray(TRUNCATION_STRIP, "float32"), STRIP_SEEDS)
    return gan.generate_from_latents(latents, truncation=psi)


def mixing_crossover(gan):
    """The crossover of the README figure: the coarse half of the styles."""
    return max(1, gan.num_ws // 2)


def mixing_figure(gan, crossover, psi=1.0):
    """The style-mixing grid of `MIX_ROWS` x `MIX_COLS` seeds."""
    from keras_gans.utils.images import style_mixing_grid

    return style_mixing_grid(
        *gan.mix(list(MIX_ROWS), list(MIX_COLS), crossover, truncation=psi)
    )
