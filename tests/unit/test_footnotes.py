"""Footnote citations: parsed by the footnote plugin, ids unique on every page that shows them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kursk_site.cli import main
from kursk_site.content.markdown import make_parser, parse_markdown
from tests.conftest import MakeSite


def test_footnotes_carry_the_article_slug_in_their_ids() -> None:
    body = parse_markdown(make_parser(False), "Claim.[^a] Again.[^a]\n\n[^a]: The note.\n", 10, "kursk")
    (note,) = body.footnotes
    assert note.anchor == "fn-kursk-1"
    assert note.refs == ("fnref-kursk-1", "fnref-kursk-1:1")
    assert note.html == "<p>The note.</p>\n"
    assert note.line == 12
    assert body.blocks[0].notes == ("fnref-kursk-1", "fnref-kursk-1:1")
    assert 'href="#fn-kursk-1" id="fnref-kursk-1"' in body.blocks[0].html
    assert len(body.blocks) == 1


def test_a_citation_without_a_note_and_a_note_never_cited_are_reported_at_their_lines() -> None:
    body = parse_markdown(make_parser(False), "Text.[^missing]\n\n[^spare]: Unused.\n", 5, "a")
    assert body.problems == (
        (5, "footnote [^missing] is cited but has no note ('[^missing]: ...')"),
        (7, "footnote [^spare] is never cited in the text"),
    )


def test_a_citation_shown_as_code_is_not_a_missing_note() -> None:
    body = parse_markdown(make_parser(False), "Write `[^label]` to cite.\n", 1, "a")
    assert body.problems == ()


@pytest.mark.parametrize("text", ["\\[^0-9\\]", "\\[^1]", "[\\^1]", "&#91;^1]", "[^1\\]"])
def test_a_citation_mark_written_with_an_escape_is_text(text: str) -> None:
    """`\\[^1\\]` is how Markdown writes the characters [^1] (kursk-site import writes bracketed text so)."""
    body = parse_markdown(make_parser(False), f"The pattern {text} matches; see note [^2].\n\n[^2]: Note.\n", 1, "a")
    assert body.problems == ()
    assert body.blocks[0].text.startswith("The pattern [")
    assert body.blocks[0].notes == ("fnref-a-1",)  # the real citation still cites its note


def _article(slug: str, heading: str) -> str:
    return f"""\
---
title: {slug}
date: 2024-11-0{len(slug)}
---

Lede.

## {heading} {{section: casualties}}

Toll claim.[^n]

[^n]: Note of {slug}.
"""


def test_section_page_showing_two_articles_has_unique_footnote_ids(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": _article("a", "One"), "content/articles/bb.md": _article("bb", "Two")})
    assert main(["build", "--source", str(root)]) == 0
    html = (root / "build/sections/casualties.html").read_text()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for slug in ("a", "bb"):
        assert f'<li id="fn-{slug}-1" value="1">' in html
        assert f'href="#fnref-{slug}-1"' in html
        assert f'href="#fn-{slug}-1" id="fnref-{slug}-1"' in html


def test_notes_are_shown_only_where_their_citation_is(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": _article("a", "One")})
    assert main(["build", "--source", str(root)]) == 0
    assert "Note of a." in (root / "build/sections/casualties.html").read_text()
    assert "Note of a." not in (root / "build/sections/deployment.html").read_text()
    assert "Note of a." in (root / "build/articles/a.html").read_text()


def test_missing_note_fails_the_build_with_its_position(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/a.md": "---\ntitle: A\ndate: 2024-11-05\n---\n\nSee[^x].\n"})
    assert main(["build", "--source", str(root)]) == 1
    err = capsys.readouterr().err
    assert "content/articles/a.md:6: footnote [^x] is cited but has no note ('[^x]: ...')" in err
    assert not (Path(root) / "build").exists()


def test_a_label_with_two_notes_is_reported_at_the_second() -> None:
    body = parse_markdown(make_parser(False), "Text.[^a]\n\n[^a]: One.\n\n[^a]: Two.\n", 1, "a")
    assert body.problems == ((5, "footnote [^a] has a second note; give each note its own label"),)
    assert [note.text for note in body.footnotes] == ["One."]


def test_a_note_s_links_in_the_feeds_lead_to_the_article_s_page(make_site: MakeSite) -> None:
    article = "---\ntitle: T\ndate: 2024-11-05\n---\n\nClaim.[^a]\n\n[^a]: The note.\n"
    root = make_site({"content/articles/kursk.md": article})
    assert main(["build", "--source", str(root), "--base-url", "https://example.org/sub/"]) == 0
    for feed in ("feed.xml", "feed.json"):
        text = (root / "build" / feed).read_text()
        assert "https://example.org/sub/articles/kursk.html#fn-kursk-1" in text
        assert "https://example.org/sub/articles/kursk.html#fnref-kursk-1" in text
        assert not re.search(r"href=(?:\\)?[\"']#|href=&quot;#", text), feed
    assert main(["build", "--source", str(root)]) == 0  # no address: from the feed, at the site's top
    assert "articles/kursk.html#fn-kursk-1" in (root / "build/feed.xml").read_text()
