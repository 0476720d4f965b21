"""content/article (through content.parse_article): front matter checks, defaults, every problem at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kursk_site.config import load_config
from kursk_site.content import ArticleFile, check_unique_slugs, make_parser, parse_article
from kursk_site.content.article import parse_date
from kursk_site.errors import BuildFailed
from kursk_site.model import RawArticle, SiteConfig, SourceKind
from tests.conftest import SITE_YAML
from tests.support import FixtureCase, fixture_params

FILE = ArticleFile(Path("content/articles/some-article.md"), "content/articles/some-article.md", SourceKind.MARKDOWN)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SiteConfig:
    path = tmp_path_factory.mktemp("config") / "site.yaml"
    path.write_text(SITE_YAML, encoding="utf-8")
    return load_config(path, "content/site.yaml")


def parse(data: bytes, config: SiteConfig, file: ArticleFile = FILE) -> RawArticle:
    return parse_article(data, file, config, make_parser(config.allow_raw_html))


def describe(article: RawArticle) -> str:
    sources = ", ".join(" ".join(x for x in (f"{s.name} ({s.slug})", s.url, s.date) if x) for s in article.sources)
    return "".join(
        f"{key}: {value}\n"
        for key, value in (
            ("slug", article.slug),
            ("title", article.title),
            ("published", article.published.isoformat()),
            ("updated", article.updated.isoformat() if article.updated else None),
            ("summary", article.summary),
            ("author", article.author),
            ("topics", ", ".join(f"{t.name} ({t.slug})" for t in article.topics)),
            ("sources", sources),
            ("draft", article.draft),
        )
    )


@pytest.mark.parametrize("case", fixture_params("articles.md"))
def test_articles(case: FixtureCase, config: SiteConfig) -> None:
    try:
        result = describe(parse(case.input.encode("utf-8"), config))
    except BuildFailed as e:
        result = "".join(f"{error}\n" for error in e.errors)
    assert result == case.expected


def test_a_file_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte(config: SiteConfig) -> None:
    with pytest.raises(BuildFailed) as caught:
        parse(b"---\ntitle: T\ndate: 2024-11-05\n---\n\nCaf\xe9 au lait.\n", config)
    assert [str(e) for e in caught.value.errors] == [
        "content/articles/some-article.md:6: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_windows_line_ends_keep_the_lines_right(config: SiteConfig) -> None:
    data = b"---\r\ntitle: T\r\ndate: 2024-11-05\r\n---\r\n\r\nLede.\r\n\r\n## X {section: nope}\r\n"
    with pytest.raises(BuildFailed) as caught:
        parse(data, config)
    assert [e.line for e in caught.value.errors] == [8]


def test_a_wire_line_that_is_only_a_section_marker_is_reported_at_its_line(config: SiteConfig) -> None:
    wire = ArticleFile(Path("w.txt"), "content/articles/w.txt", SourceKind.WIRE)
    data = b"---\ndate: 2024-11-05\n---\nSappers arrive\n\nLede.\n\n{section: outlook}\n\nText.\n"
    with pytest.raises(BuildFailed) as caught:
        parse(data, config, wire)
    assert [str(e) for e in caught.value.errors] == [
        "content/articles/w.txt:8: heading has no text besides its section marker; write the heading before"
        " '{section: ...}'"
    ]


def test_an_explicit_slug_shared_with_a_file_name_is_reported_at_its_line(config: SiteConfig) -> None:
    a = parse(b"---\ntitle: T\ndate: 2024-11-05\nsummary: S\nslug: b\n---\n\nText.\n", config)
    b = parse(
        b"---\ntitle: T\ndate: 2024-11-05\n---\n\nText.\n",
        config,
        ArticleFile(Path("b.md"), "content/articles/b.md", SourceKind.MARKDOWN),
    )
    assert [str(e) for e in check_unique_slugs([a, b])] == [
        "content/articles/some-article.md:5: slug 'b' is also used by content/articles/b.md",
        "content/articles/b.md:1: slug 'b' is also used by content/articles/some-article.md",
    ]


def test_two_articles_with_one_slug_name_each_other(config: SiteConfig) -> None:
    text = b"---\ntitle: T\ndate: 2024-11-05\nslug: same\n---\n\nText.\n"
    a = parse(text, config, ArticleFile(Path("a.md"), "content/articles/a.md", SourceKind.MARKDOWN))
    b = parse(text, config, ArticleFile(Path("b.md"), "content/articles/b.md", SourceKind.MARKDOWN))
    assert [str(e) for e in check_unique_slugs([a, b])] == [
        "content/articles/a.md:4: slug 'same' is also used by content/articles/b.md",
        "content/articles/b.md:4: slug 'same' is also used by content/articles/a.md",
    ]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024-11-05", "2024-11-05T00:00:00+00:00"),
        ("2024-11-05T14:30Z", "2024-11-05T14:30:00+00:00"),
        ("2024-11-05 14:30:15+02:00", "2024-11-05T14:30:15+02:00"),
    ],
)
def test_dates_without_a_zone_are_utc(text: str, iso: str) -> None:
    moment = parse_date(text)
    assert moment is not None
    assert moment.isoformat() == iso


@pytest.mark.parametrize("text", ["2024-13-01", "2024-02-30", "05.11.2024", "2024-11-05T25:00", "tomorrow"])
def test_impossible_dates_are_refused(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["1000-01-01T00:00:00+14:00", "9998-12-31T23:00-05:00", "0999-12-31"])
def test_a_date_outside_the_years_1000_to_9998_in_utc_is_refused(config: SiteConfig, text: str) -> None:
    """The feeds and the sitemap give dates in UTC, with a four-digit year."""
    assert parse_date(text) is None
    with pytest.raises(BuildFailed) as failed:
        parse(f"---\ntitle: T\ndate: {text}\n---\n\nText.\n".encode(), config)
    [error] = failed.value.errors
    assert (error.line, error.message) == (3, f"date: expected a year from 1000 to 9998, got {text!r}")


@pytest.mark.parametrize("cites", [False, True])  # (a body that cites a note is read by markdown-it-py)
def test_links_to_a_place_in_the_article_lead_to_its_page(config: SiteConfig, cites: bool) -> None:
    """A section page or a feed shows the text away from the article's page: `#part` would lead nowhere there."""
    note = "[^1]" if cites else ""
    text = (
        "---\ntitle: T\ndate: 2024-11-05\nslug: mine\n---\n\n"
        f"Lede [down](#detail), [other](other.html#x) and [out](https://example.org/#y).{note}\n\n"
        "## Detail\n\nText.\n"
    )
    if cites:
        text += "\n[^1]: A note [back](#detail).\n"
    article = parse(text.encode(), config)
    lede = article.blocks[0].html
    assert '<a href="mine.html#detail">down</a>' in lede
    assert '<a href="other.html#x">other</a>' in lede
    assert '<a href="https://example.org/#y">out</a>' in lede
    if cites:
        assert 'href="#fn-mine-1"' in lede  # a citation leads to its note, shown wherever the citation is
        assert '<a href="mine.html#detail">back</a>' in article.footnotes[0].html


