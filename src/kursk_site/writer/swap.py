"""The new output folder put in the place of the old one in one step, one build at a time, and what a killed
build left beside the output."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kursk_site.errors import BuildBusy
from kursk_site.writer.manifest import MARKER

TEMP_PREFIX = ".kursk-tmp-"
RENAME_EXCHANGE = 2


def swap_in(tmp: Path, out_dir: Path) -> Path | None:
    """Put `tmp` in the place of `out_dir`; returns the folder now holding the previous output (None for none)."""
    if not out_dir.exists():
        os.rename(tmp, out_dir)
        return None
    if exchange(tmp, out_dir):
        return tmp
    aside = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + out_dir.name + "-old-", dir=out_dir.parent))
    os.rmdir(aside)
    os.rename(out_dir, aside)
    try:
        os.rename(tmp, out_dir)
    except BaseException:
        os.rename(aside, out_dir)  # (the new output cannot be moved in: the previous one goes back in its place)
        raise
    return aside


def renameat2() -> Any:
    """The C library's renameat2, or None where there is none."""
    try:  # the C library the interpreter runs on (find_library would spawn ldconfig: half a second a build)
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    return getattr(libc, "renameat2", None)


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where the system cannot."""
    call = renameat2()
    if call is None:
        return False
    at_fdcwd = -100
    result = call(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EPERM):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


def lock(out_dir: Path) -> contextlib.AbstractContextManager[None]:
    """One build at a time beside an output folder: a lock on the folder that holds it (no lock file is left)."""
    busy = (
        f"another kursk-site build is writing in {out_dir.parent} (one build at a time writes an output folder there)"
    )
    return folder_lock(out_dir.parent, busy)


@contextlib.contextmanager
def folder_lock(folder: Path, busy: str) -> Iterator[None]:
    """Hold a lock on `folder` (none of its files: nothing is left behind, and a build killed lets go of it); raises
    BuildBusy, saying `busy` and to try again, when another process holds it."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusy(f"{busy}; try again when it has finished") from None
        yield
    finally:
        os.close(fd)


def remove_stale_temps(out_dir: Path) -> None:
    """Folders left by a build of `out_dir` that was killed (we hold the lock, so no build is using them).

    Where a system cannot swap folders in one step, a build killed between its two renames leaves no output
    and the previous site set aside: that one is put back, not deleted.
    """
    pattern = re.compile(rf"{re.escape(TEMP_PREFIX + out_dir.name)}-(old-)?[a-z0-9_]{{8}}")
    for path in sorted(out_dir.parent.iterdir()):
        match = pattern.fullmatch(path.name)
        if not match or not path.is_dir() or path.is_symlink():
            continue
        if match.group(1) and not out_dir.exists() and (path / MARKER).is_file():
            os.rename(path, out_dir)
        else:
            shutil.rmtree(path, ignore_errors=True)
