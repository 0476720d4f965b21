"""Site -> the list of pages to render: which template, which path, what each one shows (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TypeVar

from kursk_site import urls
from kursk_site.analysis import latest_figures, site_figures
from kursk_site.model import (
    Article,
    Entity,
    EntityIndex,
    KeyFigure,
    Part,
    SectionRule,
    Site,
    Source,
    TimelineEvent,
    TopicIndex,
)
from kursk_site.values import Value

T = TypeVar("T")
TONES = 4
SECTION_FIGURES = 12
"""The first page of a section shows this many key figures of the section, newest articles first."""


@dataclass(frozen=True, slots=True, repr=False)
class Pager(Value):
    """Where a listing page stands among its pages."""

    number: int
    count: int
    previous: PurePosixPath | None
    next: PurePosixPath | None


@dataclass(frozen=True, slots=True, repr=False)
class SectionEntry(Value):
    """One article's parts on a section page."""

    article: Article
    parts: tuple[Part, ...]

    @property
    def words(self) -> int:
        """Words in the parts shown."""
        return sum(part.words for part in self.parts)


@dataclass(frozen=True, slots=True, repr=False)
class SectionLink(Value):
    rule: SectionRule
    path: PurePosixPath
    tone: int
    """Colour of the section (1-4, by position), so the sections are easy to tell apart."""


@dataclass(frozen=True, slots=True, repr=False)
class Page(Value):
    """One HTML page: its template and everything it shows.

    The built-in theme reads nothing of the site but this value, the settings and the section links, so a page is
    rendered again only when what it shows changes (see render.reads_whole_site).
    """

    path: PurePosixPath
    template: str
    title: str
    """The <title>, unique on the site."""
    heading: str
    """The page's one h1."""
    description: str
    current: str
    """Navigation key of the page: 'home', a section key, 'topics', 'sources' or ''."""
    article: Article | None = None
    section: SectionLink | None = None
    previous_section: SectionLink | None = None
    next_section: SectionLink | None = None
    entries: tuple[SectionEntry, ...] = ()
    articles: tuple[Article, ...] = ()
    topic: TopicIndex | None = None
    pager: Pager | None = None
    lead: Article | None = None
    """The newest article, shown at the top of the first home page."""
    entity: EntityIndex | None = None
    events: tuple[TimelineEvent, ...] = ()
    """Timeline events the page shows."""
    figures: tuple[tuple[Article, KeyFigure], ...] = ()
    """Key figures of other articles the page shows (home, sections), newest articles first."""
    related: tuple[Article, ...] = ()
    """The articles most like this page's article."""
    entities: tuple[Entity, ...] = ()
    """The entities this page's article names, in the order of entities.yaml."""
    sources: tuple[Source, ...] = ()
    """The sources.html entries of the sources named by the figures and events the page shows."""
    section_counts: tuple[int, ...] = ()
    """How many articles have a part in each section, in the order of the sections (the first home page)."""


def section_links(site: Site) -> tuple[SectionLink, ...]:
    return tuple(
        SectionLink(rule, urls.section_path(rule.key), index % TONES + 1)
        for index, rule in enumerate(site.config.sections)
    )


def _section_members(site: Site, sections: Sequence[SectionLink]) -> dict[str, list[SectionEntry]]:
    """For each section key, the articles with a part in it (newest first), each with those parts."""
    members: dict[str, list[SectionEntry]] = {link.rule.key: [] for link in sections}
    for article in site.articles:
        shown: dict[str, list[Part]] = {}
        for part in article.parts:
            shown.setdefault(part.section, []).append(part)
        for key, parts in shown.items():
            members.setdefault(key, []).append(SectionEntry(article, tuple(parts)))
    return members


class _SourceNames:
    """The sources.html entry for a source name, as the figures and events of a page give them."""

    def __init__(self, site: Site) -> None:
        self._by_name: dict[str, Source] = {}
        for entry in reversed(site.sources):  # the first entry wins, as in the list
            self._by_name[entry.source.name.casefold()] = entry.source

    def named(self, figures: Sequence[KeyFigure], events: Sequence[TimelineEvent] = ()) -> tuple[Source, ...]:
        if not figures and not events:
            return ()
        names = dict.fromkeys(n.casefold() for n in (*(f.source for f in figures), *(e.source for e in events)) if n)
        return tuple(self._by_name[name] for name in names if name in self._by_name)


