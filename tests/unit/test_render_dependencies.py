"""What a page depends on: which templates read the whole site, and the digest of the template sources."""

from __future__ import annotations

import itertools
import posixpath
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kursk_site.build import THEME
from kursk_site.render import make_env, reads_whole_site, template_digest
from kursk_site.urls import relative_url


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # the pages made per article and the listing pages read only their Page value (which carries the related
        # articles, the entities named, the key figures shown); the indexes of the whole site read it all
        ("article.html", False),
        ("home.html", False),
        ("section.html", False),
        ("topic.html", False),
        ("404.html", False),
        ("topics.html", True),
        ("sources.html", True),
        ("entities.html", True),
        ("entity.html", True),
        ("timeline.html", False),
    ],
)
def test_which_pages_of_the_theme_read_the_whole_site(name: str, expected: bool) -> None:
    assert reads_whole_site(make_env((), THEME), name) is expected


def test_a_template_that_reaches_the_site_through_a_macro_it_imports_reads_the_whole_site(tmp_path: Path) -> None:
    (tmp_path / "_mine.html").write_text("{% macro count() %}{{ site.articles | length }}{% endmacro %}")
    (tmp_path / "article.html").write_text('{% import "_mine.html" as mine with context %}{{ mine.count() }}')
    assert reads_whole_site(make_env((tmp_path,), THEME), "article.html") is True


def test_a_template_that_names_the_site_without_an_attribute_reads_the_whole_site(tmp_path: Path) -> None:
    (tmp_path / "article.html").write_text("{% set s = site %}{{ s.config.title }}")
    assert reads_whole_site(make_env((tmp_path,), THEME), "article.html") is True


def test_a_broken_template_counts_as_reading_everything(tmp_path: Path) -> None:
    (tmp_path / "article.html").write_text("{% if %}")
    assert reads_whole_site(make_env((tmp_path,), THEME), "article.html") is True


def test_the_template_digest_changes_when_any_template_changes(tmp_path: Path) -> None:
    (tmp_path / "extra.html").write_text("one")
    before = template_digest(make_env((tmp_path,), THEME))
    assert template_digest(make_env((tmp_path,), THEME)) == before
    (tmp_path / "extra.html").write_text("two")
    assert template_digest(make_env((tmp_path,), THEME)) != before


def test_relative_links_are_those_posixpath_relpath_gives() -> None:
    paths = [
        "index.html",
        "articles/a.html",
        "topics/index.html",
        "topics/kursk/2.html",
        "sections/x.html",
        "a/b/c.html",
    ]
    for source, target in itertools.product(paths, repeat=2):
        assert relative_url(source, target) == posixpath.relpath(target, posixpath.dirname(source) or ".")


def test_the_date_filters_show_equal_instants_in_their_own_time_zones() -> None:
    """The filters remember each date shown; 10:00 UTC equals 11:00 at +01:00 but is shown otherwise."""
    env = make_env((), THEME)
    utc = datetime(2024, 11, 5, 23, 30, tzinfo=UTC)
    east = utc.astimezone(timezone(timedelta(hours=1)))
    assert utc == east
    shown = env.from_string("{{ a | isodate }} {{ b | isodate }} {{ a | date }} {{ b | date }} {{ a | isodate }}")
    text = shown.render(a=utc, b=east)
    assert text == "2024-11-05T23:30:00Z 2024-11-06T00:30:00+01:00 5 November 2024 6 November 2024 2024-11-05T23:30:00Z"
