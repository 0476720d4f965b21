"""Walks a folder as the build reads it: links to folders followed, each real folder once, names sorted."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def walk_once(folder: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk top-down, following links to folders (an articles folder may be a link to a shared one), with each
    real folder visited once, so that a link looping back is not followed again. Folder and file names come
    sorted; a caller may prune the folder list in place, as with os.walk."""
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        try:
            stat = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        if (stat.st_dev, stat.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirnames.sort()
        filenames.sort()
        yield dirpath, dirnames, filenames
