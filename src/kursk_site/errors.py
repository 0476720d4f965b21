"""Errors that point at a place in the user's files: `path:line: message`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kursk_site.values import Value


@dataclass(frozen=True, slots=True, repr=False)
class SourcePos(Value):
    """A place in a source file, for messages."""

    path: str
    """Path as the user would type it, relative to the site folder where possible."""
    line: int
    """Line number counted from 1; 0 when the problem concerns the whole file."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class ContentError(Exception):
    """One problem in the user's input, with its position."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(path, line, message)
        self.path = path
        self.line = line
        self.message = message

    @property
    def pos(self) -> SourcePos:
        return SourcePos(self.path, self.line)

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.message)

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}"

    def __reduce__(self) -> tuple[type[ContentError], tuple[str, int, str]]:
        return (ContentError, (self.path, self.line, self.message))


class BuildFailed(Exception):
    """Several content errors, reported together, sorted by place."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        unique = {e.sort_key(): e for e in errors}
        self.errors: tuple[ContentError, ...] = tuple(unique[k] for k in sorted(unique))
        super().__init__(self.errors)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)

    def __reduce__(self) -> tuple[type[BuildFailed], tuple[tuple[ContentError, ...]]]:
        return (BuildFailed, (self.errors,))


class UsageError(Exception):
    """The command was called wrongly (exit code 2), e.g. a source folder that does not exist."""


class BuildBusy(UsageError):
    """Another build holds the output folder's or the build cache's lock (exit code 2; serve tries again)."""


class Unavailable(Exception):
    """Something the build cache should hold and does not (e.g. an article a stored page refers to): the build
    that needed it starts over without the cache's shortcut."""
