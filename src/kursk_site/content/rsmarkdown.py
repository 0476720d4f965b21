"""The fast Markdown reader: markdown-it.rs (the Rust port of markdown-it, through markdown-it-pyrs) splits a body
into its top-level blocks, the same blocks as markdown-it-py makes of every body of the repository and of a
generated archive. (On some unusual constructs the two CommonMark parsers differ, e.g. a table line or an empty
list item right after a paragraph in a quote: the Rust parser's reading is used for such a body.)

With the blocks cut from its page here, a body is read in about a third of markdown-it-py's time (the parse alone
takes a tenth): reading Markdown was the largest part of a cold build's work on a large archive.

content/markdown uses it where it can, and markdown-it-py for every other body: one with footnotes, an explicit
section marker or a keyword line (markdown-it-py's plugins and token stream handle those), and one that the Rust
parser could panic on, take too long over or nest too deep for (it has no nesting limit and no guard of its own).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

RULES = (
    "blockquote",
    "code",
    "fence",
    "heading",
    "hr",
    "lheading",
    "list",
    "paragraph",
    "reference",
    "table",
    "autolink",
    "backticks",
    "emphasis",
    "entity",
    "escape",
    "image",
    "link",
    "newline",
    "strikethrough",
    "sourcepos",
)
"""CommonMark without raw HTML, plus tables and strikethrough: what content/markdown enables in markdown-it-py.
(`sourcepos` marks each element with its lines, by which the page is cut into blocks.)"""

INLINE = frozenset(
    {"text", "text_special", "softbreak", "hardbreak", "code_inline", "em", "strong", "strikethrough", "link"}
    | {"autolink", "image"}
)
CODE = frozenset({"fence", "code_block"})

# Guards: the Rust parser recurses once per level of nesting, with no limit (a body nested some ten thousand
# levels deep crashes the process), and some constructs take it quadratic time. A body past any of these is read by
# markdown-it-py, which stops nesting at 20 levels.
DEEP_LINE = re.compile(r"(?:[ \t>]|[*+-][ \t]|\d{1,9}[.)][ \t]){24}")
"""A line that opens or continues more than a few dozen quotes and list items."""
NESTING = tuple(" \t>*+-0123456789")
"""How a line that DEEP_LINE matches starts (most lines of prose start otherwise: only these are matched)."""
MAX_DELIMITERS = 600
"""`*`, `_` and `~` in one body: emphasis nests at most half as deep."""
MAX_IMAGES = 100
"""`![` in one body (an image's description may hold images)."""
MAX_REFERENCES = 200
"""`]:` in one body (link reference definitions take quadratic time when many follow one another)."""
BACKTICK = "`"
"""Code spans and fenced code: the Rust parser (markdown-it 0.6) panics on some bodies with backticks (about 3% of
random bodies that have them, none of those without), printing its backtrace; news copy seldom has any."""
BRACKETED_HOST = "://["
"""An address whose host is in brackets (an IPv6 address): the Rust parser percent-encodes the brackets, which
breaks the link; markdown-it-py keeps them."""

SOURCEPOS = re.compile(r' data-sourcepos="[^"]*"')
HREF = re.compile(r'href="([^"]*)"')
SRC = re.compile(r'src="([^"]*)"')
RECODED_HOST = re.compile(r"^[a-z][a-z0-9+.-]*:(?://)?[^/?#]*%", re.IGNORECASE)
"""A link whose host was percent-encoded: markdown-it-py writes a non-ASCII host in punycode instead."""
HEADING = re.compile(r"<h([1-6])>(.*)</h\1>\n", re.DOTALL)
LINK_TAG = re.compile(r"</?a\b[^>]*>")
TAG = re.compile(r"<[^>]*>")
"""A tag of the page (`<` and `>` in text and attribute values are escaped)."""
POSITION = re.compile(
    r'\n(?:<pre>)?<(p|h[1-6]|ul|ol|blockquote|table|code|hr) data-sourcepos="(\d+):(\d+)-(\d+):(\d+)"'
)
"""An element that can make a block (see TAGS) and starts a line of the page (in the page after a line break: see
read_blocks), with its source position: first line and column, last line and column. (Each top-level block starts
a line; a code block as `<pre><code ...>`. The rules of RULES make no other element at the top level, and the
elements they make inside blocks, a list's items or a table's rows, are skipped by this expression unlooked-at.)"""
TAGS = MappingProxyType(
    {
        "p": "paragraph",
        "h1": "heading",
        "h2": "heading",
        "h3": "heading",
        "h4": "heading",
        "h5": "heading",
        "h6": "heading",
        "ul": "bullet_list",
        "ol": "ordered_list",
        "blockquote": "blockquote",
        "table": "table",
        "code": "fence",
        "hr": "hr",
    }
)
"""The block each element that starts one makes (`code`: of a code block, `<pre><code ...>`)."""
BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|blockquote|table|thead|tbody|tr|th|td|h[1-6]|hr)\b[^>]*>")
"""Tags that end a run of inline content."""
CODE_BLOCK = re.compile(r"<pre><code[^>]*>(.*)</code></pre>\n", re.DOTALL)


class TopBlock(NamedTuple):
    """One top-level block as markdown-it-py would make it (a named tuple: made about twenty times an article, in a
    third of a frozen dataclass's time)."""

    name: str
    """The node's name: paragraph, heading, bullet_list, fence..."""
    line: int
    """First line, counted from 1 in the body."""
    html: str
    """The block's HTML; a heading's inner HTML only, without links (the pages wrap a heading in a link)."""
    text: str
    """Plain text as content/markdown's plain_text makes it."""
    level: int = 0


