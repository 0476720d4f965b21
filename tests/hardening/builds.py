"""Builds in forked child processes, so a test can kill one at any moment or run two at once."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import Any

from kursk_site import writer
from kursk_site.cli import main
from kursk_site.model import OutputFile
from kursk_site.writer import MARKER, TEMP_PREFIX, swap

Snapshot = dict[str, bytes]


def articles(variant: str, count: int = 4) -> dict[str, str]:
    """A small site whose every page differs between variants, as do the paths of one article's pages.

    Both variants have as many files of each kind, so writing one over the other takes the same steps.
    """
    return {
        f"content/articles/{'b' if variant == 'b' and n == 0 else 'a'}{n}.md": (
            f"---\ntitle: Article {n} {variant}\ndate: 2024-11-{n + 1:02d}\ntags: [Kursk, T{n % 3}]\n---\n"
            f"Lede {variant}.\n\n## Troops deploy\n\nText {n} {variant}.\n\n## Economic gains\n\nMore.\n"
        )
        for n in range(count)
    }


def render(site: Path, scratch: Path) -> tuple[OutputFile, ...]:
    """The files a build of `site` writes (built into `scratch` and read back, whatever the stages inside)."""
    assert main(["build", "--source", str(site), "--out", str(scratch)]) == 0
    return tuple(OutputFile(PurePosixPath(rel), data, rel) for rel, data in snapshot(scratch).items())


def snapshot(out: Path) -> Snapshot:
    """The files of a built site, by path, without the build's own record (it holds modification times)."""
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name != MARKER
    }


def temp_folders(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(TEMP_PREFIX))


def fork_write(
    files: Sequence[OutputFile], out: Path, *, kill_at_event: int = 0, log: Path | None = None, atomic: bool = True
) -> int:
    """Start write_site in a child process; returns its pid.

    With `kill_at_event` the child SIGKILLs itself at that profiler call event inside write_site; with `log` it
    writes there how many events write_site took, at which one the swap began and which ones rename. With
    `atomic=False` it swaps folders as on a system without renameat2: two renames.
    """
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        if not atomic:
            swap.exchange = lambda a, b: False  # the child's own copy of the module
        counter = _EventCounter(kill_at_event)
        if kill_at_event or log:
            sys.setprofile(counter.count)
        writer.write_site(files, out)
        sys.setprofile(None)
        if log:
            log.write_text(json.dumps({"events": counter.events, "swap": counter.swap, "renames": counter.renames}))
        code = 0
    finally:
        os._exit(code)


def fork_build(argv: list[str], *, stderr: Path | None = None) -> int:
    """Start `kursk-site ARGV` in a child process (stdout dropped, stderr to a file if given); returns its pid."""
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (the child exits without closing anything)
        sys.stderr = open(stderr or os.devnull, "w")  # noqa: SIM115
        code = main(argv)
        sys.stderr.flush()
    finally:
        os._exit(code)


class _EventCounter:
    """A profiler hook that counts call events, notes where the swap begins, and can kill at one event."""

    def __init__(self, kill_at: int) -> None:
        self.kill_at = kill_at
        self.events = 0
        self.swap = 0
        self.renames: list[int] = []
        """The events that rename a folder (os.rename, or the C library's renameat2)."""

    def count(self, frame: FrameType, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            self.events += 1
            if event == "call" and frame.f_code is swap.swap_in.__code__:
                self.swap = self.events
            if event == "c_call" and arg is os.rename:
                self.renames.append(self.events)
            if self.events == self.kill_at:
                os.kill(os.getpid(), signal.SIGKILL)


def wait(pid: int) -> tuple[int, int]:
    """(exit code, signal number) of a finished child."""
    _, status = os.waitpid(pid, 0)
    return (os.waitstatus_to_exitcode(status), os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0)
