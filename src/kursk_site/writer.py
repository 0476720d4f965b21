"""The only code that writes to disk: OutputFiles -> a temporary folder beside the output -> swapped in whole."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple, Protocol, cast

from kursk_site.errors import BuildFailed, ContentError, UsageError
from kursk_site.model import OutputFile
from kursk_site.placement import make_spread, spread_below
from kursk_site.values import Value

MARKER = ".kursk-site-build"
"""Written into every output folder: marks it as ours (so we may replace it) and lists what we wrote."""
TEMP_PREFIX = ".kursk-tmp-"
VCS_FOLDERS = (".git", ".hg", ".svn")
"""Never replaced, even in a folder a previous build made."""
RENAME_EXCHANGE = 2
QUEUED = 32
"""Files rendered and waiting for the writer thread (see _Writer): bounds the memory they take."""
INLINE_FILES = 64
"""New files written before the writer thread takes over: a small site, or a rebuild after an edit, needs none."""
_ODD_PATH = re.compile(r"^/|(?:^|/)\.{0,2}(?:/|$)|\0")
"""An absolute path, an empty, `.` or `..` segment, or a NUL: a kept path that takes the general checks."""


@dataclass(frozen=True, slots=True, repr=False)
class WriteStats(Value):
    files: int
    written: int
    """Files whose bytes changed; the rest are kept as they were (same inode, same modification time)."""
    bytes: int
    digests: Mapping[str, str] = field(default_factory=dict)
    """Digest of the bytes of every file written or kept, by output path (as the manifest records them)."""
    manifest: str = ""
    """Digest of the manifest written (see output_state)."""


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


def content_digest(data: bytes) -> str:
    """The digest the manifest records for a file's bytes: SHA-256, of which 128 bits are kept (a build digests
    every page it writes, some 300 MB on a large site: processors with SHA instructions, as most made since 2019,
    do it over twice as fast as BLAKE2)."""
    return hashlib.sha256(data).hexdigest()[:32]


def file_digest(path: Path) -> str:
    """content_digest of a file's bytes, read a block at a time."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()[:32]


def _unreadable(path: Path) -> bool:
    """True when `path` cannot be read (as opposed to the output folder failing to take a file)."""
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError:
        return True
    return False


def reusable_outputs(out_dir: Path, manifest: Mapping[str, object] | None = None) -> dict[str, str]:
    """Files of the previous build still as it wrote them: output path -> digest of their bytes (`manifest`, when
    given, is the output's, already read)."""
    out: dict[str, str] = {}
    prefix = os.fspath(out_dir) + "/"  # (joined as text: a no-op build looks at every file)
    stat = os.stat
    for rel, recorded in (_read_manifest(out_dir) if manifest is None else manifest).items():
        try:
            found = stat(prefix + rel)
        except (OSError, ValueError):
            continue
        if (
            isinstance(recorded, list)
            and len(recorded) == 3
            and recorded[1] == found.st_size
            and recorded[2] == found.st_mtime_ns
        ):
            out[rel] = str(recorded[0])
    return out


def output_state(out_dir: Path) -> str | None:
    """The digest of the output folder's manifest when the folder holds exactly the files it lists, unchanged
    since they were written; None otherwise."""
    try:
        data = (out_dir / MARKER).read_bytes()
    except OSError:
        return None
    manifest = _parse_manifest(data)
    if not manifest or len(reusable_outputs(out_dir, manifest)) != len(manifest):
        return None
    count = sum(len(names) for _, _, names in os.walk(out_dir))
    return content_digest(data) if count == len(manifest) + 1 else None  # and the marker


class OutputChanged(UsageError):
    """A file of the previous output that was to be kept changed while the site was built (or before, by hand)."""


Manifest = dict[str, list[int | str]]
"""What the output folder's marker records of each file: output path -> [digest of its bytes, size, mtime]."""


