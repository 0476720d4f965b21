"""urls: page paths, relative links between pages (fragments, nested paths) and absolute URLs."""

from __future__ import annotations

import posixpath
import random
from pathlib import PurePosixPath as P

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kursk_site import urls
from tests.support import run_python


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("index.html", "articles/a.html", "articles/a.html"),
        ("articles/a.html", "index.html", "../index.html"),
        ("articles/a.html", "articles/b.html", "b.html"),
        ("articles/a.html", "sections/economics.html", "../sections/economics.html"),
        ("sections/economics/2.html", "index.html", "../../index.html"),
        ("sections/economics/2.html", "sections/economics.html", "../economics.html"),
        ("topics/index.html", "topics/kursk.html", "kursk.html"),
        ("index.html", "topics/index.html", "topics/index.html"),
        ("articles/a.html", "assets/style.css", "../assets/style.css"),
    ],
)
def test_relative_url_is_the_path_from_the_page_folder(source: str, target: str, expected: str) -> None:
    assert urls.relative_url(P(source), P(target)) == expected


def test_relative_url_keeps_the_fragment() -> None:
    assert urls.relative_url(P("sections/outlook.html"), "articles/a.html#future") == "../articles/a.html#future"


def test_a_link_to_an_anchor_on_the_same_page_keeps_the_file_name() -> None:
    assert urls.relative_url(P("articles/a.html"), "articles/a.html#lede") == "a.html#lede"


def test_a_bare_fragment_stays_a_bare_fragment() -> None:
    assert urls.relative_url(P("articles/a.html"), "#lede") == "#lede"


def test_a_link_to_a_folder_index_names_the_file_so_it_works_from_disk() -> None:
    assert urls.relative_url(P("articles/a.html"), urls.TOPICS) == "../topics/index.html"


def test_absolute_url_joins_the_base_url_and_drops_the_home_file_name() -> None:
    assert urls.absolute_url("https://example.org/sub/", urls.HOME) == "https://example.org/sub/"
    assert urls.absolute_url("https://example.org/sub/", "articles/a.html") == "https://example.org/sub/articles/a.html"
    assert urls.absolute_url("https://example.org/sub/", urls.TOPICS) == "https://example.org/sub/topics/index.html"


def test_absolute_url_is_empty_without_a_base_url() -> None:
    assert urls.absolute_url("", "articles/a.html") == ""


def test_page_paths_follow_the_documented_layout() -> None:
    assert urls.article_path("kursk") == P("articles/kursk.html")
    assert urls.section_path("economics") == P("sections/economics.html")
    assert urls.section_path("economics", 2) == P("sections/economics/2.html")
    assert urls.topic_path("kursk") == P("topics/kursk.html")
    assert urls.home_path(3) == P("page/3.html")


def test_a_topic_named_index_does_not_replace_the_topic_list() -> None:
    assert urls.topic_path("index") != urls.TOPICS


def test_relative_links_agree_with_posixpath_relpath() -> None:
    rng = random.Random(7)
    segments = ("a", "b", "..", ".", "", "index.html", "x.html")
    for _ in range(20_000):
        from_path = "/".join(rng.choice(segments) for _ in range(rng.randint(1, 4)))
        target = "/".join(rng.choice(segments) for _ in range(rng.randint(1, 4)))
        if from_path.startswith("/") or target.startswith("/") or not target:
            continue
        expected = posixpath.relpath(target, posixpath.dirname(from_path) or ".")
        assert urls.relative_url(from_path, target) == expected, (from_path, target)


SEGMENT = st.sampled_from(["a", "b", "articles", "..", ".", "", "x.html", "index.html", ".well-known", "c"])
PATH = st.lists(SEGMENT, min_size=1, max_size=4).map("/".join)


@given(PATH, PATH.filter(bool))
def test_relative_url_is_what_posixpath_relpath_gives_for_any_path(source: str, target: str) -> None:
    try:
        expected = posixpath.relpath(target, posixpath.dirname(source) or ".")
    except ValueError:  # no relative path between them
        return
    assert urls.relative_url(source, target) == expected


