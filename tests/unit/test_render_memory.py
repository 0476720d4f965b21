"""Rendering a page leaves nothing for the cycle collector: a large site renders tens of thousands of pages."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from kursk_site.build import THEME, load_site
from kursk_site.model import BuildOptions, Project
from kursk_site.pages import plan_pages
from kursk_site.render import make_env, render_pages, render_template
from tests.conftest import REPO


@pytest.fixture
def no_collection() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_every_page_of_the_shipped_site_is_freed_without_the_cycle_collector(no_collection: None) -> None:
    site = load_site(Project(REPO, REPO / "content", (), REPO / "build"), BuildOptions(cache=False))
    env = make_env((), THEME)
    pages = plan_pages(site)
    render_pages(site, env, REPO, pages)  # once first: templates compiled, caches filled
    gc.collect()
    files = render_pages(site, env, REPO, pages)
    assert {file.origin for file in files} >= {"article.html", "section.html", "topic.html", "home.html"}
    assert gc.collect() == 0


def test_a_macro_that_imports_with_context_and_calls_itself_is_freed_too(no_collection: None, tmp_path: Path) -> None:
    (tmp_path / "_mine.html").write_text(
        "{% macro down(n) %}{{ n }}{% if n %}{{ down(n - 1) }}{% endif %}{% endmacro %}", encoding="utf-8"
    )
    (tmp_path / "page.html").write_text(
        '{% import "_mine.html" as mine with context %}{% macro here() %}{{ mine.down(3) }}{% endmacro %}{{ here() }}',
        encoding="utf-8",
    )
    env = make_env((tmp_path,), THEME)
    assert render_template(env, "page.html", tmp_path) == "3210"
    gc.collect()
    assert render_template(env, "page.html", tmp_path) == "3210"
    assert gc.collect() == 0
