"""A package's names imported on first use (PEP 562): importing one submodule of a package runs its
`__init__`, which should not import every other submodule with it."""

from __future__ import annotations

import importlib
import sys


def exports(package: str, where: dict[str, str]):
    """`__getattr__` and `__dir__` for `package`, whose name `n` lives in submodule `where[n]`.
    A name not in `where` raises AttributeError, so `from package import submodule` imports it."""

    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # asked once
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__