@pytest.mark.parametrize("date", ["2024-13-45", "0000", "2024-02-30", "999", "9999-01", "2024-1-5"])
def test_a_source_date_that_names_no_day_of_the_calendar_is_refused(config: SiteConfig, date: str) -> None:
    text = f'---\ntitle: T\ndate: 2024-11-05\nsources:\n  - name: A\n    date: "{date}"\n---\n\nText.\n'
    with pytest.raises(BuildFailed) as failed:
        parse(text.encode(), config)
    [error] = failed.value.errors
    assert (error.line, error.message) == (6, f"date: expected YYYY, YYYY-MM or YYYY-MM-DD, got {date!r}")


@pytest.mark.parametrize("date", ["2024", "2024-02", "2024-02-29", "1000-01-01", "9998-12-31"])
def test_a_source_date_may_be_a_year_a_month_or_a_day(config: SiteConfig, date: str) -> None:
    """(A bare year is a number to YAML: it is taken as the year.)"""
    text = f"---\ntitle: T\ndate: 2024-11-05\nsources:\n  - name: A\n    date: {date}\n---\n\nText.\n"
    assert parse(text.encode(), config).sources[0].date == date


def test_an_empty_link_or_one_with_a_query_alone_leads_to_the_article_page(config: SiteConfig) -> None:
    text = "---\ntitle: T\ndate: 2024-11-05\nslug: mine\n---\n\n[again]() and [print](?print=1).\n"
    html = parse(text.encode(), config).blocks[0].html
    assert html == '<p><a href="mine.html">again</a> and <a href="mine.html?print=1">print</a>.</p>\n'


def test_a_title_summary_or_author_written_over_several_lines_is_one_line(config: SiteConfig) -> None:
    data = b"---\ntitle: |\n  Line one\n  line two\ndate: 2024-11-05\nsummary: >\n  A\n\n  b\n"
    data += b"author: |\n  Ann\n  Lee\n---\nText.\n"
    article = parse(data, config)
    assert (article.title, article.summary, article.author) == ("Line one line two", "A b", "Ann Lee")


def test_a_keyword_line_naming_several_topics_gives_each_and_apostrophes_make_one_topic(config: SiteConfig) -> None:
    data = "---\ntitle: T\ndate: 2024-11-05\ntags: [\u201cRussia\u2019s economy\u201d]\n---\nText.\n\n"
    data += "Keywords: Kursk, North Korea; Russia's economy\n\nMore.\n"
    article = parse(data.encode(), config)
    assert [topic.slug for topic in article.topics] == ["russias-economy", "kursk", "north-korea"]


def test_a_wire_byline_is_the_author_unless_the_front_matter_names_one(config: SiteConfig) -> None:
    wire = ArticleFile(Path("w.txt"), "content/articles/w.txt", SourceKind.WIRE)
    data = b"---\ndate: 2024-11-05\n---\nSappers arrive\nBy Ann Lee\nThe first group crossed.\n"
    assert parse(data, config, wire).author == "Ann Lee"
    named = data.replace(b"date:", b"author: Desk\ndate:")
    assert parse(named, config, wire).author == "Desk"


def test_a_wire_file_with_a_headline_alone_is_reported_at_its_headline(config: SiteConfig) -> None:
    wire = ArticleFile(Path("w.txt"), "content/articles/w.txt", SourceKind.WIRE)
    with pytest.raises(BuildFailed) as caught:
        parse(b"---\ndate: 2024-11-05\n---\nSappers arrive\n", config, wire)
    assert [str(e) for e in caught.value.errors] == [
        "content/articles/w.txt:4: the article has no text below its title"
    ]
