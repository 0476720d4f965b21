"""What the inputs of a build looked like when it read them: each file's size, modification time and inode, so
that a later build sees what changed without reading a byte (see cache)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kursk_site.values import Value
from kursk_site.walk import walk_once


def digest_value(value: object) -> str:
    """Digest of a value made of frozen dataclasses, tuples, strings, numbers and dates."""
    return hashlib.blake2b(pickle.dumps(value, protocol=5), digest_size=16).hexdigest()


class FileStamp(NamedTuple):
    """What a file looked like when it was read: a changed size, time or inode means it must be read again. The
    change time counts too: an edit that puts back the size and the modification time (`touch -r`, some editors
    and sync tools) still changes it, and the system alone sets it.

    (This and the other entries of the index are named tuples, not dataclasses: an index holds tens of thousands,
    made each time it is read, and a tuple is made several times faster.)"""

    size: int
    mtime_ns: int
    inode: int
    ctime_ns: int

    @staticmethod
    def of(stat: os.stat_result) -> FileStamp:
        return FileStamp(stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


@dataclass(frozen=True, slots=True, repr=False)
class InputStamps(Value):
    every: str
    """Digest of the stamp of every input file and of the values: equal means no input changed."""
    others: str
    """The same without the files below the articles folder (whose stamps the index keeps one by one)."""
    articles: Mapping[str, os.stat_result]
    """The status of each file below the articles folder, by path as text (for content.discover_articles)."""


def stamp_inputs(folders: Iterable[Path], articles: Path, *values: object) -> InputStamps:
    """The stamps (size, modification time, inode, change time) of every file below `folders`, and `values`,
    digested."""
    every: list[tuple[str, int, int, int, int] | str] = []
    others: list[tuple[str, int, int, int, int] | str] = []
    below = os.path.join(articles, "")
    statuses: dict[str, os.stat_result] = {}
    for folder in folders:
        every.append(os.fspath(folder))
        others.append(os.fspath(folder))
        for dirpath, _dirnames, filenames in walk_once(folder, aliases=True):  # (all any reader reads)
            inside = os.path.join(dirpath, "")
            article_folder = inside.startswith(below)
            with _folder(dirpath) as where:
                for name in filenames:  # sorted by walk_once
                    path = inside + name  # (os.path.join's result: a loop over every input file)
                    try:
                        stat = os.stat(name, dir_fd=where) if where is not None else os.stat(path)
                    except OSError:
                        continue
                    stamp = (path, stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)
                    every.append(stamp)
                    if article_folder:
                        statuses[path] = stat
                    else:
                        others.append(stamp)
    return InputStamps(digest_value((values, every)), digest_value((values, others)), statuses)


@contextlib.contextmanager
def _folder(path: str) -> Iterator[int | None]:
    """A descriptor of the folder `path`, to look its files up by name (a sixth faster than by whole path, for
    every input file of every build); None where the system cannot, and the files are looked up by path."""
    if os.stat not in os.supports_dir_fd:
        yield None
        return
    try:
        where = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield None
        return
    try:
        yield where
    finally:
        os.close(where)
