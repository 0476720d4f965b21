"""The new output folder filled file by file: each path checked, unchanged files kept or linked from the
previous output, the manifest kept."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import NamedTuple, Protocol

from kursk_site.errors import ContentError, UsageError
from kursk_site.model import OutputFile
from kursk_site.placement import Places
from kursk_site.writer.files import ThreadWriter, write_file
from kursk_site.writer.manifest import MARKER, Manifest, content_digest, file_digest, file_matches

INLINE_FILES = 64
"""New files written before the writer thread takes over: a small site, or a rebuild after an edit, needs none."""
_ODD_PATH = re.compile(r"^/|(?:^|/)\.{0,2}(?:/|$)|\0")
"""An absolute path, an empty, `.` or `..` segment, or a NUL: a kept path that takes the general checks."""


class OutputChanged(UsageError):
    """A file of the previous output that was to be kept changed while the site was built (or before, by hand)."""


def _unreadable(path: Path) -> bool:
    """True when `path` cannot be read (as opposed to the output folder failing to take a file)."""
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError:
        return True
    return False


class PageSource(Protocol):
    """Pages that put themselves into the folder being filled (e.g. rendered by several processes at once, each
    writing its own: see incremental.PagesToRender)."""

    def place_in(self, fill: Fill) -> None: ...


class Placed(NamedTuple):
    """A file put into the output being filled (see Fill.place)."""

    path: str
    entry: list[int | str]
    """What the manifest records of it."""
    written: bool
    """Whether its bytes were written (not kept or linked from the previous output)."""


class Fill:
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
        self._writer: ThreadWriter | None = None
        self._checked_in: set[str] = set()
        """Folders (as written) where a file was placed, its checks passed (see _target)."""
        self._tmp_text = os.fspath(tmp)
        self._places = Places(tmp)
        """Where this process creates new files (each process filling the folder has its own: see place)."""

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
                    self._places.make_folder(top)
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
            self._writer = ThreadWriter(self._places)
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

    def place(self, file: OutputFile, target: str, writer: ThreadWriter | None = None) -> Placed | None:
        """Put `file` at `target` (a place checked by write or reserve): kept where the folder holds it already,
        hard-linked from the output where its bytes are unchanged, else written (by `writer`'s thread when given:
        then None, the file noted when the thread is done).

        Changes nothing of this object but where its process creates files (placement.Places), so that a forked
        child may place files (see record).
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
                stat = write_file(target, file.data, self._places)
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
        if writer is not None:
            for rel, digest, size, mtime_ns in writer.close():
                self.record(Placed(rel, [digest, size, mtime_ns], True))
        self._places.remove()  # (made by any process that filled the folder: see place)

    def close(self) -> None:
        """Stop the writer thread (the files it has not written yet are dropped), and remove the places files were
        created in (see placement.Places: the build may have stopped before finish)."""
        if self._writer is not None:
            self._writer.stop()
        self._places.remove()

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
                and (file_matches(f"{new_root}/{rel}", recorded) if changed is None else rel not in changed)
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
        return self.base.get(rel) == recorded and file_matches(target, recorded)  # (the same file in both builds)

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
