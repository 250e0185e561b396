"""`DatasetInfo`: what `keras_gans.data.info()` reports about a source."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """Static facts about a dataset, as `load()` would deliver it.

    Attributes:
        name: the source name passed to `load()` (e.g. `"digits"`).
        image_shape: `(height, width, channels)` of the images `load()`
            yields with the same arguments.
        num_examples: number of images in the split, or `None` when it is
            not known without reading the data (an unprepared
            tensorflow-datasets dataset).
        num_classes: number of label classes, or `None` for unlabelled
            sources.
        class_names: class names in label order (label `i` is
            `class_names[i]`), or `None` when the source has no names.
    """

    name: str
    image_shape: tuple
    num_examples: int = None
    num_classes: int = None
    class_names: tuple = None
