"""The only code that writes the output: OutputFiles -> a folder beside the output (or the spare one, brought up
to date) -> swapped in whole. The pieces: fill (the folder filled), manifest (the marker file), spare, swap, files."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kursk_site.errors import BuildFailed, UsageError
from kursk_site.model import OutputFile
from kursk_site.placement import spread_below
from kursk_site.values import Value
from kursk_site.writer.fill import Fill, PageSource
from kursk_site.writer.manifest import MARKER, Manifest, content_digest, manifest_bytes, read_manifest
from kursk_site.writer.spare import SpareState, can_keep, keep, link_spare, take_spare
from kursk_site.writer.swap import TEMP_PREFIX, lock, remove_stale_temps, swap_in

VCS_FOLDERS = (".git", ".hg", ".svn")
"""Never replaced, even in a folder a previous build made."""
SYSTEM_FILES = frozenset((".DS_Store", "Thumbs.db", "desktop.ini"))
"""Files a desktop's file browser leaves in a folder it shows: replaced with the output like the files it lists."""


@dataclass(frozen=True, slots=True, repr=False)
class WriteStats(Value):
    files: int
    written: int
    """Files whose bytes changed; the rest are kept as they were (same inode, same modification time)."""
    bytes: int
    digests: Mapping[str, str] = field(default_factory=dict)
    """Digest of the bytes of every file written or kept, by output path (as the manifest records them)."""
    manifest: str = ""
    """Digest of the manifest written (see manifest.output_state)."""


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
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise UsageError(f"the output {out_dir} would be inside {parent}, which is a file, not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise UsageError(
            f"refusing to replace {out_dir}: it holds files kursk-site did not write (empty it or choose another --out)"
        )
    for name in VCS_FOLDERS:  # e.g. a gh-pages checkout made inside a previous build: the swap would delete it
        if (out / name).exists():
            raise UsageError(f"refusing to replace {out_dir}: it holds {name}, which kursk-site did not write")


def write_site(
    files: Iterable[OutputFile],
    out_dir: Path,
    kept: Mapping[str, str] | None = None,
    spare: Path | None = None,
    manifest: Manifest | None = None,
    pages: PageSource | None = None,
    looked: SpareState | None = None,
) -> WriteStats:
    """Write `files` into a folder beside `out_dir` and swap it in for `out_dir` in one step; on failure `out_dir`
    is untouched.

    `files` may be a generator: each file is written as it comes, so the whole site is never held in memory.
    `kept` names files of the previous build to carry over unchanged (output path -> digest of their bytes).
    Bad or doubled paths are all reported together, and then nothing is swapped in.

    `spare` (a folder of the build cache) keeps the previous output once the new one is swapped in; the next
    build brings that folder up to date, writing only the files that differ, and swaps it in, instead of filling
    a new folder with every file. It is used only on the same disk as `out_dir` and where folders can be swapped
    in one step.

    `manifest`: the output's manifest, when the caller has read it (each file carried over is checked against the
    disk all the same).

    `pages`: pages to render into the folder being filled before `files` are written (see PageSource).

    `looked`: what look_at_spare found in `spare` while this process worked: where the spare's manifest is still
    the one it looked at, the files it found as listed are not looked at again.
    """
    kept = kept or {}
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with lock(out_dir):
        remove_stale_temps(out_dir)
        old = read_manifest(out_dir) if manifest is None else manifest
        _check_unlisted(out_dir, old)
        spare = spare if spare is not None and can_keep(spare, out_dir) else None
        tmp, base, changed = take_spare(spare, looked) if spare is not None else (None, {}, None)
        if tmp is None:
            tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + out_dir.name + "-", dir=out_dir.parent))
            os.chmod(tmp, 0o755)
            spread_below(tmp)
        previous: Path | None = None
        fill = Fill(tmp, out_dir, old, base, changed)
        try:
            fill.carry_over(kept)
            if pages is not None:
                pages.place_in(fill)
            for file in files:
                fill.write(file)
            fill.finish()
            if fill.errors:
                raise BuildFailed(fill.errors)
            fill.remove_others()
            data = manifest_bytes(fill.manifest)
            (tmp / MARKER).write_bytes(data)
            previous = swap_in(tmp, out_dir)
        finally:
            fill.close()  # first: the writer thread writes no more into a folder about to be removed
            if previous is None and tmp != spare:  # (a spare half brought up to date has no manifest: take_spare)
                shutil.rmtree(tmp, ignore_errors=True)
        if previous is not None:
            keep(previous, spare)
        elif spare is not None:  # no output before this one (a first or cold build)
            link_spare(out_dir, spare, fill.manifest, data)
    digests = {rel: str(entry[0]) for rel, entry in fill.manifest.items()}
    return WriteStats(len(fill.manifest), fill.written, fill.size, digests, content_digest(data))


def _check_unlisted(out_dir: Path, manifest: Manifest) -> None:
    """Refuse an output folder holding, beside what its marker lists, a file or folder kursk-site did not write
    (e.g. a deployment folder that a previous output was copied into, marker and all): the swap would delete it.
    Looks at the top level alone (a few names), against the first part of each path listed."""
    if not manifest:
        return  # (no marker, or a damaged one: check_out_dir has looked at the folder)
    try:
        names = os.listdir(out_dir)
    except OSError:
        return
    tops = {rel.partition("/")[0] for rel in manifest}
    stray = sorted(
        name
        for name in names
        if name not in tops and name != MARKER and name not in SYSTEM_FILES and not name.startswith((TEMP_PREFIX, "._"))
    )
    if stray:
        raise UsageError(
            f"refusing to replace {out_dir}: it holds {stray[0]}"
            + (f" and {len(stray) - 1} more" if len(stray) > 1 else "")
            + ", which kursk-site did not write (move it out, or choose another --out)"
        )


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