def plan_pages(site: Site) -> tuple[Page, ...]:
    """Every HTML page of the site, in a stable order."""
    sections = section_links(site)
    sources = _SourceNames(site)
    members = _section_members(site, sections)
    pages: list[Page] = []
    pages.extend(_home_pages(site, sources, tuple(len(members[link.rule.key]) for link in sections)))
    fixed = (site.config.title, "Topics", "Sources", "Page not found", *(r.title for r in site.config.sections))
    names = article_titles(site.articles, fixed)
    named: dict[str, list[Entity]] = {article.slug: [] for article in site.articles}
    for entity_index in site.entities:
        for slug in dict.fromkeys(mention.article for mention in entity_index.mentions):
            named[slug].append(entity_index.entity)
    pages.extend(
        _article_page(site, article, names[article.slug], tuple(named[article.slug]), sources)
        for article in site.articles
    )
    for index, link in enumerate(sections):
        previous = sections[index - 1] if index > 0 else None
        following = sections[index + 1] if index + 1 < len(sections) else None
        pages.extend(_section_pages(site, link, previous, following, members[link.rule.key], sources))
    pages.append(
        Page(
            urls.TOPICS,
            "topics.html",
            f"Topics | {site.config.title}",
            "Topics",
            f"Every topic covered by {site.config.title}.",
            "topics",
        )
    )
    for topic in site.topics:
        pages.extend(_topic_pages(site, topic))
    pages.append(
        Page(
            urls.SOURCES,
            "sources.html",
            f"Sources | {site.config.title}",
            "Sources",
            f"Every source cited by {site.config.title}, and the articles that cite it.",
            "sources",
        )
    )
    if site.config.search:
        pages.append(
            Page(
                urls.SEARCH,
                "search.html",
                f"Search | {site.config.title}",
                "Search",
                f"Search the articles of {site.config.title}.",
                "search",
            )
        )
    pages.append(
        Page(
            urls.TIMELINE,
            "timeline.html",
            f"Timeline | {site.config.title}",
            "Timeline",
            f"The events behind {site.config.title}'s analysis, in date order.",
            "timeline",
            events=site.timeline,
            sources=sources.named((), site.timeline),
        )
    )
    pages.append(
        Page(
            urls.ENTITIES,
            "entities.html",
            f"People, places and terms | {site.config.title}",
            "People, places and terms",
            f"Who and what {site.config.title}'s analysis names, and where.",
            "entities",
        )
    )
    pages.extend(_entity_page(site, index) for index in site.entities)
    pages.append(
        Page(
            urls.NOT_FOUND,
            "404.html",
            f"Page not found | {site.config.title}",
            "Page not found",
            "The page you asked for does not exist.",
            "",
        )
    )
    return tuple(pages)


def _chunks(items: Sequence[T], size: int) -> list[tuple[T, ...]]:
    chunks = [tuple(items[i : i + size]) for i in range(0, len(items), size)]
    return chunks or [()]


def _pager(number: int, paths: Sequence[PurePosixPath]) -> Pager | None:
    """Where page `number` (from 1) stands among the pages at `paths`."""
    count = len(paths)
    if count <= 1:
        return None
    return Pager(
        number,
        count,
        paths[number - 2] if number > 1 else None,
        paths[number] if number < count else None,
    )


def _suffix(pager: Pager | None) -> str:
    return f" (page {pager.number} of {pager.count})" if pager else ""


