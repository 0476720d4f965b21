"""urls: page paths, relative links between pages (fragments, nested paths) and absolute URLs."""

from __future__ import annotations

import posixpath
import random
from pathlib import PurePosixPath as P

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kursk_site import urls


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
