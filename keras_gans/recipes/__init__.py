"""Training recipes: `python recipes/NAME.py` or `keras-gans train NAME`.

Each recipe module exposes `main(argv=None) -> int`. The flags every recipe
shares are defined in `keras_gans.recipes.common`.
"""

# Modules of this package that are shared code, not recipes.
SHARED_MODULES = (
    "common",
    "conditional_recipe",
    "strategy",
    "translation_recipe",
    "variant_recipe",
)
