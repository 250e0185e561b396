"""Named configurations of `SinGAN`, as plain dicts of constructor arguments.

`SinGAN.from_preset(name, image=..., **overrides)` builds one.

- `"singan"`: Shaham et al. 2019, the official defaults (tamarott/SinGAN
  `config.py`): pyramid factor 0.75 from 25 px to 250 px, 5 blocks of 32
  channels doubling every 4 scales up to 128, BatchNorm, 2,000 iterations
  per scale of 3 critic and 3 generator steps, Adam 5e-4 (0.5, 0.999)
  dropped x0.1 at 80%, WGAN-GP 0.1, reconstruction 10, noise 0.1 x RMSE.
  Hours per image on a GPU.
- `"consingan"`: Hinz et al. 2021's training scheme (tohinz/ConSinGAN
  defaults): a rescaled pyramid of 6 scales, the last 3 trained together
  with the lower ones at 0.1x the rate per scale, 1,000 iterations per
  scale, no BatchNorm. The generators stay SinGAN's per-scale residual
  networks (ConSinGAN grows one network instead).
- `"cpu"`: the `singan` recipe's default for 2 CPU cores: the ConSinGAN
  scheme at 128 px (see docs/singan.md for the measured trade-off).
"""

PRESETS = {
    "singan": {
        "pyramid": "singan",
        "min_size": 25,
        "max_size": 250,
        "scale_factor": 0.75,
        "train_depth": 1,
        "width": 32,
        "batch_norm": True,
        "steps_per_scale": 2000,
    },
    "consingan": {
        "pyramid": "consingan",
        "min_size": 25,
        "max_size": 250,
        "stages": 6,
        "train_depth": 3,
        "lr_scale": 0.1,
        "width": 64,
        "max_width": 64,
        "batch_norm": False,
        "steps_per_scale": 1000,
    },
    "cpu": {
        "pyramid": "consingan",
        "min_size": 25,
        "max_size": 128,
        "stages": 6,
        "train_depth": 3,
        "lr_scale": 0.1,
        "width": 32,
        "max_width": 32,
        "batch_norm": False,
        "steps_per_scale": 300,
    },
}
