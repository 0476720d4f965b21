"""RawArticles + SiteConfig -> Site: sections, newest-first order, topic and source indexes."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from types import MappingProxyType

from kursk_site.model import Article, RawArticle, Site, SiteConfig, Source, SourceIndex, Topic, TopicIndex
from kursk_site.sections import split_parts


def make_article(raw: RawArticle, config: SiteConfig) -> Article:
    """Section one article (pure; the unit of caching and of parallel work)."""
    parts = split_parts(raw.blocks, raw.title, config)
    words = sum(len(block.text.split()) for block in raw.blocks)
    return Article(
        origin=raw.origin,
        slug=raw.slug,
        title=raw.title,
        published=raw.published,
        updated=raw.updated,
        summary=raw.summary,
        author=raw.author,
        topics=raw.topics,
        sources=raw.sources,
        draft=raw.draft,
        parts=parts,
        words=words,
    )


def newest_first(article: Article) -> tuple[float, str]:
    return (-article.published.timestamp(), article.slug)


def assemble_site(config: SiteConfig, articles: Iterable[Article]) -> Site:
    ordered = tuple(sorted(articles, key=newest_first))
    return Site(
        config=config,
        articles=ordered,
        topics=_topic_index(ordered),
        sources=_source_index(ordered),
        by_slug=MappingProxyType({a.slug: a for a in ordered}),
    )


def _topic_index(articles: tuple[Article, ...]) -> tuple[TopicIndex, ...]:
    names: dict[str, Counter[str]] = defaultdict(Counter)
    members: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        for topic in article.topics:
            names[topic.slug][topic.name] += 1
            members[topic.slug].append(article.slug)
    index = [TopicIndex(Topic(_most_used(names[slug]), slug), tuple(members[slug])) for slug in names]
    return tuple(sorted(index, key=lambda t: (t.topic.name.casefold(), t.topic.slug)))


def _source_index(articles: tuple[Article, ...]) -> tuple[SourceIndex, ...]:
    found: dict[str, list[Source]] = defaultdict(list)
    members: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        for source in article.sources:
            found[source.slug].append(source)
            if article.slug not in members[source.slug]:
                members[source.slug].append(article.slug)
    index = []
    for slug, sources in found.items():
        name = _most_used(Counter(s.name for s in sources))
        url = next((s.url for s in sources if s.url), "")
        index.append(SourceIndex(Source(name, slug, url), tuple(members[slug])))
    return tuple(sorted(index, key=lambda s: (s.source.name.casefold(), s.source.slug)))


def _most_used(counts: Counter[str]) -> str:
    return min(counts, key=lambda name: (-counts[name], name))
