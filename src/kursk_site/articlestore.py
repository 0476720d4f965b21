"""The articles the build cache stores: each as the bytes codec.pack made of it, in data files of the cache's
articles/ folder, found through a table (key -> file, offset, length, checksum).

A cold build writes one data file as the articles come in from the processes that parse them, and only a table
at the end; a rebuild after an edit writes the edited articles into a small file of their own, and reads only the
articles it needs, each from where the table says. Files no table names are removed when a table is saved; the
live articles of small or mostly dead files are copied into one file once there are more than a few.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import zlib
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import NamedTuple

from kursk_site.atomic import write_atomic
from kursk_site.codec import OtherFormat, decode, encode
from kursk_site.writer.files import write_all

FOLDER = "articles"
"""In the cache folder."""
TABLE = "table.bin"
"""In FOLDER: where each stored article is."""
SUFFIX = ".bin"
"""Of data files (named by a random token)."""
MAX_FILES = 8
"""Data files kept before the live articles of all but the largest are copied into one."""
COPY_BATCH = 256
"""Articles copied at a time (see _compacted)."""


class Location(NamedTuple):
    """Where one stored article's bytes are."""

    file: str
    """The data file's name in FOLDER."""
    offset: int
    length: int
    crc: int
    """zlib.crc32 of the bytes: a damaged file gives no article (it is parsed again)."""


Table = Mapping[str, Location]
"""By article key."""


def read_table(cache_folder: Path) -> dict[str, Location] | None:
    """The table of the stored articles: {} when there is none, None when it is damaged (the articles are parsed
    again either way)."""
    try:
        value = decode((cache_folder / FOLDER / TABLE).read_bytes())
        if not set(map(len, value.values())) <= {len(Location._fields)}:
            return None
    except (FileNotFoundError, OtherFormat):  # none, or one another version of kursk-site wrote
        return {}
    except Exception:
        return None
    return dict(zip(value, map(partial(tuple.__new__, Location), value.values())))  # made in C: 10,000 of them


def read_articles(cache_folder: Path, table: Table, keys: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """(key, bytes) of each of `keys` the table names and its data file holds intact, read in file order."""
    wanted = sorted((place, key) for key in keys if (place := table.get(key)) is not None)
    handle: int | None = None
    name = ""
    try:
        for place, key in wanted:
            if place.file != name:
                if handle is not None:
                    os.close(handle)
                    handle = None
                name = place.file
                with contextlib.suppress(OSError):
                    handle = os.open(cache_folder / FOLDER / name, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            if handle is None:
                continue
            try:
                data = os.pread(handle, place.length, place.offset)
            except OSError:
                continue
            if len(data) == place.length and zlib.crc32(data) == place.crc:
                yield key, data
    finally:
        if handle is not None:
            os.close(handle)


WRITE_AT_ONCE = 1 << 20
"""Bytes of packed articles a data file is given in one write (see DataFile.add)."""


class DataFile:
    """A new data file, written as articles come (appended, never rewritten); `locations` names those written."""

    def __init__(self, cache_folder: Path) -> None:
        self.locations: dict[str, Location] = {}
        self.error: OSError | None = None
        """What went wrong writing (the articles not written are not named in `locations`)."""
        self._name = secrets.token_hex(8) + SUFFIX
        self._handle: int | None = None
        self._size = 0
        path = cache_folder / FOLDER / self._name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_BINARY", 0)
            self._handle = os.open(path, flags, 0o666)
        except OSError as e:
            self.error = e

    def add(self, articles: Iterable[tuple[str, bytes]]) -> None:
        """Append packed articles: (cache key, bytes as codec.pack makes them), written a few at a time as they
        come (a cold build at 10,000 articles packs some 130 MB of them)."""
        if self._handle is None:
            return
        places: dict[str, Location] = {}
        pieces: list[bytes] = []
        at = self._size
        for key, data in articles:
            places[key] = Location(self._name, at, len(data), zlib.crc32(data))
            pieces.append(data)
            at += len(data)
            if at - self._size >= WRITE_AT_ONCE:
                self._write(places, pieces, at)
                if self._handle is None:
                    return  # (it could not be written: see error)
                places, pieces = {}, []
        self._write(places, pieces, at)

    def _write(self, places: dict[str, Location], pieces: list[bytes], end: int) -> None:
        if self._handle is None:
            return
        try:
            write_all(self._handle, b"".join(pieces))
        except OSError as e:
            self.close()
            self.error = e
            return
        self._size = end
        self.locations.update(places)

    def close(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                os.close(self._handle)
            self._handle = None

    def __enter__(self) -> DataFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def save_table(cache_folder: Path, table: Table) -> None:
    """Store `table` as the one in use (copying articles out of small or mostly dead data files first, see
    MAX_FILES), then remove every data file it does not name. Raises OSError."""
    folder = cache_folder / FOLDER
    table = _compacted(cache_folder, table)
    write_atomic(folder / TABLE, encode({key: tuple(place) for key, place in table.items()}))
    named = {place.file for place in table.values()}
    with os.scandir(folder) as found:
        for entry in found:
            if entry.name != TABLE and entry.name not in named:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _compacted(cache_folder: Path, table: Table) -> Table:
    """`table`, or, past MAX_FILES data files or with a file more than half dead, a table naming one new file in
    their place for the articles of every file but the largest live one."""
    live: dict[str, int] = {}
    for place in table.values():
        live[place.file] = live.get(place.file, 0) + place.length
    sizes: dict[str, int] = {}
    for name in live:
        with contextlib.suppress(OSError):
            sizes[name] = (cache_folder / FOLDER / name).stat().st_size
    dead = {name for name, size in sizes.items() if live[name] * 2 < size}
    if len(live) <= MAX_FILES and not dead:
        return table
    keep = max(live, key=lambda name: live[name])
    if keep in dead:
        keep = ""
    moving = [key for key, place in table.items() if place.file != keep]
    out = dict(table)
    with DataFile(cache_folder) as new:
        for key in moving:
            del out[key]
        batch: list[tuple[str, bytes]] = []
        for item in read_articles(cache_folder, table, moving):
            batch.append(item)
            if len(batch) == COPY_BATCH:
                new.add(batch)
                batch = []
        new.add(batch)
    if new.error is not None:
        return table
    out.update(new.locations)
    return out
