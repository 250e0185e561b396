"""MkDocs hook: the README's relative links must point at existing files.

The README is not a page of the site (it links into `docs/` from the
repository root), so MkDocs does not validate it; this hook does, and
logs a warning per broken link, which `mkdocs build --strict` turns into
a failed build: renaming or removing a page breaks the build, not the
README.
"""

import logging
import os
import re

log = logging.getLogger("mkdocs.hooks.readme_links")

# [text](target) and ![alt](target); targets with a scheme or only an
# anchor are not files.
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def on_pre_build(config):
    root = os.path.dirname(os.path.abspath(config.config_file_path))
    with open(os.path.join(root, "README.md"), encoding="utf-8") as file:
        readme = file.read()
    for target in _LINK.findall(readme):
        path = target.split("#", 1)[0]
        if not path or re.match(r"[a-z][a-z0-9+.-]*:", path):
            continue
        if not os.path.exists(os.path.join(root, path)):
            log.warning("README.md links to '%s', which does not exist", target)
