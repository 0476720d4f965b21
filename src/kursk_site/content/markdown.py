"""Markdown body -> Blocks with their source lines: markdown-it-py, or markdown-it.rs where it reads the body the
same (content/rsmarkdown)."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from html import unescape
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from kursk_site.addresses import MAYBE_ADDRESS, map_addresses
from kursk_site.content import rsmarkdown
from kursk_site.content.slugs import heading_slug
from kursk_site.model import Block, BlockKind, Footnote
from kursk_site.values import Value

if TYPE_CHECKING:  # markdown-it-py is imported when a body needs it (see Parser.md)
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# `## Heading {section: economics}`: the editor's explicit section marker.
MARKER_RE = re.compile(r"\s*\{\s*section\s*[:=]\s*([^{}]*?)\s*\}\s*$", re.IGNORECASE)
# `LSI Keyword: Military Technology`: a search-engine marker; becomes a subheading and a topic.
KEYWORD_RE = re.compile(r"^\s*(?:LSI\s+)?Keywords?\s*:\s*(\S.{0,120}?)\s*$", re.IGNORECASE)
KEYWORD_LEVEL = 3
# `[^label]` left as text: a citation whose note is missing.
UNDEFINED_NOTE_RE = re.compile(r"\[\^([^\]\s]+)\]")
EMPTY_MARKER = " "
"""Section of a heading whose marker names no key (`{section: }`): no section has it, so the loader reports it."""

KINDS = MappingProxyType(
    {
        "paragraph_open": BlockKind.PARAGRAPH,
        "heading_open": BlockKind.HEADING,
        "bullet_list_open": BlockKind.LIST,
        "ordered_list_open": BlockKind.LIST,
        "blockquote_open": BlockKind.QUOTE,
        "table_open": BlockKind.TABLE,
        "fence": BlockKind.CODE,
        "code_block": BlockKind.CODE,
        "hr": BlockKind.RULE,
        "html_block": BlockKind.HTML,
    }
)

FAST_KINDS = MappingProxyType(
    {
        "paragraph": BlockKind.PARAGRAPH,
        "heading": BlockKind.HEADING,
        "bullet_list": BlockKind.LIST,
        "ordered_list": BlockKind.LIST,
        "blockquote": BlockKind.QUOTE,
        "table": BlockKind.TABLE,
        "fence": BlockKind.CODE,
        "hr": BlockKind.RULE,
    }
)
"""The kind of block of each top-level block markdown-it.rs reads (rsmarkdown.TAGS)."""


class Parser:
    """What reads Markdown bodies: markdown-it-py, and markdown-it.rs (`fast`: None where it is not installed or raw
    HTML is allowed) for the bodies it can read (see rsmarkdown), in a fraction of the time."""

    def __init__(self, allow_raw_html: bool, fast: Any | None) -> None:
        self.allow_raw_html = allow_raw_html
        self.fast = fast

    @functools.cached_property
    def md(self) -> MarkdownIt:
        """markdown-it-py, imported and made when a body needs it (most bodies are read by `fast`: a rebuild after
        an edit need not import it)."""
        return _markdown_it(self.allow_raw_html)


@dataclass(frozen=True, slots=True, repr=False)
class Body(Value):
    blocks: tuple[Block, ...]
    keywords: tuple[str, ...]
    """Topics named by keyword marker lines, in order."""
    footnotes: tuple[Footnote, ...] = ()
    """The notes cited in the text, by number."""
    problems: tuple[tuple[int, str], ...] = ()
    """(line, message) for citations without a note and notes never cited."""


# Link and image addresses may be relative or use one of these schemes; `javascript:`, `data:` etc. are dropped.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
SCHEME_RE = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def is_safe_link(url: str) -> bool:
    """True when `url` (normalized by markdown-it) is relative or uses a scheme in SAFE_SCHEMES."""
    match = SCHEME_RE.match(url)
    return match is None or match.group(1).lower() in SAFE_SCHEMES


def make_parser(allow_raw_html: bool) -> Parser:
    """A fresh parser: CommonMark plus tables, strikethrough and footnotes; raw HTML is escaped unless allowed.

    A link or image whose scheme is not in SAFE_SCHEMES is not made: its Markdown stays as plain text.
    """
    return Parser(allow_raw_html, None if allow_raw_html else rsmarkdown.make_reader())


def _markdown_it(allow_raw_html: bool) -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    class SafeLinksMarkdownIt(MarkdownIt):
        """markdown-it with an allow-list of link schemes (its default still lets `data:image/...` through)."""

        def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
            return is_safe_link(url)

    md = SafeLinksMarkdownIt("commonmark", {"html": allow_raw_html, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False, move_to_end=False)
    md.core.ruler.before("text_join", "kursk_prose", _mark_prose)
    return md


def parse_markdown(parser: Parser, body: str, first_line: int, doc_id: str | Callable[[], str] = "") -> Body:
    """Split the body into top-level blocks; `first_line` is the body's first line in its file.

    `doc_id` (the article slug, or a call that makes it: only a body with footnotes needs it) goes into footnote
    ids, so that notes of several articles can share a page.
    """
    if parser.fast is not None:
        fast = _fast_body(parser.fast, body, first_line)
        if fast is not None:
            return fast
    md = parser.md
    env: dict[str, object] = {"docId": (doc_id() if callable(doc_id) else doc_id) or "note"}
    tokens = md.parse(body, env)
    blocks: list[Block] = []
    keywords: list[str] = []
    notes: list[tuple[str, int, Sequence[Token]]] = []
    problems: list[tuple[int, str]] = []
    cites = "[^" in body  # else no block can hold a citation (most articles have none)
    start = 0
    while start < len(tokens):
        end = _block_end(tokens, start)
        group = tokens[start:end]
        head = group[0]
        line = (head.map[0] if head.map else 0) + first_line
        if head.type == "footnote_reference_open":
            notes.append((str(head.meta.get("label", "")), line, group[1:-1]))
            start = end
            continue
        for missing in UNDEFINED_NOTE_RE.finditer(_prose_text(group) if cites else ""):
            label = missing.group(1)
            problems.append((line, f"footnote [^{label}] is cited but has no note ('[^{label}]: ...')"))
        kind = KINDS.get(head.type, BlockKind.HTML)
        if kind is BlockKind.HEADING:
            blocks.append(_heading(md, env, group, line))
        elif kind is BlockKind.PARAGRAPH and (match := _keyword_line(group)):
            keywords.append(match)
            html = md.renderer.render(md.parseInline(match, env)[0].children or [], md.options, env)
            blocks.append(Block(BlockKind.HEADING, html, match, line, KEYWORD_LEVEL, "", heading_slug(match)))
        else:
            html = _scrollable(kind, md.renderer.render(group, md.options, env))
            blocks.append(Block(kind, html, plain_text(group), line, notes=_note_refs(group, env["docId"])))
        start = end
    footnotes = _footnotes(md, env, notes, problems)
    return Body(tuple(blocks), tuple(keywords), footnotes, tuple(sorted(problems)))


def _fast_body(reader: Any, body: str, first_line: int) -> Body | None:
    """The body as markdown-it.rs reads it, or None where markdown-it-py must: see rsmarkdown.read_blocks, and a
    heading that may carry a section marker or a paragraph that may be a keyword line (read from the source), and
    a body that may cite footnotes (markdown-it-py's footnote plugin numbers and checks them)."""
    if "[^" in body:
        return None
    found = rsmarkdown.read_blocks(reader, body, is_safe_link)
    if found is None:
        return None
    blocks: list[Block] = []
    for top in found:
        kind = FAST_KINDS[top.name]
        line = top.line - 1 + first_line
        if kind is BlockKind.HEADING:
            if "{" in top.text:
                return None
            blocks.append(Block(kind, top.html, top.text, line, top.level, "", heading_slug(top.text)))
        elif kind is BlockKind.PARAGRAPH and "keyword" in top.text.casefold():
            return None
        else:
            blocks.append(Block(kind, _scrollable(kind, top.html), top.text, line))
    return Body(tuple(blocks), ())


def _scrollable(kind: BlockKind, html: str) -> str:
    """A table or a code block as one a keyboard can scroll: too wide for a phone, it scrolls inside its box,
    which is then reached with the Tab key as other browsers than Chromium and Firefox do not do by themselves."""
    if kind is BlockKind.TABLE and html.startswith("<table>"):
        return '<table tabindex="0">' + html[7:]
    if kind is BlockKind.CODE and html.startswith("<pre>"):
        return '<pre tabindex="0">' + html[5:]
    return html


def _prose_text(group: Sequence[Token]) -> str:
    """The text of a block outside code, where a `[^label]` citation could be meant (see _mark_prose)."""
    return "\n".join(str(token.meta.get(PROSE, "")) for token in group)


PROSE = "kursk_prose"
"""Where _mark_prose leaves the text of an inline token."""


def _mark_prose(state: Any) -> None:
    """Keep the text of each inline token as written outside code and escapes (`\\[^1\\]` is the text "[^1]", no
    citation), before markdown-it joins the escaped characters into the text around them (its core rule text_join).
    Every other inline token (code, an escaped character, a link's mark-up) stands as a NUL character."""
    if "[^" not in state.src:
        return  # (no block can hold a citation: most bodies)
    for token in state.tokens:
        if token.type == "inline":
            token.meta[PROSE] = "".join(c.content if c.type == "text" else "\0" for c in token.children or ())


def _note_refs(group: Sequence[Token], doc_id: object) -> tuple[str, ...]:
    """Element ids of the footnote references in a block (as the footnote plugin renders them)."""
    out: list[str] = []
    for token in group:
        for child in token.children or ():
            if child.type == "footnote_ref":
                sub = int(child.meta.get("subId", 0))
                out.append(f"fnref-{doc_id}-{int(child.meta['id']) + 1}" + (f":{sub}" if sub > 0 else ""))
    return tuple(out)


def _footnotes(
    md: MarkdownIt,
    env: dict[str, object],
    notes: list[tuple[str, int, Sequence[Token]]],
    problems: list[tuple[int, str]],
) -> tuple[Footnote, ...]:
    data = env.get("footnotes")
    refs: dict[str, int] = data.get("refs", {}) if isinstance(data, dict) else {}
    cited: dict[int, dict[str, object]] = data.get("list", {}) if isinstance(data, dict) else {}
    doc_id = env["docId"]
    out: list[Footnote] = []
    seen: set[str] = set()
    for label, line, group in notes:
        number = refs.get(":" + label, -1)
        if label in seen:
            problems.append((line, f"footnote [^{label}] has a second note; give each note its own label"))
            continue
        seen.add(label)
        if number < 0:
            problems.append((line, f"footnote [^{label}] is never cited in the text"))
            continue
        count = cited.get(number, {}).get("count", 1)
        count = count if isinstance(count, int) and count > 0 else 1
        base = f"fnref-{doc_id}-{number + 1}"
        out.append(
            Footnote(
                number=number + 1,
                label=label,
                anchor=f"fn-{doc_id}-{number + 1}",
                html=md.renderer.render(list(group), md.options, env),
                text=plain_text(group),
                line=line,
                refs=(base, *(f"{base}:{sub}" for sub in range(1, count))),
            )
        )
    return tuple(sorted(out, key=lambda note: note.number))


def _block_end(tokens: Sequence[Token], start: int) -> int:
    depth, index = 0, start
    while True:
        depth += tokens[index].nesting
        index += 1
        if depth <= 0 or index >= len(tokens):
            return index


def _heading(md: MarkdownIt, env: dict[str, object], group: Sequence[Token], line: int) -> Block:
    level = int(group[0].tag[1:])
    source = group[1].content if len(group) > 2 else ""
    section = ""
    if match := MARKER_RE.search(source):
        section = match.group(1).strip().lower() or EMPTY_MARKER
        source = source[: match.start()]
        inline = md.parseInline(source, env)[0].children or []
    else:
        inline = group[1].children or []
    # the pages wrap a heading in a link to itself (and the contents list links to it): a link inside would nest
    inline = [t for t in inline if t.type not in ("link_open", "link_close") and not _is_raw_link_tag(t)]
    html = md.renderer.render(inline, md.options, env)
    text = _inline_text(inline)
    return Block(BlockKind.HEADING, html, text, line, level, section or "", heading_slug(text))


def _keyword_line(group: Sequence[Token]) -> str:
    if len(group) != 3 or "\n" in group[1].content:
        return ""
    match = KEYWORD_RE.match(group[1].content)
    return match.group(1) if match else ""


def plain_text(tokens: Sequence[Token]) -> str:
    """The words of a token stream, spaces between blocks and line breaks."""
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.append(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content.strip())
        elif token.type == "html_block":  # (a site that allows raw HTML): its text, not its tags
            parts.append(_raw_html_text(token.content))
    return " ".join(p for p in parts if p)


_RAW_LINK_TAG = re.compile(r"</?a(?:\s|>|$)", re.IGNORECASE)


def _is_raw_link_tag(token: Token) -> bool:
    """A link's tag in raw HTML (a site that allows it; else the text `<a>` stays text)."""
    return token.type == "html_inline" and _RAW_LINK_TAG.match(token.content) is not None


_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


def _raw_html_text(html: str) -> str:
    """The words of raw HTML: without its tags, comments, scripts and styles. (A scan that looks at each character
    once or twice: a regular expression for tags and comments takes quadratic time on text like `<!--<!--<!--`.)"""
    out: list[str] = []
    lower = html.lower()
    at, end = 0, len(html)
    while at < end:
        start = html.find("<", at)
        if start < 0:
            out.append(html[at:])
            break
        out.append(html[at:start])
        if html.startswith("<!--", start):
            close = html.find("-->", start + 4)
            at = end if close < 0 else close + 3
            continue
        tag = _TAG_NAME.match(html, start)
        if tag is None:  # a `<` of text
            out.append("<")
            at = start + 1
            continue
        close = html.find(">", tag.end())
        at = end if close < 0 else close + 1
        name = tag.group(1).lower()
        if name in ("script", "style") and html[start + 1] != "/":
            stop = lower.find(f"</{name}", at)
            close = html.find(">", stop) if stop >= 0 else -1
            at = end if close < 0 else close + 1
        out.append(" ")
    return " ".join(unescape("".join(out)).split())


def _inline_text(children: Sequence[Token]) -> str:
    out: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(_inline_text(child.children or []))
    return "".join(out).strip()


def links_to_page(
    blocks: tuple[Block, ...], footnotes: tuple[Footnote, ...], slug: str, *, raw: bool = False
) -> tuple[tuple[Block, ...], tuple[Footnote, ...]]:
    """The blocks and notes with each link to the article itself, to a place in it (`#detail`), with a query alone
    (`?print`) or empty, leading to its page (`SLUG.html#detail`, from the articles folder like every link of the
    text), so that it leads there from every page that shows the text: a section page, the overview, the feeds.
    The article's own page shows it as written (see urls.rebase_body_links). A footnote reference stays as it is: a
    page that shows a citation shows its note. `raw`: the site allows raw HTML (see addresses.map_addresses)."""
    note = f"#fn-{slug}-"  # (no pattern made for each article: compiling one costs more than parsing the text)

    def change(address: str) -> str:
        if address[:1] in ("", "?") or (address[0] == "#" and not _is_note_ref(address, note)):
            return f"{slug}.html{address}"
        return address

    maybe = MAYBE_ADDRESS.search if raw else _OWN_LINK.search

    def fix(html: str) -> str:
        return html if maybe(html) is None else map_addresses(html, change, raw=raw)

    new_blocks = tuple(replace(b, html=html) if (html := fix(b.html)) != b.html else b for b in blocks)
    new_notes = tuple(replace(n, html=html) if (html := fix(n.html)) != n.html else n for n in footnotes)
    if all(map(operator.is_, new_blocks, blocks)) and all(map(operator.is_, new_notes, footnotes)):
        return blocks, footnotes  # (most articles: the caller keeps its article)
    return new_blocks, new_notes


def _is_note_ref(address: str, prefix: str) -> bool:
    """Whether `address` is `prefix` and a footnote's number (see links_to_page)."""
    number = address[len(prefix) :]
    return address.startswith(prefix) and number.isascii() and number.isdigit()


_OWN_LINK = re.compile(r' href="[#?"]')
"""A link of the parser's HTML to the article itself (see links_to_page)."""
