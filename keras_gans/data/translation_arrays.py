"""`TranslationArrays`: both domains of an image-to-image split in memory."""

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True, eq=False)
class TranslationArrays:
    """The images of one split of a translation task, as uint8 arrays.

    Returned by `keras_gans.data.load_translation_arrays()` for evaluation:
    PSNR/SSIM of a paired model on held-out pairs, cycle reconstruction
    and identity-keeping classifiers for unpaired models.

    Attributes:
        a: uint8 array `(N, H, W, Ca)`, domain A (the model's input for
            `direction="AtoB"`).
        b: uint8 array `(M, H, W, Cb)`, domain B. For paired data `M == N`
            and `b[i]` is the target of `a[i]`.
        a_labels: int32 array `(N,)` of class labels of the A images (the
            digit shown, for the built-in digit tasks), or `None`.
        b_labels: int32 array `(M,)`, or `None`.
        paired: whether `a[i]` and `b[i]` show the same content.
        source: the source name the arrays were read from.
        split: the split name (`"train"`, `"test"`, ...).
    """

    a: np.ndarray
    b: np.ndarray
    a_labels: np.ndarray = None
    b_labels: np.ndarray = None
    paired: bool = False
    source: str = None
    split: str = None

    def __post_init__(self):
        if self.paired and len(self.a) != len(self.b):
            raise ValueError(
                "Paired translation arrays need as many B images as A "
                f"images: found {len(self.a)} A and {len(self.b)} B images "
                f"in {self.source!r}, split {self.split!r}."
            )
        for images, labels, name in (
            (self.a, self.a_labels, "a"),
            (self.b, self.b_labels, "b"),
        ):
            if labels is not None and len(labels) != len(images):
                raise ValueError(
                    f"`{name}_labels` must have one label per `{name}` "
                    f"image: found {len(labels)} labels for {len(images)} "
                    "images."
                )

    def swapped(self):
        """The same split with domains A and B exchanged (`"BtoA"`)."""
        return dataclasses.replace(
            self,
            a=self.b,
            b=self.a,
            a_labels=self.b_labels,
            b_labels=self.a_labels,
        )
