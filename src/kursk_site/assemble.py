"""RawArticles + SiteConfig -> Site: sections, newest-first order, topic and source indexes."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from types import MappingProxyType

from kursk_site.model import (
    Article,
    Entity,
    EntityIndex,
    KeyFigure,
    Mention,
    Part,
    RawArticle,
    Site,
    SiteConfig,
    Source,
    SourceIndex,
    TimelineEvent,
    Topic,
    TopicIndex,
)
from kursk_site.sections import split_parts

RELATED_COUNT = 3


def make_article(raw: RawArticle, config: SiteConfig) -> Article:
    """Section one article (pure; the unit of caching and of parallel work)."""
    notes = frozenset(id_ for note in raw.footnotes for id_ in (note.anchor, *note.refs))
    parts = split_parts(raw.blocks, raw.title, config, notes)
    words = sum(part.words for part in parts)  # (every block is in one part, its words counted there)
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
        figures=raw.figures,
        corrections=raw.corrections,
        footnotes=raw.footnotes,
        slug_line=raw.slug_line,
        language=raw.language,
    )


def newest_first(article: Article) -> tuple[float, str]:
    return (-article.published.timestamp(), article.slug)


def assemble_site(
    config: SiteConfig,
    articles: Iterable[Article],
    timeline: tuple[TimelineEvent, ...] = (),
    entities: tuple[Entity, ...] = (),
) -> Site:
    ordered = tuple(sorted(articles, key=newest_first))
    entity_index = tuple(EntityIndex(entity, find_mentions(entity, ordered)) for entity in entities)
    topics = _topic_index(ordered)
    return Site(
        config=config,
        articles=ordered,
        topics=topics,
        sources=_source_index(ordered, timeline),
        by_slug=MappingProxyType({a.slug: a for a in ordered}),
        timeline=timeline,
        entities=entity_index,
        related=MappingProxyType(related_articles(ordered, topics, entity_index)),
        updated=max((a.modified for a in ordered), default=None),
    )


def find_mentions(entity: Entity, articles: tuple[Article, ...]) -> tuple[Mention, ...]:
    """Every part (heading or text) that names the entity through one of its aliases."""
    found: list[Mention] = []
    for article in articles:
        for part in article.parts:
            if names(entity, part):
                found.append(Mention(article.slug, part.anchor, part.section))
    return tuple(found)


def names(entity: Entity, part: Part) -> bool:
    """Whether the part (its heading or text) names the entity through one of its aliases."""
    blocks = (part.heading, *part.blocks) if part.heading else part.blocks
    return any(entity.pattern.search(block.text) for block in blocks)


def related_articles(
    articles: tuple[Article, ...], topics: tuple[TopicIndex, ...], entities: tuple[EntityIndex, ...]
) -> dict[str, tuple[str, ...]]:
    """For each article, the others sharing the most topics and entities with it (then the newest)."""
    groups = [topic.articles for topic in topics] + [index.articles for index in entities]
    return related_by_groups(tuple(a.slug for a in articles), groups)


def related_by_groups(
    slugs: tuple[str, ...], groups: Iterable[Iterable[str]], count: int = RELATED_COUNT
) -> dict[str, tuple[str, ...]]:
    """For each slug (newest first), the `count` others that share the most groups with it, then the newest.

    Each group is a set of articles held as the bits of one integer (bit n: the n-th newest), and the number of
    groups each other article shares with one article is added up bit-sliced, all articles at once: linear in
    the number of articles, where comparing every pair would be quadratic.
    """
    position = {slug: n for n, slug in enumerate(slugs)}
    bits: list[int] = []
    member_of: dict[str, list[int]] = {slug: [] for slug in slugs}
    for group in groups:
        mask = 0
        for slug in dict.fromkeys(group):
            mask |= 1 << position[slug]
            member_of[slug].append(len(bits))
        bits.append(mask)
    related: dict[str, tuple[str, ...]] = {}
    for slug in slugs:
        related[slug] = tuple(slugs[n] for n in _best(bits, member_of[slug], position[slug], count))
    return related


def _best(bits: list[int], mine: list[int], me: int, count: int) -> list[int]:
    """Positions of the `count` articles sharing the most of the groups `mine` with article `me`, then newest."""
    slices: list[int] = []  # bit j of each article's shared-group count, for every article at once
    for group in mine:
        carry = bits[group]
        for j, value in enumerate(slices):
            slices[j], carry = value ^ carry, value & carry
            if not carry:
                break
        if carry:
            slices.append(carry)
    found: list[int] = []
    for score in range(min(len(mine), (1 << len(slices)) - 1), 0, -1):
        equal = ~(1 << me)  # every score has a bit set, so `equal` ends up a non-negative mask
        for j, value in enumerate(slices):
            equal &= value if score >> j & 1 else ~value
        while equal > 0 and len(found) < count:
            lowest = equal & -equal
            found.append(lowest.bit_length() - 1)
            equal ^= lowest
        if len(found) == count:
            break
    return found


def _topic_index(articles: tuple[Article, ...]) -> tuple[TopicIndex, ...]:
    names: dict[str, Counter[str]] = defaultdict(Counter)
    members: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        for topic in article.topics:
            names[topic.slug][topic.name] += 1
            members[topic.slug].append(article.slug)
    index = [TopicIndex(Topic(_most_used(names[slug]), slug), tuple(members[slug])) for slug in names]
    return tuple(sorted(index, key=lambda t: (t.topic.name.casefold(), t.topic.slug)))


def _source_index(articles: tuple[Article, ...], timeline: tuple[TimelineEvent, ...] = ()) -> tuple[SourceIndex, ...]:
    """Every source named by an article or a timeline event, with what cites it."""
    found: dict[str, list[Source]] = defaultdict(list)
    members: dict[str, list[str]] = defaultdict(list)
    figures: dict[str, list[tuple[str, KeyFigure]]] = defaultdict(list)
    events: dict[str, list[TimelineEvent]] = defaultdict(list)
    for article in articles:
        by_name = {s.name: s.slug for s in article.sources}
        for source in article.sources:
            found[source.slug].append(source)
            if article.slug not in members[source.slug]:
                members[source.slug].append(article.slug)
        for figure in article.figures:
            if figure.source in by_name:
                figures[by_name[figure.source]].append((article.slug, figure))
    for event in timeline:
        if event.source:
            found[event.source_slug].append(Source(event.source, event.source_slug))
            events[event.source_slug].append(event)
    index = []
    for slug, sources in found.items():
        name = _most_used(Counter(s.name for s in sources))
        url = next((s.url for s in sources if s.url), "")
        index.append(
            SourceIndex(Source(name, slug, url), tuple(members[slug]), tuple(figures[slug]), tuple(events[slug]))
        )
    return tuple(sorted(index, key=lambda s: (s.source.name.casefold(), s.source.slug)))


def _most_used(counts: Counter[str]) -> str:
    return min(counts, key=lambda name: (-counts[name], name))