def _home_pages(site: Site, sources: _SourceNames, counts: tuple[int, ...]) -> list[Page]:
    """The home pages; `counts`: how many articles have a part in each section, in the order of the sections."""
    config = site.config
    chunks = _chunks(site.articles, config.per_page)
    pages = []
    figures = latest_figures(site)
    paths = [urls.home_path(number) for number in range(1, len(chunks) + 1)]
    for number, chunk in enumerate(chunks, 1):
        pager = _pager(number, paths)
        title = config.title if number == 1 else f"{config.title}{_suffix(pager)}"
        first = number == 1
        pages.append(
            Page(
                paths[number - 1],
                "home.html",
                title,
                config.title,
                config.description or config.title,
                "home",
                articles=chunk,
                pager=pager,
                lead=site.articles[0] if first and site.articles else None,
                figures=figures if first else (),
                sources=sources.named([figure for _, figure in figures]) if first else (),
                section_counts=counts if first else (),
            )
        )
    return pages


def article_titles(articles: Sequence[Article], fixed: Sequence[str] = ()) -> dict[str, str]:
    """The <title> name of each article by slug: its title, with the date (then the slug) when it repeats
    another article's title or one of the `fixed` page names (site title, section titles, "Topics", ...)."""

    def repeated(label: Callable[[Article], str]) -> set[str]:
        counts = Counter([label(a).casefold() for a in articles] + [name.casefold() for name in fixed])
        return {a.slug for a in articles if counts[label(a).casefold()] > 1}

    def dated(a: Article) -> str:
        return f"{a.title} ({a.published.day} {a.published:%B %Y})" if a.slug in same_title else a.title

    same_title = repeated(lambda a: a.title)
    same_date = repeated(dated)
    return {a.slug: f"{dated(a)} ({a.slug})" if a.slug in same_date else dated(a) for a in articles}


def _article_page(site: Site, article: Article, name: str, entities: tuple[Entity, ...], sources: _SourceNames) -> Page:
    return Page(
        urls.article_path(article.slug),
        "article.html",
        f"{name} | {site.config.title}",
        article.title,
        article.summary or article.title,
        "",
        article=article,
        related=tuple(site.article(slug) for slug in site.related.get(article.slug, ())),
        entities=entities,
        sources=sources.named(article.figures),
    )


def _section_pages(
    site: Site,
    link: SectionLink,
    previous: SectionLink | None,
    following: SectionLink | None,
    members: list[SectionEntry],
    sources: _SourceNames,
) -> list[Page]:
    """The pages of one section; `members` hold the parts of each article with a part in it, newest first."""
    key = link.rule.key
    chunks = _chunks(members, site.config.section_per_page)
    figures = site_figures(site, key)[:SECTION_FIGURES]
    events = tuple(e for e in site.timeline if e.section == key)
    pages = []
    paths = [urls.section_path(key, number) for number in range(1, len(chunks) + 1)]
    for number, chunk in enumerate(chunks, 1):
        first = number == 1
        pager = _pager(number, paths)
        entries = tuple(chunk)
        pages.append(
            Page(
                paths[number - 1],
                "section.html",
                f"{link.rule.title}{_suffix(pager)} | {site.config.title}",
                link.rule.title,
                link.rule.summary or link.rule.title,
                key,
                section=link,
                previous_section=previous,
                next_section=following,
                entries=entries,
                pager=pager,
                events=events if first else (),
                figures=figures if first else (),
                sources=sources.named([figure for _, figure in figures], events) if first else (),
            )
        )
    return pages


def _topic_pages(site: Site, topic: TopicIndex) -> list[Page]:
    members = [site.article(slug) for slug in topic.articles]
    chunks = _chunks(members, site.config.per_page)
    pages = []
    paths = [urls.topic_path(topic.topic.slug, number) for number in range(1, len(chunks) + 1)]
    for number, chunk in enumerate(chunks, 1):
        pager = _pager(number, paths)
        name = topic.topic.name
        pages.append(
            Page(
                paths[number - 1],
                "topic.html",
                f"{name}{_suffix(pager)} | Topics | {site.config.title}",
                name,
                f"Articles on {name} from {site.config.title}.",
                "topics",
                articles=chunk,
                topic=topic,
                pager=pager,
            )
        )
    return pages


def _entity_page(site: Site, index: EntityIndex) -> Page:
    entity = index.entity
    return Page(
        urls.entity_path(entity.slug),
        "entity.html",
        f"{entity.name} | People, places and terms | {site.config.title}",
        entity.name,
        entity.description,
        "entities",
        entity=index,
    )