@pytest.mark.parametrize(
    ("address", "page", "expected"),
    [
        ("other.html", "articles/this.html", "other.html"),
        ("other.html#part", "sections/outlook.html", "../articles/other.html#part"),
        ("other.html", "sections/outlook/3.html", "../../articles/other.html"),
        ("other.html?q=1#part", "index.html", "articles/other.html?q=1#part"),
        ("this.html#part", "articles/this.html", "#part"),
        ("this.html#part", "topics/x.html", "../articles/this.html#part"),
        ("../img/map.svg", "articles/this.html", "../img/map.svg"),
        ("../img/map.svg", "index.html", "img/map.svg"),
        ("../img/map.svg", "sections/outlook/2.html", "../../img/map.svg"),
        ("../img/map.svg", "feed.xml", "img/map.svg"),
        ("sub/", "sections/outlook.html", "../articles/sub/"),
        ("..", "sections/outlook.html", "../"),
        ("a/../b.html", "index.html", "articles/b.html"),
        ("#fn-this-1", "sections/outlook.html", "#fn-this-1"),
        ("https://example.org/x", "index.html", "https://example.org/x"),
        ("mailto:desk@example.org", "index.html", "mailto:desk@example.org"),
        ("/top.html", "index.html", "/top.html"),
        ("", "index.html", ""),
    ],
)
def test_a_link_of_an_articles_text_leads_from_any_page(address: str, page: str, expected: str) -> None:
    assert urls.body_link(address, page) == expected


def test_links_of_an_articles_text_are_absolute_from_a_base_url() -> None:
    base = "https://example.org/desk/"
    assert urls.body_link("other.html#part", "feed.xml", base) == f"{base}articles/other.html#part"
    assert urls.body_link("../img/map.svg", "feed.xml", base) == f"{base}img/map.svg"
    assert urls.body_link("#fn-this-1", "feed.xml", base) == "#fn-this-1"
    html = '<a href="other.html">x</a> <img src="../img/a.png" alt="a" title="src=&quot;x&quot;">'
    assert urls.rebase_body_links(html, "feed.xml", base) == (
        f'<a href="{base}articles/other.html">x</a> <img src="{base}img/a.png" alt="a" title="src=&quot;x&quot;">'
    )
    assert urls.rebase_body_links(html, "sections/a.html") == (
        '<a href="../articles/other.html">x</a> <img src="../img/a.png" alt="a" title="src=&quot;x&quot;">'
    )


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<a href='b.html'>x</a>", "<a href='../articles/b.html'>x</a>"),
        ("<img src=../img/a.png alt=a>", "<img src=../img/a.png alt=a>"),
        ('<img src="a b.png">', '<img src="../articles/a b.png">'),
        ('<a HREF="b.html">x</a>', '<a HREF="../articles/b.html">x</a>'),
        ('<a\nhref = "b.html">x</a>', '<a\nhref = "../articles/b.html">x</a>'),
        ('<img srcset="a.png 1x, ../img/b.png 2x">', '<img srcset="../articles/a.png 1x, ../img/b.png 2x">'),
        ("<video poster=p.png></video>", "<video poster=../articles/p.png></video>"),
        ('<a title="href=b.html" href="https://x.org/">x</a>', '<a title="href=b.html" href="https://x.org/">x</a>'),
        ("<p>text href=b.html &lt;a href=b.html&gt;</p>", "<p>text href=b.html &lt;a href=b.html&gt;</p>"),
    ],
)
def test_raw_html_links_are_rebased_however_they_are_written(html: str, expected: str) -> None:
    """(A site that allows raw HTML: an author may write attributes in any case, quoted either way or not at all.)"""
    assert urls.rebase_body_links(html, "sections/a.html", raw=True) == expected


def test_raw_html_made_to_stall_a_scan_is_read_in_one_pass() -> None:
    """Text with a `<` at every few characters that never closes a tag (`<a <a <a`, `<!--<!--`) made a regular
    expression for tags try again from each `<` to the end: minutes for a page of such text. The scans of raw HTML
    (its addresses, its words) take one pass; a child process gives up after a minute."""
    code = (
        "from kursk_site import urls\n"
        "from kursk_site.content.markdown import make_parser, parse_markdown\n"
        "for text in ('<a ' * 30000, '<a href=x ' * 30000, '<!--' * 50000, '<style ' * 30000, '<' * 200000):\n"
        "    urls.rebase_body_links(text, 'sections/a.html', raw=True)\n"
        "    parse_markdown(make_parser(True), text + '\\n', 1)\n"
        "print('done')\n"
    )
    assert run_python(code, timeout=60) == "done"
