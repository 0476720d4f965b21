"""Plain-text wire copy -> title, Blocks with their source lines, and keyword topics (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from slugify import slugify

from kursk_site.content.markdown import KEYWORD_LEVEL, KEYWORD_RE, MARKER_RE
from kursk_site.content.slugs import heading_slug
from kursk_site.model import Block, BlockKind
from kursk_site.values import Value

HEADING_LEVEL = 2
"""Detected headings start a part, like `## ...` in Markdown."""
HEADING_MAX_WORDS = 16
HEADING_MAX_CHARS = 120
SENTENCE_END = (".", "!", ",", ";", "…")
"""A line ending with one of these (after closing quotes and brackets) is a sentence, not a heading."""
CLOSERS = "\"')]»\u201d\u2019"
OPENERS = "\"'\u201c\u2018"
INNER_SENTENCE_END_RE = re.compile(r"[.!?…][\"')\u201d\u2019]*\s+\S")
JOINING_WORDS = frozenset(
    (
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "that",
        "which",
        "who",
        "whose",
        "than",
        "into",
        "onto",
        "its",
        "their",
        "his",
        "her",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
    )
)
"""A line ending in one of these words runs on into the next: it is wrapped text, not a heading."""
# A left single quote (U+2018) between two letters is an apostrophe (U+2019) typed wrongly.
MISTYPED_APOSTROPHE_RE = re.compile(r"(?<=[^\W\d_])\u2018(?=[^\W\d_])")


@dataclass(frozen=True, slots=True, repr=False)
class WireBody(Value):
    """A wire article's body, read into the same Blocks as a Markdown body."""

    title: str
    """The first non-empty line (or the front matter's title); empty when the file has no text."""
    title_line: int
    blocks: tuple[Block, ...]
    keywords: tuple[str, ...]
    """Topics named by `LSI Keyword: X` / `Keyword: X` lines, in order."""
    blank_separated: bool
    """True when paragraphs are separated by blank lines (their lines are joined); else one paragraph a line."""


@dataclass(frozen=True, slots=True, repr=False)
class _Unit(Value):
    line: int
    text: str
    single: bool
    """True when the unit is one line of the file (only such a line can be a heading)."""
    keyword: str = ""


def parse_wire(body: str, first_line: int, *, title: str = "") -> WireBody:
    """Split plain text (with `\\n` line ends) into title and Blocks; `first_line` is the body's line in its file.

    With a `title` from front matter, the first line is taken as the headline only when it says the same.
    """
    lines = [(first_line + index, clean_line(text)) for index, text in enumerate(body.split("\n"))]
    found_title, title_line = title, 0
    first = next(((n, text) for n, text in lines if text), None)
    if first is not None and (not title or _same(first[1], title)):
        found_title, title_line = found_title or first[1], first[0]
        lines = [(n, text) for n, text in lines if n > first[0]]
    groups = _groups(lines)
    blank_separated = len(groups) > 1
    units = [unit for group in groups for unit in _units(group, blank_separated)]
    blocks: list[Block] = []
    keywords: list[str] = []
    for index, unit in enumerate(units):
        if unit.keyword:
            keywords.append(unit.keyword)
            blocks.append(Block(BlockKind.HEADING, escape(unit.keyword), unit.keyword, unit.line, KEYWORD_LEVEL, "",
                                heading_slug(unit.keyword)))  # fmt: skip
        elif unit.single and (marker := MARKER_RE.search(unit.text)):
            text = heading_text(unit.text[: marker.start()])
            key = marker.group(1).strip().lower()
            blocks.append(
                Block(BlockKind.HEADING, escape(text), text, unit.line, HEADING_LEVEL, key, heading_slug(text))
            )
        elif unit.single and _is_heading(unit, units[index + 1] if index + 1 < len(units) else None):
            text = heading_text(unit.text)
            blocks.append(
                Block(BlockKind.HEADING, escape(text), text, unit.line, HEADING_LEVEL, "", heading_slug(text))
            )
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, f"<p>{escape(unit.text)}</p>\n", unit.text, unit.line))
    return WireBody(found_title, title_line, tuple(blocks), tuple(keywords), blank_separated)


