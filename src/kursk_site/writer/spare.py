"""The spare folder: the previous output, kept in the build cache once the new one is swapped in, which the
next build brings up to date (writing only what differs) instead of filling a new folder."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kursk_site.values import Value
from kursk_site.writer.manifest import MARKER, Manifest, content_digest, parse_manifest, stat_matches
from kursk_site.writer.swap import renameat2


def can_keep(spare: Path, out_dir: Path) -> bool:
    """Whether the spare folder can be swapped with the output: same disk, and the system swaps in one step."""
    try:
        return os.stat(spare.parent).st_dev == os.stat(out_dir.parent).st_dev and renameat2() is not None
    except OSError:
        return False


def take_spare(spare: Path, looked: SpareState | None) -> tuple[Path | None, Manifest, frozenset[str] | None]:
    """The spare folder, the manifest of what it holds, and the files it lists that the folder may not hold as
    listed (None: any may not; see look_at_spare); the manifest is removed first (so that a build stopped while
    the folder is being brought up to date leaves a folder no build trusts). (None, {}, None) without a usable one.
    """
    try:
        data = (spare / MARKER).read_bytes() if spare.is_dir() and not spare.is_symlink() else b""
    except OSError:
        data = b""
    manifest = parse_manifest(data)
    if not manifest:
        if spare.exists() or spare.is_symlink():
            _remove(spare)
        return None, {}, None
    same = looked is not None and looked.tidy and looked.marker == content_digest(data)
    try:
        (spare / MARKER).unlink()
        if not same:
            _tidy(os.fspath(spare), "", manifest)
    except OSError:
        _remove(spare)
        return None, {}, None
    return spare, manifest, looked.changed if same and looked is not None else None


@dataclass(frozen=True, slots=True, repr=False)
class SpareState(Value):
    """What a spare folder (see writer.write_site) held when look_at_spare looked at it."""

    marker: str
    """Digest of its manifest."""
    changed: frozenset[str]
    """Files its manifest lists that it does not hold as listed (another size or time, gone, not a plain file)."""
    tidy: bool
    """Whether it held nothing else: no file its manifest does not list, no link."""


def look_at_spare(spare: Path) -> SpareState | None:
    """What the spare folder holds, against its manifest (None without one). Looks and changes nothing, so that
    a forked child can do it while a rebuild after an edit works out what to write (see writer.write_site's
    `looked`)."""
    try:
        data = (spare / MARKER).read_bytes()
    except OSError:
        return None
    manifest = parse_manifest(data)
    if not manifest:
        return None
    held: set[str] = set()
    tidy = _look(os.fspath(spare), "", manifest, held)
    changed = frozenset(rel for rel in manifest if rel not in held)
    return SpareState(content_digest(data), changed, tidy)


def _look(folder: str, prefix: str, manifest: Manifest, held: set[str]) -> bool:
    """Note in `held` each file below `folder` that is as the manifest lists it; whether there is nothing else."""
    tidy, empty = True, True
    with os.scandir(folder) as entries:
        for entry in entries:
            empty = False
            rel = prefix + entry.name
            if entry.is_symlink():
                tidy = False
            elif entry.is_dir(follow_symlinks=False):
                tidy = _look(entry.path, rel + "/", manifest, held) and tidy
            elif rel not in manifest:
                tidy = tidy and (not prefix and rel == MARKER)
            elif _is_entry(entry, manifest[rel]):
                held.add(rel)
    return tidy and not empty  # (an empty folder is one the build did not make)


def _is_entry(entry: os.DirEntry[str], recorded: list[int | str]) -> bool:
    """_is for a file found in a folder."""
    try:
        return stat_matches(entry.stat(follow_symlinks=False), recorded)
    except OSError:
        return False


def _tidy(folder: str, prefix: str, manifest: Mapping[str, object]) -> None:
    """Remove from a spare folder every link and every file its manifest does not list (e.g. put into the output
    by hand before that output became the spare), and the folders left empty."""
    with os.scandir(folder) as entries:
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_symlink():
                os.unlink(entry.path)
            elif entry.is_dir(follow_symlinks=False):
                _tidy(entry.path, rel + "/", manifest)
                with contextlib.suppress(OSError):  # a folder left empty
                    os.rmdir(entry.path)
            elif rel not in manifest:
                os.unlink(entry.path)


def keep(previous: Path, spare: Path | None) -> None:
    """Keep the folder holding the previous output as the spare (see writer.write_site), else remove it."""
    if previous == spare:
        return  # the spare was brought up to date and swapped: it holds the previous output now
    if spare is not None:
        try:
            if spare.exists() or spare.is_symlink():
                _remove(spare)
            os.rename(previous, spare)
            return
        except OSError:
            pass
    shutil.rmtree(previous, ignore_errors=True)


def link_spare(out_dir: Path, spare: Path, manifest: Manifest, marker: bytes) -> None:
    """Make the spare folder of hard links to the files of `out_dir` (just swapped in, with no output before it),
    so that the next build (most often a rebuild after an edit) brings a spare up to date, not a new folder filled
    with a link to every file. The manifest goes in last; where links cannot be made, there is no spare."""
    source, target = os.fspath(out_dir), os.fspath(spare)
    try:
        if spare.exists() or spare.is_symlink():
            _remove(spare)
        spare.mkdir(parents=True)
        made: set[str] = set()
        for rel in manifest:
            folder = rel.rpartition("/")[0]
            if folder and folder not in made:
                os.makedirs(f"{target}/{folder}", exist_ok=True)
                made.add(folder)
            os.link(f"{source}/{rel}", f"{target}/{rel}")
        (spare / MARKER).write_bytes(marker)
    except OSError:
        _remove(spare)


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        with contextlib.suppress(OSError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)
