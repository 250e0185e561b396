"""Training recipes: `python recipes/NAME.py` or `keras-gans train NAME`.

Each recipe module declares a `RECIPE` (a `RecipeRunner`: its flags,
per-dataset defaults, model builder and kind) and exposes
`main(argv=None) -> int`. The runner (`recipe_runner`) does what every
recipe does; a kind (`latent_kind`, `translation_kind`) adds what its
models need; the flags every recipe shares are in `recipe_flags`.
"""

# Modules of this package that are shared code, not recipes.
SHARED_MODULES = (
    "conditional_recipe",
    "latent_kind",
    "recipe_flags",
    "recipe_kind",
    "recipe_runner",
    "resume_check",
    "run_directory_error",
    "run_directory_lock",
    "single_image_kind",
    "strategy",
    "style_kind",
    "translation_kind",
    "upscaler_kind",
    "variant_recipe",
)
