"""Where the output's files are created on the disk: away from the files a previous build has just deleted.

ext4 without a journal does not reuse the inode of a file deleted in the last minute (the last six, while the
inode's table waits to be written back), and it looks at each such inode again for every file it creates in that
part of the disk: from the first inode of the part, so creating a file there gets slower as the part's older free
inodes are used. A build right after `rm -rf build`, or a full rebuild right after one that removed the previous
output, spent several seconds of system time creating its files (0.3-0.6 ms a file instead of 0.02 ms).

So the new output's folder is marked as the top of a folder tree (ext4's FS_TOPDIR_FL, what `chattr +T` sets),
which makes ext4 spread the folders made in it over the disk. ext4 puts such a folder in the part with the fewest
folders, which a deleted output has just emptied: so each top folder is made under a name of its own (ext4 starts
looking at a part chosen by the hash of the name), a few files are created in it and timed, and where they were
slow another is made while that one stands (its part holds a folder now, and ext4 looks elsewhere); the quickest
is renamed to its name. Then, as the output is written, each folder's files are timed in turns of WINDOW: where
they turned slow, the folder's next files (and those of every folder met from then on) are created in a folder
made as above (a place) and moved into their own folder once written; where the place turns slow, another is
made. Where even a new place is slow, files are created where they go. On other file systems and systems, nothing
changes but the name a top folder is made under.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import sys
import time
from pathlib import Path

TOPDIR_FLAG = 0x00020000
"""FS_TOPDIR_FL of linux/fs.h."""
_LONG = struct.calcsize("l")
GET_FLAGS = (2 << 30) | (_LONG << 16) | (ord("f") << 8) | 1
"""FS_IOC_GETFLAGS: _IOR('f', 1, long)."""
SET_FLAGS = (1 << 30) | (_LONG << 16) | (ord("f") << 8) | 2
"""FS_IOC_SETFLAGS: _IOW('f', 2, long)."""
SPREAD_PREFIX = ".kursk-folder-"
CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | getattr(os, "O_BINARY", 0)
"""How a file of the output is created (opened to write, emptied if it stands there)."""
PROBES = 3
"""Files created to time the creation of files in a new folder (see creation_cost)."""
SLOW_CREATION_NS = 120_000
"""Creating an empty file takes 10-40 us; among the inodes of files deleted in the last minutes, 300 us or more."""
TRIES = 8
"""Folders made at most to find a place where files are created quickly (see Places)."""
WINDOW = 16
"""Files created in a folder between two looks at how long they took (see Places)."""
MOVES = 16
"""Places made at most to create files in (see Places)."""


def spread_below(folder: Path) -> None:
    """Ask the file system to spread the folders made in `folder` (best effort: see the module's docstring)."""
    if sys.platform != "linux":
        return
    import fcntl

    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            flags = struct.unpack("i", fcntl.ioctl(fd, GET_FLAGS, b"\0\0\0\0"))[0]
            if not flags & TOPDIR_FLAG:
                fcntl.ioctl(fd, SET_FLAGS, struct.pack("i", flags | TOPDIR_FLAG))
        finally:
            os.close(fd)


def creation_cost(folder: Path) -> int:
    """Nanoseconds the quickest of PROBES new empty files in `folder` took to create (they are removed)."""
    best = SLOW_CREATION_NS * 1000
    made = []
    try:
        for index in range(PROBES):
            path = os.path.join(folder, f".probe-{index}")
            start = time.perf_counter_ns()
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
            best = min(best, time.perf_counter_ns() - start)
            made.append(path)
    finally:
        for path in made:
            with contextlib.suppress(OSError):
                os.unlink(path)
    return best


EXT_FILE_SYSTEMS = frozenset(("ext2", "ext3", "ext4"))


def on_ext(folder: Path) -> bool:
    """Whether `folder` is on an ext2, ext3 or ext4 file system, as /proc/self/mountinfo says of its device."""
    try:
        device = os.stat(folder).st_dev
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return False
    wanted = f"{os.major(device)}:{os.minor(device)}"
    for line in lines:
        fields = line.split(" ")
        if len(fields) > 2 and fields[2] == wanted and " - " in line:
            return line.split(" - ", 1)[1].split(" ", 1)[0] in EXT_FILE_SYSTEMS
    return False


class Places:
    """Where this process makes the top folders of the output and creates its files (see the module's docstring).

    A top folder is made under a name of its own in a part of the disk where files are created quickly, then
    renamed. A file is created in its folder until creating files there turns slow (as it does among the inodes
    of files deleted minutes ago); the folder's next files are then created in a folder of a temporary name made
    elsewhere (a place), each moved into its own folder once written (the move takes no new inode). Made for one
    output being filled; `open` is called by one thread at a time (make_folder changes nothing it reads), and by the
    processes forked while the output is filled (remove removes the places of all). Only on ext2/3/4 (on_ext): other
    file systems do not keep freed inodes from new files, and on a network disk timing them costs round trips."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._prefix = f"{SPREAD_PREFIX}{os.urandom(4).hex()}-"
        """Of the names of the folders made (a file of the output may not be taken for one)."""
        self._placing = sys.platform == "linux" and on_ext(root)
        self._start()

    def _start(self) -> None:
        """Start with no folder timed or moved: at first, and in a process forked since (a process never creates
        files in another's place, where two files of one name would be one)."""
        self._process = os.getpid()
        self._watches: dict[str, _Watch] = {}
        """How long creating files took, by folder they were created in."""
        self._moved: set[str] = set()
        """Folders whose files are created in the place."""
        self._place: str | None = None
        self._moves = 0 if self._placing else MOVES
        """Places made (none are made elsewhere: the class's docstring)."""

    def make_folder(self, name: str) -> None:
        """Make the folder `name` in the root (which must not hold anything of that name); where making it in a
        place fails, it is made as usual."""
        target = self._root / name
        try:
            folder, _ = self._new_place()
        except OSError:
            target.mkdir()
            return
        try:
            os.rename(folder, target)
        except OSError:
            folder.rmdir()
            target.mkdir()

    def remove(self) -> None:
        """Remove the places made (in any process), with what they still hold, and the folders found slow."""
        try:
            with os.scandir(self._root) as entries:
                made = [entry.path for entry in entries if entry.name.startswith(self._prefix)]
        except OSError:  # (the folder filled, swapped in under the output's name since, or removed)
            return
        for path in made:
            shutil.rmtree(path, ignore_errors=True)

    def open(self, target: str) -> tuple[int, str]:
        """Create the file `target` for writing: its descriptor, and where it was created (to be moved to
        `target` once written, where that differs)."""
        if os.getpid() != self._process:
            self._start()
        folder, _, name = target.rpartition("/")
        if self._place is not None and folder not in self._watches and self._moves < MOVES:
            self._moved.add(folder)  # a folder first met once others turned slow: made near them, likely as slow
        where = self._place if folder in self._moved and self._place is not None else folder
        watch = self._watches.get(where)
        if watch is None:
            watch = self._watches[where] = _Watch()
        path = target if where == folder else f"{where}/{name}"
        start = time.perf_counter_ns()
        fd = os.open(path, CREATE_FLAGS, 0o666)
        if self._moves < MOVES and watch.slow(time.perf_counter_ns() - start):
            self._move(folder)
        return fd, path

    def _move(self, folder: str) -> None:
        """Create the next files of `folder` in the place; in a new place where there is none yet, or the place
        itself turned slow (none once a new one is found slow as it is made)."""
        if self._place is None or folder in self._moved:
            try:
                place, cost = self._new_place()
            except OSError:
                self._moves = MOVES
                return
            if cost >= SLOW_CREATION_NS:  # slow everywhere (a network disk, say): moving would only add to it
                self._moves = MOVES
                return
            self._moves += 1
            self._place = os.fspath(place)
        self._moved.add(folder)

    def _new_place(self) -> tuple[Path, int]:
        """A new folder of a temporary name in the root: the first of TRIES where creating a file took less than
        SLOW_CREATION_NS, else the quickest; and how long creating a file in it took. The slow ones are left as
        they are, so that the system makes the next folders elsewhere (see remove)."""
        tries = TRIES if self._moves < MOVES else 1
        tried: list[tuple[int, Path]] = []
        for _ in range(tries):
            folder = self._root / f"{self._prefix}{os.urandom(6).hex()}"
            folder.mkdir()
            tried.append((creation_cost(folder) if tries > 1 else 0, folder))
            if tried[-1][0] < SLOW_CREATION_NS:
                break
        cost, best = min(tried)
        return best, cost


class _Watch:
    """How long creating files in one folder has taken (see Places)."""

    __slots__ = ("count", "nanoseconds")

    def __init__(self) -> None:
        self.count = self.nanoseconds = 0

    def slow(self, nanoseconds: int) -> bool:
        """Note how long creating one file took: whether the files of the last WINDOW took too long."""
        self.count += 1
        self.nanoseconds += nanoseconds
        if self.count < WINDOW:
            return False
        slow = self.nanoseconds > WINDOW * SLOW_CREATION_NS
        self.count = self.nanoseconds = 0
        return slow