def output_manifest(out_dir: Path) -> tuple[str, Manifest] | None:
    """The digest of the output folder's manifest, which names the build that wrote the folder, and the manifest;
    None without one."""
    try:
        data = (out_dir / MARKER).read_bytes()
    except OSError:
        return None
    return content_digest(data), _parse_manifest(data)


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
    with _lock(out_dir):
        _remove_stale_temps(out_dir)
        old = _read_manifest(out_dir) if manifest is None else manifest
        spare = spare if spare is not None and _can_keep(spare, out_dir) else None
        tmp, base, changed = _take_spare(spare, looked) if spare is not None else (None, {}, None)
        if tmp is None:
            tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + out_dir.name + "-", dir=out_dir.parent))
            os.chmod(tmp, 0o755)
            spread_below(tmp)
        previous: Path | None = None
        fill = _Fill(tmp, out_dir, old, base, changed)
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
            previous = _swap(tmp, out_dir)
        finally:
            fill.close()  # first: the writer thread writes no more into a folder about to be removed
            if previous is None and tmp != spare:  # (a spare half brought up to date has no manifest: _take_spare)
                shutil.rmtree(tmp, ignore_errors=True)
        if previous is not None:
            _keep(previous, spare)
        elif spare is not None:  # no output before this one (a first or cold build)
            _link_spare(out_dir, spare, fill.manifest, data)
    digests = {rel: str(entry[0]) for rel, entry in fill.manifest.items()}
    return WriteStats(len(fill.manifest), fill.written, fill.size, digests, content_digest(data))


def _can_keep(spare: Path, out_dir: Path) -> bool:
    """Whether the spare folder can be swapped with the output: same disk, and the system swaps in one step."""
    try:
        return os.stat(spare.parent).st_dev == os.stat(out_dir.parent).st_dev and _renameat2() is not None
    except OSError:
        return False


def _take_spare(spare: Path, looked: SpareState | None) -> tuple[Path | None, Manifest, frozenset[str] | None]:
    """The spare folder, the manifest of what it holds, and the files it lists that the folder may not hold as
    listed (None: any may not; see look_at_spare); the manifest is removed first (so that a build stopped while
    the folder is being brought up to date leaves a folder no build trusts). (None, {}, None) without a usable one.
    """
    try:
        data = (spare / MARKER).read_bytes() if spare.is_dir() and not spare.is_symlink() else b""
    except OSError:
        data = b""
    manifest = _parse_manifest(data)
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
    """What a spare folder (see write_site) held when look_at_spare looked at it."""

    marker: str
    """Digest of its manifest."""
    changed: frozenset[str]
    """Files its manifest lists that it does not hold as listed (another size or time, gone, not a plain file)."""
    tidy: bool
    """Whether it held nothing else: no file its manifest does not list, no link."""


def look_at_spare(spare: Path) -> SpareState | None:
    """What the spare folder holds, against its manifest (None without one). Looks and changes nothing, so that
    a forked child can do it while a rebuild after an edit works out what to write (see write_site's `looked`)."""
    try:
        data = (spare / MARKER).read_bytes()
    except OSError:
        return None
    manifest = _parse_manifest(data)
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
        return _as_recorded(entry.stat(follow_symlinks=False), recorded)
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


def _keep(previous: Path, spare: Path | None) -> None:
    """Keep the folder holding the previous output as the spare (see write_site), else remove it."""
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


def _link_spare(out_dir: Path, spare: Path, manifest: Manifest, marker: bytes) -> None:
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


class PageSource(Protocol):
    """Pages that put themselves into the folder being filled (e.g. rendered by several processes at once, each
    writing its own: see incremental.PagesToRender)."""

    def place_in(self, fill: _Fill) -> None: ...


class Placed(NamedTuple):
    """A file put into the output being filled (see _Fill.place)."""

    path: str
    entry: list[int | str]
    """What the manifest records of it."""
    written: bool
    """Whether its bytes were written (not kept or linked from the previous output)."""


