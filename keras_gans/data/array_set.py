"""`ArraySet`: decoded images of an in-memory source, with their labels."""

import collections

ArraySet = collections.namedtuple(
    "ArraySet", ["images", "labels", "class_names"], defaults=(None, None)
)
ArraySet.__doc__ = """Images and labels read fully into memory.

Attributes:
    images: uint8 array `(N, H, W, C)`.
    labels: int32 array `(N,)`, or `None` when not requested.
    class_names: names of the label classes in label order, or `None`.
"""
