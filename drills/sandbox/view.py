"""What a sandboxed child may read: the standard library, and nothing beneath or beside it.

In python.org, pyenv and Docker layouts site-packages (with drill, its bank and every
reference solution) lies beneath the standard library's folder, and a bank or a data folder
can lie anywhere. `readable()` splits the interpreter's own paths around what must stay
hidden, for Landlock rules. Where the kernel allows a private mount namespace, `build()`
goes further: the zygote pivots into a fresh root holding only those paths, mounted
read-only, so nothing else exists for a child and nothing it sees can be changed, whatever
its uid.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence

from . import libc

HIDDEN_NAMES = ("site-packages", "dist-packages")
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
MNT_DETACH = 0x2
MOUNT_BASES = ("/tmp", "/mnt", "/var/tmp", "/run", "/media", "/srv", "/opt")


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def plan(paths: list[str], hide: list[str], packages: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """(roots to expose, paths beneath them to hide), all resolved and existing.

    `paths` are the interpreter's standard-library entries (its sys.path under -I -S);
    `hide` are folders that must never be readable (the bank, drill's home and package).
    Every site-packages or dist-packages folder up to two levels beneath a root is hidden
    too. A root inside another root is merged. `packages` (pandas and what it needs) are
    roots of their own, even inside a hidden site-packages. Only what lies beneath a root can be hidden:
    a hidden folder that holds a root (a home above the interpreter's prefix, say) hides
    everything but the root, which the view never shows anyway.
    """
    hidden = {os.path.realpath(h) for h in hide if h and os.path.exists(h)}
    roots: list[str] = []
    for p in sorted({os.path.realpath(p) for p in paths if p and os.path.exists(p)}):
        if not any(_within(p, r) for r in roots):
            roots.append(p)
    for root in roots:
        if not os.path.isdir(root):
            continue
        for name in HIDDEN_NAMES:
            for candidate in (os.path.join(root, name), *(os.path.join(root, d, name) for d in _subdirs(root))):
                if os.path.isdir(candidate) and not os.path.islink(candidate):
                    hidden.add(os.path.realpath(candidate))
    beneath = sorted(h for h in hidden if any(_within(h, r) and h != r for r in roots))
    for p in sorted({os.path.realpath(p) for p in packages if p and os.path.exists(p)}):
        if any(_within(p, h) for h in beneath) or not any(_within(p, r) for r in roots):
            roots.append(p)
    # a folder inside a hidden one (drill's package in a hidden site-packages) is hidden with it,
    # unless a root inside the outer folder shows it again
    beneath = [h for h in beneath
               if not any(o != h and _within(h, o) and not any(_within(h, r) and _within(r, o) for r in roots)
                          for o in beneath)]
    return roots, beneath


def _subdirs(root: str) -> list[str]:
    try:
        return [e.name for e in os.scandir(root) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def readable(roots: list[str], hidden: list[str]) -> list[str]:
    """The fewest paths that cover `roots` without covering anything in `hidden`.

    Landlock grants access beneath a path and cannot carve exceptions, so a root holding a
    hidden folder is replaced by its entries, recursively along the hidden folder's path.
    """
    out: list[str] = []

    def cover(path: str) -> None:
        inside = [h for h in hidden if _within(h, path)]
        if not inside:
            out.append(path)
            return
        if any(h == path for h in inside) or not os.path.isdir(path) or os.path.islink(path):
            return
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            cover(entry.path)

    for root in roots:
        cover(root)
    return out


def reachable_by_others(path: str) -> bool:
    """Whether a user with no relation to the file's owner can read `path` and walk to it."""
    try:
        parts = os.path.realpath(path).split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i]) or "/"
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                return False
        mode = os.stat(path).st_mode
    except OSError:
        return False
    need = stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)
    return mode & need == need


def _mkdirs(base: str, path: str) -> str:
    """Create `path`'s folders beneath `base` (mode 755); return the full target path."""
    target = base
    for part in path.strip("/").split("/"):
        target = os.path.join(target, part)
        if not os.path.isdir(target):
            os.mkdir(target, 0o755)
    return target


def _bind_read_only(source_fd: int, target: str) -> None:
    libc.mount(f"/proc/self/fd/{source_fd}", target, None, MS_BIND)
    libc.mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _bind_at(base: str, root: str, fd: int, is_dir: bool) -> None:
    if is_dir:
        target = _mkdirs(base, root)
    else:
        target = os.path.join(_mkdirs(base, os.path.dirname(root)), os.path.basename(root))
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644))
    _bind_read_only(fd, target)


def build(roots: list[str], hidden: list[str]) -> None:
    """Pivot this process (already alone in a new mount namespace) into a root holding `roots`.

    Each root is bind-mounted read-only at its own path, so module paths stay valid; each
    hidden folder beneath a root is covered by an empty read-only tmpfs, in which the roots
    inside it (packages in a hidden site-packages) are mounted in turn; the new root itself
    is a read-only tmpfs. The old root is detached: no other file exists any more.
    """
    libc.mount(None, "/", None, MS_REC | MS_PRIVATE)
    sources: dict[str, tuple[int, bool]] = {}
    base = next(b for b in (*MOUNT_BASES, "/") if os.path.isdir(b))
    mounted = False
    try:
        for root in roots:  # opened before the tmpfs may cover them
            fd = os.open(root, os.O_PATH | os.O_CLOEXEC)
            sources[root] = (fd, stat.S_ISDIR(os.fstat(fd).st_mode))
        hidden_dirs = [h for h in hidden if os.path.isdir(h)]
        libc.mount("tmpfs", base, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=755")
        mounted = True
        inside = {r: h for r in roots for h in hidden_dirs if _within(r, h)}
        for root, (fd, is_dir) in sources.items():
            if root not in inside:
                _bind_at(base, root, fd, is_dir)
        for path in hidden_dirs:
            nested = [r for r, h in inside.items() if h == path]
            if not nested:
                libc.mount("tmpfs", base + path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY,
                           "size=4k,nr_inodes=1,mode=0")
                continue
            libc.mount("tmpfs", base + path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,nr_inodes=256,mode=755")
            for root in nested:
                _bind_at(base, root, *sources[root])
            libc.mount(None, base + path, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
                       "size=64k,nr_inodes=256,mode=755")
    except BaseException:
        if mounted:  # leave the tree as it was, so the layers below still see the real files
            libc.umount(base, MNT_DETACH)
        raise
    finally:
        for fd, _ in sources.values():
            os.close(fd)
    os.chdir(base)
    libc.pivot_root(".", ".")
    libc.umount(".", MNT_DETACH)
    os.chdir("/")
    libc.mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=755")
