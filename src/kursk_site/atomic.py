"""Files of the build cache replaced whole: a reader finds the old bytes or the new, never part of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (or its pieces, one after the other) to a new file that then takes the place of `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for piece in (data,) if isinstance(data, bytes) else data:
                out.write(piece)
        try:
            os.replace(tmp, path)
        except OSError as e:  # (named by the file it replaces, not the temporary one: e.g. a folder in its way)
            raise OSError(e.errno, e.strerror, str(path)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
