"""Splits the YAML front matter (between `---` lines) from the body of an article."""

from __future__ import annotations

from dataclasses import dataclass

from kursk_site.errors import ContentError
from kursk_site.values import Value


@dataclass(frozen=True, slots=True, repr=False)
class Split(Value):
    meta: str | None
    """The YAML text, or None when the file has no front matter."""
    meta_line: int
    """Line of the first YAML line, counted from 1."""
    body: str
    body_line: int
    """Line of the first body line, counted from 1."""


def split_front_matter(text: str, path: str) -> Split:
    """`text` has `\\n` line ends; a file that does not start with `---` has no front matter."""
    first, _sep, rest = text.partition("\n")
    if first.rstrip() != "---":
        return Split(None, 1, text, 1)
    lines = rest.split("\n")
    for index, line in enumerate(lines):
        if line.rstrip() in ("---", "..."):
            meta = "\n".join(lines[:index])
            body = "\n".join(lines[index + 1 :])
            return Split(meta, 2, body, index + 3)
    raise ContentError(path, 1, "front matter starts with '---' but has no closing '---' line")