def clean_line(text: str) -> str:
    """One line of wire copy: outer white space off, non-breaking spaces and tabs made plain, apostrophes mended."""
    text = " ".join(text.replace("\u00a0", " ").split())
    return MISTYPED_APOSTROPHE_RE.sub("\u2019", text)


def heading_text(text: str) -> str:
    """A heading line as shown: a closing colon (`Background:`) is dropped."""
    return text.strip().removesuffix(":").rstrip()


def headline_slug(title: str, length: int = 60) -> str:
    """A short file name from a headline: its part before a colon when that has two words or more."""
    head = title.split(":")[0]
    out: list[str] = []
    for word in slugify(head if len(head.split()) >= 2 else title).split("-"):
        if out and len("-".join([*out, word])) > length:
            break
        out.append(word)
    return "-".join(out)[:length].strip("-") or "article"


def escape(text: str) -> str:
    """Plain text -> HTML text (as markdown-it escapes it: & < > and double quotes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def keyword_of(text: str) -> str:
    """`LSI Keyword: Military Technology` -> `Military Technology`; "" for any other line."""
    match = KEYWORD_RE.match(text)
    return match.group(1) if match else ""


def looks_like_heading(text: str) -> bool:
    """Short, starts like a title, and does not end a sentence (a question or a colon may end it)."""
    words = text.split()
    if not words or len(words) > HEADING_MAX_WORDS or len(text) > HEADING_MAX_CHARS:
        return False
    if not (text[0].isupper() or text[0].isdigit() or text[0] in OPENERS):
        return False
    return not text.rstrip(CLOSERS).endswith(SENTENCE_END) and not text.endswith(SENTENCE_END)


def ends_sentence(text: str) -> bool:
    return text.rstrip(CLOSERS).endswith((".", "!", "?", "…"))


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _groups(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Runs of non-empty lines, split at blank lines."""
    groups: list[list[tuple[int, str]]] = [[]]
    for line in lines:
        if line[1]:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def _units(group: list[tuple[int, str]], blank_separated: bool) -> list[_Unit]:
    """A run of lines -> paragraphs and heading candidates; keyword lines always stand alone."""
    units: list[_Unit] = []
    run: list[tuple[int, str]] = []

    def flush() -> None:
        if not blank_separated:
            units.extend(_Unit(n, text, True) for n, text in run)
        elif run:
            rest = run
            if len(run) > 1 and _heads_block(run[0][1], run[1][1]):
                units.append(_Unit(run[0][0], run[0][1], True))
                rest = run[1:]
            if len(rest) > 1 and all(ends_sentence(text) for _n, text in rest):
                units.extend(_Unit(n, text, True) for n, text in rest)
            else:
                units.append(_Unit(rest[0][0], " ".join(text for _n, text in rest), len(rest) == 1))
        run.clear()

    for n, text in group:
        if keyword := keyword_of(text):
            flush()
            units.append(_Unit(n, text, True, keyword))
        else:
            run.append((n, text))
    flush()
    return units


def _heads_block(head: str, following: str) -> bool:
    """In hard-wrapped text, is the first line of a block a heading glued to its text, or just a wrapped line?"""
    if MARKER_RE.search(head):
        return True
    if not looks_like_heading(head) or INNER_SENTENCE_END_RE.search(head):
        return False
    last = head.split()[-1].casefold().strip(CLOSERS + ",:")
    starts_anew = following[0].isupper() or following[0].isdigit() or following[0] in OPENERS
    return starts_anew and last not in JOINING_WORDS


def _is_heading(unit: _Unit, following: _Unit | None) -> bool:
    """A heading candidate counts when text follows it (a paragraph or a keyword subheading)."""
    if following is None or not looks_like_heading(unit.text):
        return False
    return bool(following.keyword) or not (following.single and looks_like_heading(following.text))
