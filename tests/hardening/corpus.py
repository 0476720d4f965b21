"""Reads the case files in cases/: a title line, then `-- path --` sections (txtar, as Hugo's tests use)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

CASES = Path(__file__).parent / "cases"
SECTION_RE = re.compile(r"^-- (?P<name>\S+?)(?P<escaped> \(escaped\))? --$", re.MULTILINE)
STDERR = "stderr"


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    title: str
    files: dict[str, bytes]
    """Site files by path; a section marked `(escaped)` is Python-escaped bytes (for binary and non-UTF-8 files)."""
    stderr: str
    """What `kursk-site build` must print on stderr; empty for a case that builds cleanly."""


def read_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    title, _, _ = text.partition("\n")
    matches = list(SECTION_RE.finditer(text))
    files: dict[str, bytes] = {}
    stderr = ""
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        body = text[match.end() + 1 : following.start() if following else len(text)]
        name = match.group("name")
        if name == STDERR:
            stderr = body
        elif match.group("escaped"):
            files[name] = codecs.escape_decode(body.rstrip("\n").encode("utf-8"))[0]
        else:
            files[name] = body.encode("utf-8")
    return Case(path.stem, title, files, stderr)


def all_cases() -> list[Case]:
    return [read_case(path) for path in sorted(CASES.glob("*.txt"))]
