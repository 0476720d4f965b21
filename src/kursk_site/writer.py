"""The only code that writes to disk: OutputFiles -> a temporary folder beside the output -> swapped in whole."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kursk_site.errors import BuildFailed, ContentError, UsageError
from kursk_site.model import OutputFile

MARKER = ".kursk-site-build"
"""Written into every output folder: marks it as ours (so we may replace it) and lists what we wrote."""
TEMP_PREFIX = ".kursk-tmp-"
VCS_FOLDERS = (".git", ".hg", ".svn")
"""Never replaced, even in a folder a previous build made."""
RENAME_EXCHANGE = 2


@dataclass(frozen=True, slots=True)
class WriteStats:
    files: int
    written: int
    """Files whose bytes changed; the rest are kept as they were (same inode, same modification time)."""
    bytes: int


def check_out_dir(out_dir: Path, protected: Sequence[Path], *, inputs: Sequence[Path] = ()) -> None:
    """Refuse an output folder we must not replace: a source folder, home, /, or a folder of someone else's files.

    `protected` (the source folders) and `inputs` (folders the build reads) must not be the output or inside it;
    the output must not be inside an `inputs` folder either (the next build would read it back).
    """
    out = out_dir.resolve()
    places = [(p, "the source folder") for p in protected] + [(p, "a folder the build reads") for p in inputs]
    with contextlib.suppress(RuntimeError):  # no HOME and no user entry (some containers): no home to protect
        places.append((Path.home(), "your home folder"))
    places.append((Path(out.anchor), "the root of the file system"))
    for place, name in places:
        place = place.resolve()
        if out == place:
            raise UsageError(f"refusing to use {out_dir} as the output folder: it is {name} (choose a new folder)")
        if place.is_relative_to(out):
            raise UsageError(f"refusing to use {out_dir} as the output folder: it holds {place} (choose a new folder)")
    for place in inputs:
        if out.is_relative_to(place.resolve()):
            raise UsageError(f"refusing to use {out_dir} as the output folder: it is inside the input folder {place}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output {out_dir} is a file, not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise UsageError(
            f"refusing to replace {out_dir}: it holds files kursk-site did not write (empty it or choose another --out)"
        )
    for name in VCS_FOLDERS:  # e.g. a gh-pages checkout made inside a previous build: the swap would delete it
        if (out / name).exists():
            raise UsageError(f"refusing to replace {out_dir}: it holds {name}, which kursk-site did not write")


def write_site(files: Sequence[OutputFile], out_dir: Path) -> WriteStats:
    """Write `files` into a new folder and swap it in for `out_dir` in one step; on failure `out_dir` is untouched."""
    _check_paths(files)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with _lock(out_dir):
        _remove_stale_temps(out_dir)
        old = _read_manifest(out_dir)
        tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + out_dir.name + "-", dir=out_dir.parent))
        try:
            os.chmod(tmp, 0o755)
            stats, manifest = _fill(tmp, files, out_dir, old)
            (tmp / MARKER).write_text(json.dumps(manifest, sort_keys=True, separators=(",", ":")), encoding="utf-8")
            _swap(tmp, out_dir)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return stats


def _check_paths(files: Sequence[OutputFile]) -> None:
    errors: list[ContentError] = []
    seen: dict[str, OutputFile] = {}
    for file in files:
        rel = file.path.as_posix()
        if file.path.is_absolute() or ".." in file.path.parts or rel in ("", ".") or rel == MARKER:
            errors.append(ContentError(file.origin or rel, 0, f"refusing to write {rel!r}: outside the output folder"))
            continue
        key = rel.casefold()  # one file on case-insensitive disks too
        if key in seen:
            errors.append(ContentError(file.origin or rel, 0, f"{rel} is written twice: also by {seen[key].origin}"))
        seen[key] = file
    if errors:
        raise BuildFailed(errors)


def _fill(
    tmp: Path, files: Sequence[OutputFile], out_dir: Path, old: dict[str, list[int | str]]
) -> tuple[WriteStats, dict[str, list[int | str]]]:
    root = tmp.resolve()
    manifest: dict[str, list[int | str]] = {}
    written = size = 0
    made: set[Path] = set()
    for file in files:
        rel = file.path.as_posix()
        target = tmp / rel
        if not target.resolve().is_relative_to(root):
            raise BuildFailed([ContentError(file.origin or rel, 0, f"refusing to write {rel!r}: outside the output")])
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        digest = hashlib.blake2b(file.data, digest_size=16).hexdigest()
        if not _reuse(out_dir / rel, target, digest, old.get(rel)):
            target.write_bytes(file.data)
            written += 1
        stat = target.stat()
        manifest[rel] = [digest, stat.st_size, stat.st_mtime_ns]
        size += len(file.data)
    return WriteStats(len(files), written, size), manifest


def _reuse(previous: Path, target: Path, digest: str, recorded: list[int | str] | None) -> bool:
    """Hard-link the previous build's file when its bytes are unchanged, so its modification time is kept."""
    if recorded is None or recorded[0] != digest:
        return False
    try:
        stat = previous.stat()
        if [digest, stat.st_size, stat.st_mtime_ns] != recorded:
            return False  # changed by hand since
        os.link(previous, target)
    except OSError:
        return False
    return True


def _read_manifest(out_dir: Path) -> dict[str, list[int | str]]:
    try:
        data = json.loads((out_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _swap(tmp: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(tmp, out_dir)
        return
    if _exchange(tmp, out_dir):
        return  # tmp now holds the previous build, removed by the caller
    aside = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + out_dir.name + "-old-", dir=out_dir.parent))
    os.rmdir(aside)
    os.rename(out_dir, aside)
    os.rename(tmp, out_dir)
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where the system cannot."""
    try:  # the C library the interpreter runs on (find_library would spawn ldconfig: half a second a build)
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EPERM):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


@contextlib.contextmanager
def _lock(out_dir: Path) -> Iterator[None]:
    """One build at a time beside an output folder: a lock on the folder that holds it (no lock file is left)."""
    fd = os.open(out_dir.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"another kursk-site build is writing {out_dir}; try again when it has finished") from None
        yield
    finally:
        os.close(fd)


def _remove_stale_temps(out_dir: Path) -> None:
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


def write_new_file(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write one file (e.g. an imported article) whole or not at all; raises FileExistsError unless `overwrite`."""
    if path.exists() and not overwrite:
        raise FileExistsError(errno.EEXIST, "already exists", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the file appeared meanwhile: never replaces one silently
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
