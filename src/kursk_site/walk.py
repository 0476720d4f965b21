"""Walks a folder as the build reads it: links to folders followed, never back into a folder it is in, names
sorted."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

VISITS = 8
"""Times one real folder is walked at most with `aliases` (through links to it from several places): links that
fan out again and again cost linear time, not exponential."""


def walk_once(folder: Path, *, aliases: bool = False) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk top-down, following links to folders (an articles folder may be a link to a shared one). Each real
    folder is walked once, under the first name met; with `aliases` (static files: static/img2 a link to
    static/img), also under each other name it has, up to VISITS times. Either way a link leading back into a
    folder it is in is not followed (it would loop). Folder and file names come sorted; a caller may prune the
    folder list in place, as with os.walk."""
    above: dict[str, tuple[tuple[int, int], ...]] = {os.fspath(folder): ()}
    visits: dict[tuple[int, int], int] = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        try:
            stat = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        real = (stat.st_dev, stat.st_ino)
        chain = above.pop(dirpath, ())
        if real in chain or visits.get(real, 0) >= (VISITS if aliases else 1):
            dirnames[:] = []
            continue
        visits[real] = visits.get(real, 0) + 1
        dirnames.sort()
        filenames.sort()
        yield dirpath, dirnames, filenames
        inner = (*chain, real)
        for name in dirnames:  # (as the caller left the list)
            above[os.path.join(dirpath, name)] = inner
