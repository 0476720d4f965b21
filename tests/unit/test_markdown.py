"""content/markdown: the body as top-level Blocks with their lines, section markers and keyword lines."""

from __future__ import annotations

import pytest

from kursk_site.content.markdown import make_parser, parse_markdown
from kursk_site.model import Block, BlockKind
from tests.support import FixtureCase, fixture_params

BODY_LINE = 10


def describe(block: Block) -> str:
    words = [str(block.line), block.kind.value]
    if block.level:
        words.append(f"h{block.level}")
    if block.section:
        words.append(f"section={block.section}")
    if block.slug:
        words.append(f"#{block.slug}")
    return f"{' '.join(words)}: {block.text}"


@pytest.mark.parametrize("case", fixture_params("markdown_blocks.md"))
def test_markdown_blocks(case: FixtureCase) -> None:
    body = parse_markdown(make_parser(allow_raw_html=False), case.input, BODY_LINE)
    lines = [describe(block) for block in body.blocks]
    if body.keywords:
        lines.append("keywords: " + ", ".join(body.keywords))
    assert "\n".join(lines) + "\n" == case.expected


def test_raw_html_is_escaped_unless_allowed() -> None:
    text = "<script>alert(1)</script>\n"
    escaped = parse_markdown(make_parser(allow_raw_html=False), text, 1).blocks[0]
    allowed = parse_markdown(make_parser(allow_raw_html=True), text, 1).blocks[0]
    assert escaped.html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    assert allowed.kind is BlockKind.HTML
    assert allowed.html == "<script>alert(1)</script>\n"


def test_heading_html_is_the_inline_content_without_the_marker() -> None:
    block = parse_markdown(make_parser(False), "## *Money* talks {section: economics}\n", 1).blocks[0]
    assert block.html == "<em>Money</em> talks"


def test_keyword_subheading_html_is_escaped() -> None:
    block = parse_markdown(make_parser(False), "LSI Keyword: <b>Bold</b>\n", 1).blocks[0]
    assert block.kind is BlockKind.HEADING
    assert "<b>" not in block.html


def test_each_parser_is_a_fresh_object() -> None:
    assert make_parser(False) is not make_parser(False)


def test_links_are_taken_out_of_headings_so_heading_links_do_not_nest() -> None:
    md = make_parser(False)
    block = parse_markdown(md, "## Read [the *report*](https://example.org/) {section: outlook}\n", 1).blocks[0]
    assert block.html == "Read the <em>report</em>"
    plain = parse_markdown(md, "## See [this](https://example.org/)\n", 1).blocks[0]
    assert plain.html == "See this"
    assert plain.text == "See this"


def test_raw_html_gives_its_words_not_its_tags_and_no_link_inside_a_heading() -> None:
    """(A site that allows raw HTML.) The text makes summaries, descriptions and the search index; a heading is
    wrapped in a link to itself by the pages, so a link inside it would nest."""
    text = (
        "Sent <strong>1,000</strong> sappers, <a href='b.html'>officials</a> said.\n\n"
        '## Troops <a href="b.html">sent</a> <em>north</em>\n\n'
        '<div class="box"><p>A box &amp; more.</p><script>var x = "<p>";</script><!-- a note --></div>\n'
    )
    paragraph, heading, box = parse_markdown(make_parser(allow_raw_html=True), text, 1).blocks
    assert paragraph.text == "Sent 1,000 sappers, officials said."
    assert (heading.text, heading.slug, heading.html) == (
        "Troops sent north",
        "troops-sent-north",
        "Troops sent <em>north</em>",
    )
    assert box.text == "A box & more."


@pytest.mark.parametrize("code", ["", "\nWith `code`, which markdown-it-py reads.\n"])
def test_a_heading_that_writes_a_tag_as_text_keeps_it_where_raw_html_is_not_allowed(code: str) -> None:
    heading = parse_markdown(make_parser(allow_raw_html=False), f"## <a> tags explained\n{code}", 1).blocks[0]
    assert (heading.text, heading.html) == ("<a> tags explained", "&lt;a&gt; tags explained")