def make_reader() -> Any | None:
    """A markdown-it.rs parser, or None where markdown-it-pyrs is not installed."""
    try:
        import markdown_it_pyrs
    except ImportError:
        return None
    rules: list[Any] = list(RULES)  # (its stubs name each rule)
    return markdown_it_pyrs.MarkdownIt("zero").enable_many(rules)


def within_guards(body: str) -> bool:
    """Whether the Rust parser may read `body` (see DEEP_LINE and the limits below it, and BACKTICK)."""
    return (
        BACKTICK not in body
        and BRACKETED_HOST not in body
        and body.count("*") + body.count("_") + body.count("~") <= MAX_DELIMITERS
        and body.count("![") <= MAX_IMAGES
        and body.count("]:") <= MAX_REFERENCES
        and not any(_deep(line) for line in body.splitlines() if line.startswith(NESTING))
    )


def _deep(line: str) -> bool:
    return len(line) >= 24 and DEEP_LINE.match(line) is not None


def read_blocks(reader: Any, body: str, safe_link: Callable[[str], bool]) -> list[TopBlock] | None:
    """The top-level blocks of `body`, or None when markdown-it-py must read it: past the guards, with a link
    `safe_link` refuses (markdown-it-py leaves its Markdown as text) or one whose host it writes otherwise, or
    whose page does not start with a block.

    The blocks are found in the page rendered with source positions: an element that starts after the end of the
    block before it starts a block (the others lie inside one). Their plain text is taken from the page, or, for
    blocks with images or code inside (whose text the page does not give plainly), from the parser's tree.
    """
    if not within_guards(body):
        return None
    page = _run(reader.render, body)
    if page is None:
        return None
    found: list[tuple[str, int, int]] = []  # (node name, first line, where in the page)
    end_line = end_column = 0
    for match in POSITION.finditer("\n" + page):  # (an expression that starts with a character is found fastest)
        tag, first, column, last, last_column = match.groups()
        line = int(first)
        if line < end_line or (line == end_line and int(column) <= end_column):
            continue  # inside the block before
        found.append((TAGS[tag], line, match.start()))  # (the line break before it in the page read)
        end_line, end_column = int(last), int(last_column)
    if (found[0][2] if found else len(page)) != 0:
        return None
    ascii_only = body.isascii()
    for address in HREF.findall(page) + (SRC.findall(page) if 'src="' in page else []):
        url = html.unescape(address)
        if not safe_link(url) or (not ascii_only and RECODED_HOST.match(url)):
            return None
    blocks: list[TopBlock] = []
    nodes: list[Any] | None = None
    for index, (name, line, start) in enumerate(found):
        piece = SOURCEPOS.sub("", page[start : found[index + 1][2] if index + 1 < len(found) else len(page)])
        level = 0
        if name == "heading":
            heading = HEADING.fullmatch(piece)
            if heading is None:
                return None
            piece, level = LINK_TAG.sub("", heading.group(2)), int(heading.group(1))
        text = _page_text(name, piece)
        if text is None:
            nodes = nodes if nodes is not None else _top_nodes(reader, body, [f[1] for f in found])
            if nodes is None:
                return None
            text = _inline_text(nodes[index].children) if name == "heading" else _plain_text(nodes[index])
        blocks.append(TopBlock(name, line, piece, text, level))
    return blocks


def _page_text(name: str, piece: str) -> str | None:
    """The plain text of a block from its HTML, or None where the page does not give it plainly (images: their
    description is an attribute; code inside a list or quote: its line breaks are kept)."""
    if "<img" in piece:
        return None
    if name == "fence":
        code = CODE_BLOCK.fullmatch(piece)
        return html.unescape(code.group(1)).strip() if code else None
    if name in ("paragraph", "heading"):
        return _html_text(piece)
    if "<pre" in piece:
        return None
    return " ".join(text for text in map(_html_text, BLOCK_TAG.split(piece)) if text)


def _top_nodes(reader: Any, body: str, lines: Sequence[int]) -> list[Any] | None:
    """The top-level nodes of the parser's tree that make blocks, checked against the blocks' first lines."""
    tree = _run(reader.tree, body)
    if tree is None:
        return None
    nodes = [node for node in tree.children if node.name != "definition"]
    positions = [str(node.attrs.get("data-sourcepos", "")).partition(":")[0] for node in nodes]
    return nodes if positions == [str(line) for line in lines] else None


def _run(parse: Callable[[str], Any], body: str) -> Any | None:
    """`parse(body)`, or None where the Rust parser panics (pyo3 raises that as a BaseException): markdown-it-py
    reads such a body."""
    try:
        return parse(body)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:
        return None


def _html_text(inline: str) -> str:
    """The text of a run of inline HTML without images: each line break (a new line of the page) a space."""
    return html.unescape(TAG.sub("", inline)).replace("\n", " ").strip()


def _plain_text(node: Any) -> str:
    """The words of a block: the text of each run of inline content, and the code of code blocks, spaced."""
    if node.name in CODE:
        return str(node.meta.get("content", "")).strip()
    parts: list[str] = []
    run: list[Any] = []
    for child in node.children:
        if child.name in INLINE:
            run.append(child)
            continue
        if run:
            parts.append(_inline_text(run))
            run = []
        parts.append(_plain_text(child))
    if run:
        parts.append(_inline_text(run))
    return " ".join(part for part in parts if part)


def _inline_text(nodes: Sequence[Any]) -> str:
    out: list[str] = []
    _collect(nodes, out)
    return "".join(out).strip()


def _collect(nodes: Iterable[Any], out: list[str]) -> None:
    for node in nodes:
        name = node.name
        if name == "text" or name == "text_special":
            out.append(node.meta["content"])
        elif name == "softbreak" or name == "hardbreak":
            out.append(" ")
        elif name == "image":
            out.append(_inline_text(node.children))
        else:
            _collect(node.children, out)
