"""Griffe extension: a package's `__init__` imports from its own submodules are its API.

griffe (which mkdocstrings uses to read the source) counts an imported
name as public only when the module lists it in `__all__`. Most
keras_gans packages have no `__all__`: `keras_gans/layers/__init__.py`
imports `SelfAttention` from `keras_gans.layers.self_attention`, and
`keras_gans.layers.SelfAttention` is how the code and the guide name it.
This marks such names public, so `::: keras_gans.layers` documents them.
A package that defines `__all__` keeps griffe's rule, and names imported
from elsewhere (`keras_gans.losses` imports a validation helper) stay
private.

It also undoes a known griffe limitation (mkdocstrings/griffe#124): when
`__init__` imports a name that is also a submodule's name
(`from keras_gans.export.export_generator import export_generator`),
griffe keeps the submodule where Python binds the imported object, and
the function would be missing from the page.
"""

import griffe


class PackageExports(griffe.Extension):
    def on_package(self, *, pkg, **kwargs):
        _bind_shadowing_imports(pkg)
        _mark_exports(pkg)


def _modules(module):
    yield module
    for member in module.members.values():
        if not member.is_alias and member.is_module:
            yield from _modules(member)


def _bind_shadowing_imports(package):
    # (module, name, submodule it shadows, imported object's path)
    clashes = [
        (module, name, member, module.imports[name])
        for module in _modules(package)
        if module.is_init_module
        for name, member in module.members.items()
        if not member.is_alias
        and member.is_module
        and module.imports.get(name, member.path) != member.path
    ]
    if not clashes:
        return
    # The shadowed submodules leave the tree: first bind every alias into
    # them (and the imported objects) while their paths still resolve.
    hidden = tuple(submodule.path + "." for _, _, submodule, _ in clashes)
    for module in _modules(package):
        for member in module.members.values():
            if member.is_alias and member.target_path.startswith(hidden):
                member.target = _lookup(package, member.target_path)
    targets = [_lookup(package, path) for _, _, _, path in clashes]
    for (module, name, _, _), target in zip(clashes, targets):
        alias = griffe.Alias(name, target, parent=module)
        module.members[name] = alias


def _lookup(package, path):
    return package[path.removeprefix(package.path + ".")]


def _mark_exports(package):
    for module in _modules(package):
        if not module.is_init_module or module.exports is not None:
            continue
        for member in module.members.values():
            if (
                member.is_alias
                and not member.name.startswith("_")
                and member.target_path.startswith(module.path + ".")
            ):
                member.public = True
