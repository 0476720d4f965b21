"""content/rsmarkdown: markdown-it.rs reads the bodies it takes as markdown-it-py does, or leaves them to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kursk_site.content import rsmarkdown
from kursk_site.content.markdown import Body, Parser, _fast_body, is_safe_link, make_parser, parse_markdown
from tests.support import run_python

REPO = Path(__file__).resolve().parents[2]
PARSER = make_parser(allow_raw_html=False)
REFERENCE = Parser(allow_raw_html=False, fast=None)  # markdown-it-py alone


def fast(body: str) -> Body | None:
    """The body as the fast path reads it (None: left to markdown-it-py)."""
    assert PARSER.fast is not None
    return _fast_body(PARSER.fast, body, 7)


def reference(body: str) -> Body:
    return parse_markdown(REFERENCE, body, 7)


def test_the_rust_parser_is_installed_and_used() -> None:
    assert PARSER.fast is not None
    body = "## Heading\n\nA *paragraph* with [a link](https://example.org/).\n"
    assert fast(body) == reference(body)
    assert parse_markdown(PARSER, body, 7) == reference(body)


def test_raw_html_allowed_is_left_to_markdown_it_py() -> None:
    assert make_parser(allow_raw_html=True).fast is None


def _bodies() -> list[Path]:
    shipped = sorted((REPO / "content" / "articles").glob("*.md"))
    return shipped + sorted((REPO / "tests").rglob("*.md")) + sorted((REPO / "tests").rglob("*.txt"))


@pytest.mark.parametrize("path", _bodies(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_body_of_the_repository_reads_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    if text.startswith("---\n") and text.count("---\n") >= 2:
        text = text.split("---\n", 2)[2]
    body = fast(text)
    if body is not None:
        assert body == reference(text)


INLINE = st.sampled_from(
    [
        "word",
        "Kursk",
        "Курск",
        "北朝鮮",
        "12,000",
        "*soft*",
        "**strong**",
        "_under_",
        "~~gone~~",
        "[link](https://example.org/a_b?x=1&y=2)",
        "[ref link][r]",
        "![a *photo*](img.png 'title')",
        "<https://example.org/x>",
        "<mailto:desk@example.org>",
        "&amp;",
        "&copy;",
        "&#1050;",
        "\\*",
        "a&b",
        '"quoted"',
        "<b>tag</b>",
        "[bad](javascript:alert(1))",
        "[data](data:image/png;base64,AAAA)",
        "[idn](https://пример.рф/путь)",
        "tail  ",
        "{braces}",
    ]
)
LINE = st.lists(INLINE, min_size=1, max_size=6).map(" ".join)
PARAGRAPH = st.lists(LINE, min_size=1, max_size=3).map("\n".join)
BLOCK = st.one_of(
    PARAGRAPH,
    LINE.map(lambda s: "## " + s),
    LINE.map(lambda s: s + "\n---"),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join("- " + i for i in items)),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join("1. " + i for i in items)),
    st.lists(PARAGRAPH, min_size=1, max_size=3).map(lambda items: "\n\n".join("- " + i for i in items)),
    st.lists(LINE, min_size=1, max_size=2).map(lambda items: "\n".join("> " + i for i in items)),
    st.lists(LINE, min_size=1, max_size=2).map(lambda items: "- a\n  - " + "\n  - ".join(items)),
    LINE.map(lambda s: "~~~text\n" + s + "\n~~~"),
    LINE.map(lambda s: "    " + s),
    st.lists(LINE, min_size=1, max_size=3).map(lambda cells: "| a | b |\n|:--|--:|\n| " + " | ".join(cells) + " |"),
    st.just("***"),
    st.just("[r]: https://example.org/ref"),
    st.just("Setext\n======"),
)
DOCUMENT = st.lists(BLOCK, min_size=1, max_size=8).map(lambda blocks: "\n\n".join(blocks) + "\n")


@settings(max_examples=300, deadline=None)
@given(DOCUMENT, st.sampled_from(["\n", "\r\n"]))
def test_any_document_the_fast_path_takes_reads_as_markdown_it_py_reads_it(document: str, newline: str) -> None:
    text = document.replace("\n", newline)
    body = fast(text)
    if body is not None:
        assert body == reference(text)
    assert parse_markdown(PARSER, text, 7) == reference(text)


def test_a_link_neither_parser_makes_stays_text_in_both() -> None:
    text = "See [this](javascript:alert(1)) now.\n"
    body = fast(text)
    assert body is not None
    assert body == reference(text)
    assert body.blocks[0].html == "<p>See [this](javascript:alert(1)) now.</p>\n"


@pytest.mark.parametrize(
    "text",
    [
        "An ![image](data:image/png;base64,AAAA) inline.\n",
        "Visit [the site](https://пример.рф/) today.\n",
        "Claim.[^a]\n\n[^a]: The note.\n",
        "## Money {section: economics}\n",
        "LSI Keyword: Military Technology\n",
    ],
)
def test_what_markdown_it_py_reads_otherwise_is_left_to_it(text: str) -> None:
    assert fast(text) is None
    assert parse_markdown(PARSER, text, 7) == reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "> " * 40 + "deep\n",
        "- " * 40 + "deep\n",
        "1. " * 40 + "deep\n",
        "**a " * 400 + "b**" * 400 + "\n",
        "![" * 150 + "x" + "](y)" * 150 + "\n",
        "".join(f"[r{i}]: https://example.org/{i}\n" for i in range(300)),
        "1<#(d\n> <http://a>[http://x.y.http://x.y<http://a>`&amp;>){[__[l](http://a.b)\n",
        "The [router](http://[fe80::1]/admin) and <http://[::1]:8080/>.\n",
    ],
    ids=["quotes", "bullets", "numbers", "emphasis", "images", "references", "backticks", "ipv6-host"],
)
def test_bodies_past_the_guards_are_left_to_markdown_it_py(text: str) -> None:
    assert not rsmarkdown.within_guards(text)
    assert rsmarkdown.read_blocks(PARSER.fast, text, is_safe_link) is None
    assert parse_markdown(PARSER, text, 1) == parse_markdown(REFERENCE, text, 1)


def test_a_body_nested_fifty_thousand_deep_is_read_without_crashing() -> None:
    """The Rust parser has no nesting limit of its own: such a body crashes the process that gives it to it."""
    code = (
        "from kursk_site.content.markdown import make_parser, parse_markdown\n"
        "body = parse_markdown(make_parser(False), '>' * 50000 + ' x\\n', 1)\n"
        "print(body.blocks[0].kind.value)\n"
    )
    assert run_python(code) == "quote"


PIECES = [*"ab cd\n*_[]()!<>#-+|:~\\&;1.)\t\"'{}=/", "\n> ", "\n- ", "\n1. ", "<http://a>", "[l](http://a.b)", "\u00a0"]
BODY = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)


@settings(max_examples=500, deadline=None)
@given(BODY)
def test_bodies_within_the_guards_never_make_the_rust_parser_panic(text: str) -> None:
    """A panic prints the parser's backtrace (and leaves the body to markdown-it-py): the guards keep bodies that
    could cause one away from it."""
    if rsmarkdown.within_guards(text):
        PARSER.fast.render(text)  # a panic raises here
    parse_markdown(PARSER, text, 1)