class _Fill:
    """Fills the new output folder file by file, checking each path, and keeps its manifest."""

    def __init__(
        self, tmp: Path, out_dir: Path, old: Manifest, base: Manifest, changed: frozenset[str] | None = None
    ) -> None:
        """`old`: the manifest of the output; `base`: that of what `tmp` holds already (a spare folder);
        `changed`: the files of `base` that `tmp` may not hold as listed, when known (None: any may not)."""
        self.tmp, self.root, self.out_dir, self.old, self.base = tmp, tmp.resolve(), out_dir, old, base
        self.changed = changed
        self.out_root = os.fspath(out_dir)
        self.manifest: Manifest = {}
        self.errors: list[ContentError] = []
        self.written = self.size = 0
        self._seen: dict[str, str] = {}
        self._made: set[Path] = set()
        self._folders: set[str] = set()
        """Folders of carried-over files made and checked, as text."""
        self._holding: dict[str, str] = {}
        """Every folder of the output, casefolded, with a file written in it (see _collides)."""
        self._writer: _Writer | None = None
        self._checked_in: set[str] = set()
        """Folders (as written) where a file was placed, its checks passed (see _target)."""
        self._tmp_text = os.fspath(tmp)

    def _target(self, path: PurePosixPath, origin: str) -> str | None:
        """Where `path` goes, or None (with an error noted) when it is outside the folder, written twice, or a file
        where the output has a folder (or inside a file of the output).

        A build places thousands of pages in a few folders: in a folder a file was placed in already, which was made
        and checked then, only what can differ from one file to the next is checked again (as in carry_over), on
        the path's text."""
        rel = path.as_posix()
        folder = rel.rpartition("/")[0]
        if folder in self._checked_in and not _ODD_PATH.search(rel):
            key = rel.casefold()
            if key not in self._seen and key not in self._holding:  # else the checks below report it
                self._seen[key] = origin or rel
                return f"{self._tmp_text}/{rel}"
        target = self.tmp / rel
        outside = f"refusing to write {rel!r}: outside the output folder"
        if path.is_absolute() or ".." in path.parts or rel in ("", ".", MARKER):
            self.errors.append(ContentError(origin or rel, 0, outside))
            return None
        key = rel.casefold()  # one file on case-insensitive disks too
        if key in self._seen:
            self.errors.append(ContentError(origin or rel, 0, f"{rel} is written twice: also by {self._seen[key]}"))
            return None
        problem = self._collides(rel, key) or ("" if self._inside(target.parent) else outside)
        if problem:
            self.errors.append(ContentError(origin or rel, 0, problem))
            return None
        self._seen[key] = origin or rel
        self._hold(rel, origin or rel)
        if folder:
            self._checked_in.add(folder)
        return os.fspath(target)

    def _collides(self, rel: str, key: str) -> str:
        """Why `rel` cannot be a file where other files are written (a folder of theirs, or inside a file of
        theirs): e.g. a static file named like a folder of pages; "" when it can."""
        if key in self._holding:
            return f"refusing to write {rel!r}: it is a folder of the output ({self._holding[key]} is written in it)"
        folder = key.rpartition("/")[0]
        while folder:
            if folder in self._seen:
                return (
                    f"refusing to write {rel!r}: {folder!r} is a file of the output (written by {self._seen[folder]})"
                )
            folder = folder.rpartition("/")[0]
        return ""

    def _hold(self, rel: str, origin: str) -> None:
        """Note the folders of `rel` as holding a file."""
        folder = rel.casefold().rpartition("/")[0]
        while folder and folder not in self._holding:
            self._holding[folder] = origin
            folder = folder.rpartition("/")[0]

    def _inside(self, folder: Path) -> bool:
        """Make `folder` and check that it resolves inside the new output folder (once per folder)."""
        if folder not in self._made:
            top = folder.parts[len(self.tmp.parts)] if len(folder.parts) > len(self.tmp.parts) else ""
            try:
                if top and not os.path.lexists(self.tmp / top):
                    make_spread(self.tmp, top)  # (see placement)
                folder.mkdir(parents=True, exist_ok=True)
            except FileExistsError:  # a spare folder holds a file where this build has a folder
                if not self.base:
                    raise
                self._clear_folder(folder)
                folder.mkdir(parents=True, exist_ok=True)
            if not folder.resolve().is_relative_to(self.root):
                return False
            self._made.add(folder)
        return True

    def write(self, file: OutputFile) -> None:
        target = self._target(file.path, file.origin)
        if target is None or self.errors:
            return  # the build fails: check the remaining paths, write nothing more
        if self._writer is None and self.written >= INLINE_FILES and file.source is None:
            self._writer = _Writer()
        try:
            placed = self.place(file, target, self._writer)
        except OSError as e:
            if file.source is None or not _unreadable(file.source):
                raise
            self.errors.append(ContentError(file.origin or file.path.as_posix(), 0, f"cannot read: {e.strerror or e}"))
            return
        if placed is not None:  # (a file given to the writer thread is noted when it is written: see finish)
            self.record(placed)

    def reserve(self, path: PurePosixPath, origin: str) -> str | None:
        """The place of a file that another process will put there (see place), its path checked as write checks
        it; None when it cannot be written (the error is noted: see `failed`)."""
        return self._target(path, origin)

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def place(self, file: OutputFile, target: str, writer: _Writer | None = None) -> Placed | None:
        """Put `file` at `target` (a place checked by write or reserve): kept where the folder holds it already,
        hard-linked from the output where its bytes are unchanged, else written (by `writer`'s thread when given:
        then None, the file noted when the thread is done).

        Changes nothing of this object, so that a forked child may place files (see record).
        """
        rel = file.path.as_posix()
        digest = content_digest(file.data) if file.source is None else file_digest(file.source)
        recorded = self.old.get(rel)
        if recorded is not None and recorded[0] == digest and self._holds(rel, target, recorded):
            return Placed(rel, recorded, False)
        self._clear(rel, target)
        written = not _reuse(os.path.join(self.out_root, rel), target, digest, recorded)
        if written:
            if file.source is not None:
                shutil.copyfile(file.source, target)  # in the kernel where it can; never whole in memory
            elif writer is not None:
                writer.put(rel, target, digest, file.data)
                return None
            else:
                stat = write_file(target, file.data)
                return Placed(rel, [digest, stat.st_size, stat.st_mtime_ns], written)
        stat = os.stat(target)
        return Placed(rel, [digest, stat.st_size, stat.st_mtime_ns], written)

    def record(self, placed: Placed) -> None:
        """Note a file placed (see place) in the manifest."""
        self.manifest[placed.path] = placed.entry
        self.size += int(placed.entry[1])
        self.written += placed.written

    def finish(self) -> None:
        """Wait for the writer thread to write every file given to it, and note them in the manifest."""
        writer, self._writer = self._writer, None
        if writer is None:
            return
        for rel, digest, size, mtime_ns in writer.close():
            self.record(Placed(rel, [digest, size, mtime_ns], True))

    def close(self) -> None:
        """Stop the writer thread (the files it has not written yet are dropped)."""
        if self._writer is not None:
            self._writer.stop()

    def carry_over(self, kept: Mapping[str, str]) -> None:
        """Hard-link the kept files of the previous build; their manifest entries stay as they were.

        Worked on path text (a rebuild after one edit carries over thousands of files); each path is checked as
        `_target` checks those of new files.
        """
        old_root, new_root = os.fspath(self.out_dir), os.fspath(self.tmp)
        seen, old, base, manifest, holding = self._seen, self.old, self.base, self.manifest, self._holding
        changed = self.changed
        for rel, digest in kept.items():
            key = rel.casefold()
            recorded = old.get(rel)
            if (
                recorded is not None
                and key not in seen
                and base.get(rel) == recorded
                and (_is(f"{new_root}/{rel}", recorded) if changed is None else rel not in changed)
            ):
                # the spare folder holds it as the output does (most files of a rebuild after an edit): nothing is
                # written, and the path is one the previous build wrote (checked then)
                seen[key] = rel
                if key.rpartition("/")[0] not in holding:
                    self._hold(rel, rel)
                manifest[rel] = recorded
                self.size += int(recorded[1])
                continue
            folder, _, name = rel.rpartition("/")
            if name == MARKER or _ODD_PATH.search(rel) or key in seen:  # the general checks, which report it
                checked = self._target(PurePosixPath(rel), rel)
                if checked is None:
                    continue
                target = checked
            else:
                if folder and folder not in self._folders:
                    if not self._inside(self.tmp / folder):
                        self.errors.append(
                            ContentError(rel, 0, f"refusing to write {rel!r}: outside the output folder")
                        )
                        continue
                    self._folders.add(folder)
                seen[key] = rel
                self._hold(rel, rel)
                target = f"{new_root}/{rel}"
            self._clear(rel, target)
            if recorded is None or not _reuse(os.path.join(old_root, rel), target, digest, recorded):
                raise OutputChanged(f"{self.out_dir / rel} changed while the site was being built; run the build again")
            self.manifest[rel] = recorded
            self.size += int(recorded[1])

    def _holds(self, rel: str, target: Path | str, recorded: list[int | str]) -> bool:
        """Whether the folder being filled holds the file `recorded` at `rel` already (a spare folder does, where
        the file is the same in its build and in the previous one)."""
        return self.base.get(rel) == recorded and _is(target, recorded)  # (the same file in both builds)

    def _clear(self, rel: str, target: Path | str) -> None:
        """Remove what a spare folder holds at `rel` before a file is put there: never written in place, since
        it may be the same file (a hard link) as the output's."""
        if rel in self.base:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        elif self.base and os.path.isdir(target):  # a folder in the spare, a file in this build
            shutil.rmtree(target)

    def _clear_folder(self, folder: Path) -> None:
        """Remove the files of a spare folder that stand where `folder` or a folder above it goes."""
        for place in (folder, *folder.parents):
            if place == self.tmp or not place.is_relative_to(self.tmp):
                return
            if place.is_file() or place.is_symlink():
                place.unlink()

    def remove_others(self) -> None:
        """Remove what a spare folder holds that the new output does not, and the folders this leaves empty."""
        for rel in self.base.keys() - self.manifest.keys():
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(self.tmp, rel))
            folder = os.path.dirname(rel)
            while folder:
                try:
                    os.rmdir(os.path.join(self.tmp, folder))
                except OSError:
                    break
                folder = os.path.dirname(folder)


