"""The folders no sandboxed child may read: drill's own code and bank, its home, and the banks in use.

A module of its own, importing nothing heavy, so that loading a bank can name its folders
(`protect`) without starting to import the sandbox.
"""

from __future__ import annotations

import os
from pathlib import Path

_protected: list[str] = []


def protect(paths: list[Path] | list[str]) -> None:
    """Never let a child read these folders (banks, the home), whatever the interpreter's layout.

    Takes effect for servers started afterwards; call it before the first check.
    """
    for p in paths:
        text = str(Path(p).expanduser().resolve())
        if text not in _protected:
            _protected.append(text)


def hidden_paths() -> list[str]:
    """Folders children must not read: drill's own code and bank, its home, the bank dirs."""
    package = Path(__file__).resolve().parents[1]
    out = [str(package), str(package.parent)]
    try:
        from drills import cache

        out.append(str(cache.home()))
    except Exception:  # noqa: BLE001 - the home is optional here; the view hides it anyway
        pass
    for entry in os.environ.get("DRILL_BANK", "").split(os.pathsep):
        if entry:
            out.append(str(Path(entry).expanduser().resolve()))
    return out + _protected
