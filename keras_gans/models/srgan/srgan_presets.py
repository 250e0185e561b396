"""Named configurations of `SRGAN`, as plain dicts of constructor arguments.

`SRGAN.from_preset(name, **overrides)` builds one. The papers' settings:

- `"srgan"`: Ledig et al. 2017. SRResNet (16 blocks, 64 channels,
  BatchNorm, PReLU), MSE pre-training ("SRResNet"), then the VGG54
  content loss (conv5_4 after ReLU, features / 12.75) + 1e-3 x the
  non-saturating adversarial loss. Needs the ImageNet VGG19 weights.
- `"srgan_mse"`: the same with the MSE content loss (the paper's
  "SRGAN-MSE"): works offline.
- `"esrgan"`: Wang et al. 2018. RRDB generator (23 blocks, no
  BatchNorm), L1 pre-training, then VGG54 before activation + 1e-2 L1 +
  5e-3 x the relativistic average loss. Needs the VGG19 weights.
- `"esrgan_l1"`: ESRGAN with the L1 loss as content: works offline.
"""

PRESETS = {
    "srgan": {
        "generator": "srresnet",
        "pixel_loss": "mse",
        "content_loss": "vgg54",
        "adversarial_weight": 1e-3,
        "adversarial_loss": "non_saturating",
    },
    "srgan_mse": {
        "generator": "srresnet",
        "pixel_loss": "mse",
        "content_loss": None,
        "adversarial_weight": 1e-3,
        "adversarial_loss": "non_saturating",
    },
    "esrgan": {
        "generator": "rrdb",
        "num_blocks": 23,
        "pixel_loss": "l1",
        "content_loss": "vgg54_before_activation",
        "pixel_weight": 1e-2,
        "adversarial_weight": 5e-3,
        "adversarial_loss": "relativistic_average",
    },
    "esrgan_l1": {
        "generator": "rrdb",
        "num_blocks": 23,
        "pixel_loss": "l1",
        "content_loss": None,
        "adversarial_weight": 5e-3,
        "adversarial_loss": "relativistic_average",
    },
}
