"""Which drill files a branch added or changed, according to git."""

from __future__ import annotations

import subprocess
from pathlib import Path

from drills.errors import DrillError

DEFAULT_BASES = ("main", "origin/main", "master", "origin/master")


def _git(args: list[str], cwd: Path) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise DrillError("validate --changed needs git on the PATH") from None
    if out.returncode != 0:
        raise DrillError(f"git {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout


def changed_files(base: str | None, cwd: Path | None = None) -> list[Path]:
    """Files added, copied, modified or renamed since `base` (committed or not), plus untracked ones."""
    cwd = cwd or Path.cwd()
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    if base is None:
        for candidate in DEFAULT_BASES:
            probe = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"],
                                   cwd=top, capture_output=True, text=True)
            if probe.returncode == 0:
                base = candidate
                break
        else:
            raise DrillError("no main branch to compare with; pass --base REF")
    merge_base = subprocess.run(["git", "merge-base", base, "HEAD"], cwd=top, capture_output=True, text=True)
    ref = merge_base.stdout.strip() if merge_base.returncode == 0 else base
    names = _git(["diff", "--name-only", "--diff-filter=ACMR", "-z", ref, "--"], top).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    return sorted({(top / n).resolve() for n in names if n})
