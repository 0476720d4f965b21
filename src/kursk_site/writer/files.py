"""Files written with few system calls, in a thread of their own while the build renders the next pages."""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

from kursk_site.placement import CREATE_FLAGS, Places

QUEUED = 32
"""Files rendered and waiting for the writer thread (see ThreadWriter): bounds the memory they take."""


class ThreadWriter:
    """Writes files in a thread of its own, while the build renders the next pages: the system may keep a process
    that creates many files waiting a while (as it writes back what is cached), and this one need not wait."""

    def __init__(self, places: Places | None = None) -> None:
        self._places = places
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
                stat = write_file(target, data, self._places)
            except Exception as e:  # raised in the build's thread (put, close)
                self._error = e
                continue
            self._done.append((rel, digest, stat.st_size, stat.st_mtime_ns))


def write_file(target: str | Path, data: bytes, places: Places | None = None) -> os.stat_result:
    """Write `data` to a new file at `target` and return the file's status: four system calls (Python's open()
    makes two more, and an object per file; the output has thousands of files). With `places`, the file may be
    created elsewhere and moved to `target` once written (see placement.Places)."""
    target = os.fspath(target)
    if places is None:
        fd, path = os.open(target, CREATE_FLAGS, 0o666), target
    else:
        fd, path = places.open(target)
    try:
        write_all(fd, data)
        stat = os.fstat(fd)
    finally:
        os.close(fd)
    if path != target:
        os.rename(path, target)
    return stat


def write_all(fd: int, data: bytes) -> None:
    """Write all of `data` to the open file `fd` (os.write may write less than it is given)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
