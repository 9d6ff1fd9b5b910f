"""Importing a host tool of tools/ for its tests: the tools are scripts without a .py suffix,
which a plain import does not find."""

import importlib.machinery
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_tool(name):
    """tools/NAME as a module; its main() does not run."""
    loader = importlib.machinery.SourceFileLoader(name, os.path.join(ROOT, "tools", name))
    spec = importlib.util.spec_from_loader(name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod
