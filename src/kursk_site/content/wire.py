"""Plain-text wire copy -> title, Blocks with their source lines, and keyword topics (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

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
WRAP_MAX = 100
"""Hard-wrapped text has lines of at most this many characters: a block with a longer line has a paragraph a line."""
AGENCIES = (
    r"(?:Reuters|AP|AFP|Bloomberg|dpa|DPA|Xinhua|Interfax|TASS|Ukrinform|Yonhap|UPI|EFE|ANSA|Kyodo|RIA|RIA Novosti"
    r"|Anadolu|PTI|IANS|CNN|BBC)"
)
"""News agencies as a dateline names them in parentheses (`Kyiv (AFP) -`)."""
DATELINE_RE = re.compile(
    r"^(?:[A-Z][A-Z .'\u2019-]{2,}(?:,[^-\u2013\u2014]{0,40})?(?:\s*\([^()]{1,30}\))?"
    rf"|[A-Z][\w .'\u2019-]{{1,30}}?(?:,[^-\u2013\u2014()]{{0,40}})?\s*\({AGENCIES}\))"
    r"\s+(?:-{1,2}|[\u2013\u2014])(?:\s|$)"
)
"""An agency dateline opening a story: `KYIV, Nov 26 (Reuters) - ...`, `KYIV (Reuters) - ...`, `SEOUL -- ...`,
`Kyiv (AFP) - ...`."""
BYLINE_RE = re.compile(r"^By\s+[A-Z][\w.'\u2019-]*(?:,?\s+(?:and\s+)?[A-Z][\w.'\u2019-]*){0,7}$")
"""A byline line: `By Tom Balmforth and Olena Harmash`."""
AFFILIATION_RE = re.compile(
    r"^(?:Reuters|AP|AFP|Bloomberg|dpa|Xinhua|Interfax|TASS|Ukrinform|Yonhap|UPI|EFE|ANSA|Kyodo|Meduza|Axios|Politico"
    r"|Agence France-Presse|Thomson Reuters|(?:The\s+)?[A-Z][\w.&'\u2019-]*(?:\s+[A-Z][\w.&'\u2019-]*){0,3}\s+"
    r"(?:Press|News|Agency|Times|Post|Journal|Herald|Independent|Service|Wire|Telegraph|Guardian|Staff|Correspondent"
    r"|Writer|Editor|Reporter|Bureau|Bureau Chief|Chief))$"
)
"""A byline's second line: the names' agency, paper or post (`Associated Press`, `Reuters`, `Moscow Bureau Chief`),
not a heading (`North Korean Deployment`)."""
NOTE_START_RE = re.compile(
    r"^\(\s*(?:Corrects|Correcting|Adds|Updates|Recasts|Changes|Rewrites|Refiles|Removes|Fixes|Inserts|Deletes"
    r"|Clarifies|Amends|Repeats|Writes\s+through|Editor[\u2019']?s\s+note|Note\s+to\s+editors)\b"
    r"(?:[^()]|\([^()]*\))*\)",
    re.IGNORECASE,
)
"""A wire editor's note opening a paragraph, as one parenthesis (which may hold others)."""
EDITORS_NOTE_RE = re.compile(NOTE_START_RE.pattern + r"\s*$", re.IGNORECASE)
"""A wire editor's note on a story's version (`(Corrects figure in paragraph 3)`): no lede, no key figure."""
NOT_HEADING_RE = re.compile(
    r"^(?:[\u2022\u00b7\u25aa\u25e6*\u2013-]\s|\d{1,3}[.)]\s|[QA]\s?[:.]\s|[A-Z]{2,}(?:\s[A-Z]{2,})*:\s)"
)
"""Lines that are never headings: list items (`\u2022 ...`, `3) ...`), interview turns (`Q: ...`), captions and
kickers (`FILE PHOTO: ...`)."""
ITEM_RE = re.compile(r"^(?:[\u2022\u00b7\u25aa\u25e6*\u2013-]|(\d{1,3})[.)])\s+(\S.*)$")
"""A list item: `\u2022 text`, `- text`, `3) text`, `3. text` (group 1: its number; group 2: its text)."""
KICKER_RE = re.compile(
    r"^(?:(?:UPDATE|WRAPUP|REFILE|CORRECTED|RPT)(?:\s+\d+)?|EXCLUSIVE|ANALYSIS|FACTBOX|EXPLAINER|INSIGHT|BREAKING|"
    r"URGENT|FLASH|BULLETIN|ALERT)\s*[:\u2013\u2014-]\s*"
)
"""A wire service's kicker before a headline: `UPDATE 1: ...`, `EXCLUSIVE-...`."""
RUNS_ON = ("-", "\u2013", "\u2014")
"""A line ending with a dash runs on into the next (a dateline on a line of its own)."""
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
    byline: str = ""
    """The names of a byline line (`By Tom Balmforth and Olena Harmash`) before the text, which the article shows
    as its author; "" for none."""


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
        found_title, title_line = found_title or (KICKER_RE.sub("", first[1], count=1) or first[1]), first[0]
        lines = [(n, text) for n, text in lines if n > first[0]]
    groups = _groups(lines)
    blank_separated = len(groups) > 1
    units = [unit for group in groups for unit in _units(group, blank_separated)]
    units = [piece for unit in units for piece in _split_note(unit)]
    byline = ""
    for index, unit in enumerate(units[:3]):  # (a byline comes before the story: after a kicker or dateline at most)
        if unit.single and not unit.keyword and BYLINE_RE.match(unit.text) and index + 1 < len(units):
            byline = _names(unit.text[2:].strip())
            del units[index]
            following = units[index]
            if following.single and index + 1 < len(units) and AFFILIATION_RE.match(following.text):
                del units[index]  # (`By Jane Doe` / `Reuters`: the byline's second line)
            break
    blocks: list[Block] = []
    keywords: list[str] = []
    for index, unit in enumerate(units):
        item = ITEM_RE.match(unit.text) if unit.single else None
        if item is not None:
            before = ITEM_RE.match(units[index - 1].text) if index and units[index - 1].single else None
            if before is not None and (before.group(1) is None) == (item.group(1) is None):
                continue  # (in the list made at its first item)
            blocks.append(_list(units, index))
        elif unit.keyword:
            keywords.append(unit.keyword)
            blocks.append(Block(BlockKind.HEADING, escape(unit.keyword), unit.keyword, unit.line, KEYWORD_LEVEL, "",
                                heading_slug(unit.keyword)))  # fmt: skip
        elif unit.single and (marker := MARKER_RE.search(unit.text)):
            text = heading_text(unit.text[: marker.start()])
            key = marker.group(1).strip().lower()
            blocks.append(
                Block(BlockKind.HEADING, escape(text), text, unit.line, HEADING_LEVEL, key, heading_slug(text))
            )
        elif (
            unit.single
            and not (blocks and blocks[-1].kind is BlockKind.HEADING and blocks[-1].level == HEADING_LEVEL)
            and _is_heading(unit, units[index + 1] if index + 1 < len(units) else None)
        ):  # (a heading is followed by text, not by another heading)
            text = heading_text(unit.text)
            blocks.append(
                Block(BlockKind.HEADING, escape(text), text, unit.line, HEADING_LEVEL, "", heading_slug(text))
            )
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, f"<p>{escape(unit.text)}</p>\n", unit.text, unit.line))
    return WireBody(found_title, title_line, tuple(blocks), tuple(keywords), blank_separated, byline)


def _list(units: list[_Unit], start: int) -> Block:
    """The list that `units[start]` starts: the items that follow it, numbered or not as it is."""
    first = ITEM_RE.match(units[start].text)
    assert first is not None
    numbered = first.group(1) is not None
    items: list[str] = []
    for index in range(start, len(units)):  # (not a slice or islice: each would go over the units before)
        unit = units[index]
        item = ITEM_RE.match(unit.text) if unit.single else None
        if item is None or (item.group(1) is not None) != numbered:
            break
        items.append(item.group(2))
    tag = "ol" if numbered else "ul"
    number = f' start="{int(first.group(1))}"' if numbered and int(first.group(1)) != 1 else ""
    html = "".join(f"<li>{escape(item)}</li>\n" for item in items)
    return Block(BlockKind.LIST, f"<{tag}{number}>\n{html}</{tag}>\n", " ".join(items), units[start].line)


def _split_note(unit: _Unit) -> list[_Unit]:
    """An editor's note and the story text glued to it in one paragraph (hard-wrapped copy): two units."""
    note = NOTE_START_RE.match(unit.text) if not unit.keyword else None
    rest = unit.text[note.end() :].strip() if note else ""
    if note is None or not rest:
        return [unit]
    return [_Unit(unit.line, note.group(0), True), _Unit(unit.line, rest, False)]


def _names(byline: str) -> str:
    """A byline's names, in capitals as agencies write them (`HANNA ARHIROVA and ILLIA NOVIKOV`) or as written."""
    words = byline.split()
    if not all(word.isupper() for word in words if word.casefold() != "and"):
        return byline
    return " ".join("and" if w.casefold() == "and" else "-".join(p.capitalize() for p in w.split("-")) for w in words)


def lede(blocks: Iterable[Block]) -> str:
    """The text of the first paragraph that is not an editor's note, without its wire dateline."""
    for block in blocks:
        if block.kind is BlockKind.PARAGRAPH and block.text and not EDITORS_NOTE_RE.match(block.text):
            return DATELINE_RE.sub("", block.text, count=1) or block.text
    return ""


def clean_line(text: str) -> str:
    """One line of wire copy: outer white space off, non-breaking spaces and tabs made plain, apostrophes mended."""
    text = " ".join(text.replace("\u00a0", " ").split())
    return MISTYPED_APOSTROPHE_RE.sub("\u2019", text)


def heading_text(text: str) -> str:
    """A heading line as shown: a closing colon (`Background:`) is dropped."""
    return text.strip().removesuffix(":").rstrip()


def headline_slug(title: str, length: int = 60) -> str:
    """A short file name from a headline without its wire kicker (`UPDATE 1:`): the part before a colon when that
    has three words or more (`North Korea's Kursk deployment: a deep dive`), else the whole headline."""
    title = KICKER_RE.sub("", title, count=1) or title
    head = title.split(":")[0]
    out: list[str] = []
    for word in slugify(head if len(head.split()) >= 3 else title).split("-"):
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
    if not (text[0].isupper() or text[0].isdigit() or text[0] in OPENERS or _caseless(text[0])):
        return False
    if NOT_HEADING_RE.match(text) or BYLINE_RE.match(text) or text.endswith(RUNS_ON) or _quoted(text):
        return False
    return not text.rstrip(CLOSERS).endswith(SENTENCE_END) and not text.endswith(SENTENCE_END)


def _caseless(char: str) -> bool:
    """A letter of a script without capitals (Korean, Arabic, Chinese...), which may start a heading."""
    return char.isalpha() and not char.isupper() and not char.islower()


def _quoted(text: str) -> bool:
    """A line that is one quotation (a pull quote), not a heading."""
    return len(text) > 2 and text[0] in OPENERS and text.rstrip("?!")[-1:] in CLOSERS


def ends_sentence(text: str) -> bool:
    return text.rstrip(CLOSERS).endswith((".", "!", "?", "…"))


def _same(a: str, b: str) -> bool:
    """The same headline, whatever its case, spacing and quote marks."""
    return _plain(a) == _plain(b)


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _plain(text: str) -> str:
    return " ".join(text.casefold().translate(_QUOTES).split())


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
        lines = list(run)
        if len(lines) > 1 and BYLINE_RE.match(lines[0][1]):  # a byline (and its agency) stand on lines of their own
            mine = 2 if AFFILIATION_RE.match(lines[1][1]) else 1
            units.extend(_Unit(n, text, True) for n, text in lines[:mine])
            lines = lines[mine:]
        if lines and blank_separated and _wrapped(lines):
            rest = lines
            if len(lines) > 1 and _heads_block(lines[0][1], lines[1:]):
                units.append(_Unit(lines[0][0], lines[0][1], True))
                rest = lines[1:]
            units.append(_Unit(rest[0][0], " ".join(text for _n, text in rest), len(rest) == 1))
        elif lines:
            units.extend(_lines(lines))
        run.clear()

    for n, text in group:
        if keyword := keyword_of(text):
            flush()
            units.append(_Unit(n, text, True, keyword))
        elif MARKER_RE.search(text) or ITEM_RE.match(text):  # a heading, a list item: wherever it stands
            flush()
            units.append(_Unit(n, text, True))
        else:
            run.append((n, text))
    flush()
    return units


def _wrapped(run: list[tuple[int, str]]) -> bool:
    """Whether a block of lines is one hard-wrapped paragraph (perhaps under a heading), not a paragraph a line:
    short lines, some of which end mid-sentence."""
    if len(run) == 1:
        return True
    if max(len(text) for _n, text in run) > WRAP_MAX:
        return False
    return any(
        not ends_sentence(line) and not _may_head(line, following) for (_n, line), (_m, following) in pairwise(run)
    )


def _lines(run: list[tuple[int, str]]) -> list[_Unit]:
    """A paragraph a line; a line ending with a dash (a dateline alone) joins the next."""
    units: list[_Unit] = []
    pending: tuple[int, str] | None = None  # a dateline waiting for the text it opens
    for n, text in run:
        if pending is not None:
            units.append(_Unit(pending[0], f"{pending[1]} {text}", False))
            pending = None
        elif text.endswith(RUNS_ON) and DATELINE_RE.match(text):
            pending = (n, text)
        else:
            units.append(_Unit(n, text, True))
    if pending is not None:
        units.append(_Unit(pending[0], pending[1], True))
    return units


def _heads_block(head: str, rest: list[tuple[int, str]]) -> bool:
    """In hard-wrapped text, is the first line of a block a heading glued to its text, or just a wrapped line?"""
    width = max((len(text) for _n, text in rest[:-1]), default=0)
    if width and len(head) > 0.75 * width:
        return False  # as long as the wrapped lines under it: one of them
    return _may_head(head, rest[0][1])


def _may_head(line: str, following: str) -> bool:
    """Whether `line` may be a heading over the line after it, rather than text running on into it."""
    if not looks_like_heading(line) or INNER_SENTENCE_END_RE.search(line) or DATELINE_RE.match(line):
        return False
    words = line.split()
    last = words[-1].casefold().strip(CLOSERS + ",:")
    starts_anew = following[0].isupper() or following[0].isdigit() or following[0] in OPENERS or _caseless(following[0])
    if not starts_anew or last in JOINING_WORDS:
        return False
    # a name broken over two lines (`..., Kyrylo` / `Budanov said`): a clause, then a capital at each side
    return not ("," in line and words[-1][:1].isupper() and following[0].isupper())


def _is_heading(unit: _Unit, following: _Unit | None) -> bool:
    """A heading candidate counts when text follows it (a paragraph or a keyword subheading)."""
    if following is None or not looks_like_heading(unit.text):
        return False
    if unit.text.endswith(":") and following.text[:1] in OPENERS:
        return False  # it introduces a quotation (`Zelenskiy told reporters:`)
    if following.keyword or not (following.single and looks_like_heading(following.text)):
        return True
    words, next_words = len(unit.text.split()), len(following.text.split())
    return next_words >= max(8, 2 * words)  # a line of text without its full stop, under a short heading
