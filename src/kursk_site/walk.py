"""Walks a folder as the build reads it: links to folders followed, never back into a folder it is in, names
sorted."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

VISITS = 8
"""Times one real folder is walked at most (through links to it from several places): links that fan out again
and again cost linear time, not exponential."""


def walk_once(folder: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk top-down, following links to folders (an articles folder may be a link to a shared one, static/img2
    a link to static/img): a folder reached through a link is walked under that name too, but a link leading back
    into a folder it is in is not followed (it would loop). Folder and file names come sorted; a caller may prune
    the folder list in place, as with os.walk."""
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
        visits[real] = visits.get(real, 0) + 1
        if real in chain or visits[real] > VISITS:
            dirnames[:] = []
            continue
        dirnames.sort()
        filenames.sort()
        yield dirpath, dirnames, filenames
        inner = (*chain, real)
        for name in dirnames:  # (as the caller left the list)
            above[os.path.join(dirpath, name)] = inner