class _Writer:
    """Writes files in a thread of its own, while the build renders the next pages: the system may keep a process
    that creates many files waiting a while (as it writes back what is cached), and this one need not wait."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, str, str, bytes] | None] = queue.Queue(maxsize=QUEUED)
        self._done: list[tuple[str, str, int, int]] = []
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="kursk-site writer", daemon=True)
        self._thread.start()

    def put(self, rel: str, target: str, digest: str, data: bytes) -> None:
        """Write `data` to `target` (waits while QUEUED files wait); raises the error of an earlier write."""
        if self._error is not None:
            raise self._error
        self._queue.put((rel, target, digest, data))

    def close(self) -> list[tuple[str, str, int, int]]:
        """Wait for every file to be written: (path, digest, size, modification time) of each; raises the first
        error met."""
        self.stop()
        if self._error is not None:
            raise self._error
        return self._done

    def stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # the build fails: take the rest off the queue, write nothing more
            rel, target, digest, data = item
            try:
                stat = write_file(target, data)
            except Exception as e:  # raised in the build's thread (put, close)
                self._error = e
                continue
            self._done.append((rel, digest, stat.st_size, stat.st_mtime_ns))


def write_file(target: str | Path, data: bytes) -> os.stat_result:
    """Write `data` to a new file at `target` and return the file's status: four system calls (Python's open()
    makes two more, and an object per file; the output has thousands of files)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        write_all(fd, data)
        return os.fstat(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """Write all of `data` to the open file `fd` (os.write may write less than it is given)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _is(path: Path | str, recorded: list[int | str]) -> bool:
    """Whether the file at `path` has the size and modification time a manifest `recorded` of it."""
    try:
        return _as_recorded(os.stat(path), recorded)
    except OSError:
        return False


def _as_recorded(stat: os.stat_result, recorded: list[int | str]) -> bool:
    return stat.st_size == recorded[1] and stat.st_mtime_ns == recorded[2]


def _reuse(previous: Path | str, target: Path | str, digest: str, recorded: list[int | str] | None) -> bool:
    """Hard-link the previous build's file when its bytes are unchanged, so its modification time is kept
    (copied with its time where the disk has no hard links)."""
    if recorded is None or recorded[0] != digest:
        return False
    try:
        stat = os.stat(previous)
        if [digest, stat.st_size, stat.st_mtime_ns] != recorded:
            return False  # changed by hand since
        try:
            os.link(previous, target)
        except OSError:
            shutil.copy2(previous, target)
    except OSError:
        return False
    return True


def _read_manifest(out_dir: Path) -> Manifest:
    try:
        return _parse_manifest((out_dir / MARKER).read_bytes())
    except OSError:
        return {}


MANIFEST_FORMAT = 2
"""Changes whenever what the marker file holds changes (an output folder with another one is rebuilt whole)."""
_COLUMNS = ("paths", "digests", "sizes", "mtimes")


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest as the marker file holds it: JSON with a column for each field, sorted by path, so that the
    same files give the same bytes whatever order they were written in. In columns, json reads it in half the
    time it took as an object of [digest, size, mtime] lists (with _parse_manifest's checks, ~15% less in all)
    and writes it ~20% faster: a rebuild after one edit reads two manifests and writes one, of some 14,000 files
    at 10,000 articles."""
    paths = sorted(manifest)
    entries = [manifest[path] for path in paths]
    columns = (paths, *([entry[field] for entry in entries] for field in range(3)))
    return json.dumps({"format": MANIFEST_FORMAT, **dict(zip(_COLUMNS, columns))}, separators=(",", ":")).encode()


def _parse_manifest(data: bytes) -> Manifest:
    """The manifest manifest_bytes wrote; {} for anything else (another format, damaged, or not one at all)."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):  # (RecursionError: nested too deep, by hand or by a hostile file)
        return {}
    if not isinstance(value, dict) or value.get("format") != MANIFEST_FORMAT:
        return {}
    columns = [value.get(name) for name in _COLUMNS]
    kinds = (str, str, int, int)  # (exactly: true is no size)
    count = len(columns[0]) if isinstance(columns[0], list) else -1
    if not all(isinstance(c, list) and len(c) == count and set(map(type, c)) <= {k} for c, k in zip(columns, kinds)):
        return {}
    paths, digests, sizes, mtimes = cast("list[list[Any]]", columns)
    return dict(zip(paths, map(list, zip(digests, sizes, mtimes))))


def _swap(tmp: Path, out_dir: Path) -> Path | None:
    """Put `tmp` in the place of `out_dir`; returns the folder now holding the previous output (None for none)."""
    if not out_dir.exists():
        os.rename(tmp, out_dir)
        return None
    if _exchange(tmp, out_dir):
        return tmp
    aside = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + out_dir.name + "-old-", dir=out_dir.parent))
    os.rmdir(aside)
    os.rename(out_dir, aside)
    os.rename(tmp, out_dir)
    return aside


def _renameat2() -> Any:
    """The C library's renameat2, or None where there is none."""
    try:  # the C library the interpreter runs on (find_library would spawn ldconfig: half a second a build)
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    return getattr(libc, "renameat2", None)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where the system cannot."""
    renameat2 = _renameat2()
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
