"""DCGAN architecture presets (plain dicts of constructor arguments)."""

DCGAN_PRESETS = {
    # 28x28 MNIST design: 7x7 projection, two stride-2 transposed convs.
    "mnist_28": {
        "image_shape": (28, 28, 1),
        "g_filters": (256, 128),
        "d_filters": (64, 128),
        "upsampling": "transpose",
        "kernel_size": 4,
    },
    # The seeds' 32x32 design: nearest upsampling + 3x3 conv (no
    # checkerboard artefacts from transposed convolutions).
    "upsample_32": {
        "image_shape": (32, 32, 3),
        "g_filters": (256, 128, 64),
        "d_filters": (64, 128, 256),
        "upsampling": "upsample_conv",
        "kernel_size": 3,
    },
    # Radford et al. 64x64 (widths of the reference PyTorch example,
    # ngf = ndf = 64): 4x4x512 -> 8 -> 16 -> 32 -> 64x64x3.
    "radford_64": {
        "image_shape": (64, 64, 3),
        "g_filters": (512, 256, 128, 64),
        "d_filters": (64, 128, 256, 512),
        "upsampling": "transpose",
        "kernel_size": 4,
    },
}
