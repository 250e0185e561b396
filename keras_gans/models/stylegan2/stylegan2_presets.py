"""StyleGAN2 presets (plain dicts of `StyleGAN2` arguments).

In the spirit of StyleGAN2-ADA's `train.py --cfg` specs: `channel_base`
is `fmaps * 32768`, the mapping depth, minibatch-std group, R1 gamma and
the regularizers are the config's.
"""

STYLEGAN2_PRESETS = {
    # A small network for 28-32 px digits on CPU: widths 128-16, a
    # two-layer mapping (as the `cifar` config), no path length (it
    # doubles a generator step for little gain in short runs), R1 gamma 1,
    # no style mixing (as the `cifar` config: with it a 3,000-step run
    # scored FID 203 instead of 129), and the DCGAN family's InfoGAN code
    # with its clustering term: short runs without it collapse to one or
    # two digits (docs/stylegan2.md).
    "digits_32": {
        "image_shape": (28, 28, 1),
        "latent_dim": 128,
        "w_dim": 128,
        "mapping_layers": 2,
        "channel_base": 512,
        "channel_max": 128,
        "mbstd_group": 4,
        "r1_gamma": 1.0,
        "style_mixing": 0.0,
        "pl_weight": 0.0,
        "latent_classes": 10,
        "cluster_weight": 2.0,
    },
    # StyleGAN2-ADA `--cfg cifar`: fmaps 1, mapping 2, mbstd group 32,
    # gamma 0.01, no style mixing or path length.
    "cifar": {
        "image_shape": (32, 32, 3),
        "latent_dim": 512,
        "w_dim": 512,
        "mapping_layers": 2,
        "channel_base": 32768,
        "channel_max": 512,
        "mbstd_group": 32,
        "r1_gamma": 0.01,
        "style_mixing": 0.0,
        "pl_weight": 0.0,
    },
    # StyleGAN2-ADA `--cfg paper256`: fmaps 0.5, mapping 8, mbstd group 8,
    # gamma 1, style mixing 0.9, path length 2.
    "paper256": {
        "image_shape": (256, 256, 3),
        "latent_dim": 512,
        "w_dim": 512,
        "mapping_layers": 8,
        "channel_base": 16384,
        "channel_max": 512,
        "mbstd_group": 8,
        "r1_gamma": 1.0,
        "style_mixing": 0.9,
        "pl_weight": 2.0,
    },
}
