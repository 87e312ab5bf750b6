"""The few installed packages a sandboxed child may import: pandas and what it needs.

The server runs with the standard library alone on its path (`python -I -S`). For pandas
drills the client names where pandas, numpy and their dependencies are installed; the zygote
imports them once, before any request and before it isolates itself, through a finder that
resolves only those top-level names, so site-packages itself never joins the path and
nothing else installed there can be imported. The view then shows exactly those folders,
read-only. A child running anything but a pandas drill forgets them again: a Python drill's
answer sees the standard library alone.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import PathFinder

NAMES = ("pandas", "numpy", "dateutil", "six", "pytz", "tzdata")
# loaded in the zygote, so a check neither reads their files nor pays their import
PRELOAD = (
    "numpy", "pandas", "pandas.core.computation.expr", "pandas.core.computation.eval",
    "pandas.core.window.rolling", "pandas.core.groupby.groupby", "pandas.core.reshape.pivot",
    "pandas.core.reshape.merge", "pandas.core.reshape.melt", "pandas.io.formats.format",
    "pandas.core.tools.datetimes", "pandas.tseries.offsets", "pandas.tseries.frequencies",
)
# threads would stop the zygote entering its namespaces, and a child may start none
THREAD_SETTINGS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                   "NUMEXPR_MAX_THREADS": "1"}


def locate() -> list[list[str]]:
    """[top-level name, location] of pandas and its dependencies as installed for this
    interpreter, plus the shared-library folders their wheels bring ("" as name); [] when
    pandas is not installed. Finds files without importing anything."""
    from importlib.util import find_spec

    out: list[list[str]] = []
    for name in NAMES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.origin or spec.origin in ("built-in", "frozen"):
            if name == "pandas":
                return []
            continue
        locations = list(spec.submodule_search_locations or ())
        location = os.path.realpath(locations[0] if locations else spec.origin)
        out.append([name, location])
        libs = os.path.join(os.path.dirname(location), f"{name}.libs")
        if os.path.isdir(libs):
            out.append(["", os.path.realpath(libs)])
    return out


class Finder:
    """Resolves the allowed top-level names, each in its own folder, and nothing else."""

    def __init__(self, packages: list[list[str]]) -> None:
        self.folders = {name: os.path.dirname(path) for name, path in packages if name}

    def find_spec(self, name: str, path=None, target=None):
        if path is None and name in self.folders:
            return PathFinder.find_spec(name, [self.folders[name]])
        return None


_finder: Finder | None = None


def preload(packages: list[list[str]]) -> None:
    """Import pandas and its parts in the zygote (no request has been read yet)."""
    global _finder
    if not packages:
        return
    os.environ.update(THREAD_SETTINGS)
    _finder = Finder(packages)
    sys.meta_path.append(_finder)
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a pandas drill then reports the import error itself
            break


def forget() -> None:
    """In a child that runs no pandas drill: the packages are gone, as if never installed."""
    if _finder is None:
        return
    try:
        sys.meta_path.remove(_finder)
    except ValueError:
        pass
    for name in [m for m in sys.modules if m.split(".", 1)[0] in _finder.folders]:
        del sys.modules[name]
