"""assemble: newest first, topic and source indexes with stable order and the most used spelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from kursk_site.assemble import assemble_site, make_article
from kursk_site.config import load_config
from kursk_site.content import ArticleFile, make_parser, parse_article
from kursk_site.model import Article, SiteConfig, SourceKind
from tests.conftest import SITE_YAML


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SiteConfig:
    path = tmp_path_factory.mktemp("config") / "site.yaml"
    path.write_text(SITE_YAML, encoding="utf-8")
    return load_config(path, "content/site.yaml")


def article(config: SiteConfig, name: str, date: str, tags: str = "[]", sources: str = "[]") -> Article:
    text = f"---\ntitle: {name}\ndate: {date}\ntags: {tags}\nsources: {sources}\n---\n\nLede.\n\n## Money\n\nText.\n"
    file = ArticleFile(Path(f"{name}.md"), f"content/articles/{name}.md", SourceKind.MARKDOWN)
    return make_article(parse_article(text.encode(), file, config, make_parser(False)), config)


def test_articles_are_newest_first_and_a_tie_goes_by_slug(config: SiteConfig) -> None:
    site = assemble_site(
        config,
        [article(config, "b", "2024-01-01"), article(config, "c", "2024-03-01"), article(config, "a", "2024-01-01")],
    )
    assert [a.slug for a in site.articles] == ["c", "a", "b"]
    assert site.article("a").title == "a"


def test_a_topic_takes_its_most_used_spelling_and_lists_its_articles_newest_first(config: SiteConfig) -> None:
    site = assemble_site(
        config,
        [
            article(config, "old", "2024-01-01", "[north korea]"),
            article(config, "mid", "2024-02-01", "[North Korea, Kursk]"),
            article(config, "new", "2024-03-01", "[North Korea]"),
        ],
    )
    assert [(t.topic.name, t.topic.slug, t.articles) for t in site.topics] == [
        ("Kursk", "kursk", ("mid",)),
        ("North Korea", "north-korea", ("new", "mid", "old")),
    ]


def test_sources_are_merged_by_name_and_keep_a_url_any_article_gave(config: SiteConfig) -> None:
    site = assemble_site(
        config,
        [
            article(config, "a", "2024-01-01", sources="[Reuters]"),
            article(config, "b", "2024-02-01", sources="[{name: Reuters, url: 'https://www.reuters.com/'}]"),
        ],
    )
    assert [(s.source.name, s.source.url, s.articles) for s in site.sources] == [
        ("Reuters", "https://www.reuters.com/", ("b", "a"))
    ]


def test_the_article_parts_cover_the_lede_and_the_body(config: SiteConfig) -> None:
    made = article(config, "a", "2024-01-01")
    assert [(p.section, p.anchor) for p in made.parts] == [("economics", "lede"), ("economics", "money")]
    assert made.lede is not None
    assert made.words == 3
