"""MkDocs hook: publish repository files that the pages show, from where they live.

The sample grids and result tables belong to the recipes and benchmarks
that write them (`saved_models/`, `bench/`), outside `docs/`. MkDocs only
publishes files under `docs_dir`, and it refuses a `docs_dir` that contains
`mkdocs.yml` (the repository root); a symlink to `saved_models/` would
publish its SavedModels and TFLite files too, and a copy would go stale
when a recipe rewrites a grid. So this hook adds exactly these files to the
build, at their repository paths: a page at the top of `docs/` links them
as it would from the repository root (`bench/samples/sagan_mnist-idx.png`).
"""

import glob
import os

from mkdocs.structure.files import File

# Globs relative to the repository root.
REPO_FILES = (
    "saved_models/README.md",
    "saved_models/*/samples.png",
    "bench/RESULTS.md",
    "bench/samples/*.png",
)


def on_files(files, config):
    root = os.path.dirname(os.path.abspath(config.config_file_path))
    for pattern in REPO_FILES:
        for path in sorted(glob.glob(pattern, root_dir=root)):
            files.append(
                File(
                    path,
                    src_dir=root,
                    dest_dir=config.site_dir,
                    use_directory_urls=config.use_directory_urls,
                )
            )
    return files
