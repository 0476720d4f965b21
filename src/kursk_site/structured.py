"""Settings + page -> schema.org JSON-LD (AnalysisNewsArticle, WebSite, BreadcrumbList), safe inside <script> (pure)."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any

from kursk_site import urls
from kursk_site.content.wire import AFFILIATION_RE
from kursk_site.model import Article, Entity, EntityKind, SiteConfig
from kursk_site.pages import Page

CONTEXT = "https://schema.org"
ENTITY_TYPES = MappingProxyType(
    {
        EntityKind.PERSON: "Person",
        EntityKind.STATE: "Country",
        EntityKind.PLACE: "Place",
        EntityKind.ORGANISATION: "Organization",
        EntityKind.UNIT: "Organization",
        EntityKind.TERM: "DefinedTerm",
    }
)
"""The schema.org type of each kind of entity."""
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
"""What script_json escapes, and how (one `str.replace` each: `str.translate` with a table of longer replacements
looks each character up, five times slower on a page's JSON-LD)."""


def script_json(data: Any) -> str:
    """JSON that cannot end or confuse its <script> element: <, >, & and line separators become \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # (the C encoder: no indent)
    for char, escaped in _SCRIPT_SAFE:
        if char in text:
            text = text.replace(char, escaped)
    return text


def structured_data(config: SiteConfig, page: Page) -> tuple[dict[str, Any], ...]:
    """JSON-LD for `page`: WebSite on the home page, the article on article pages, breadcrumbs elsewhere."""
    if page.path == urls.NOT_FOUND:
        return ()
    if page.template == "home.html":
        return (_website(config),) if page.path == urls.HOME else ()
    out: list[dict[str, Any]] = []
    if page.article is not None:
        out.append(_article(config, page.article, page.entities))
    out.append(_breadcrumbs(config, page))
    return tuple(out)


def _url(config: SiteConfig, path: PurePosixPath | str) -> str:
    return urls.absolute_url(config.base_url, path)


def _with_url(data: dict[str, Any], url: str) -> dict[str, Any]:
    return {**data, "url": url} if url else data


AUTHORS_RE = re.compile(r",\s*(?:and\s+)?|\s+(?:and|&)\s+")
PERSON_RE = re.compile(r"[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){1,3}")


def _people(author: str) -> list[str]:
    """The people a byline names (`Tom Balmforth and Olena Harmash`; `Anna Smith, Moscow Bureau Chief` names one):
    each part a name of two to four words, or a post or an outlet, left out; the byline whole when any part is
    neither (`Smith, Jones & Co`)."""
    parts = [part for part in AUTHORS_RE.split(author) if not AFFILIATION_RE.match(part)]
    return parts if parts and all(PERSON_RE.fullmatch(part) for part in parts) else [author]


def _website(config: SiteConfig) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": CONTEXT, "@type": "WebSite", "name": config.title}
    if config.description:
        data["description"] = config.description
    data["inLanguage"] = config.language
    return _with_url(data, config.base_url)


def _article(config: SiteConfig, article: Article, entities: tuple[Entity, ...]) -> dict[str, Any]:
    own = article.author in (config.author, config.title)
    people = [] if own else _people(article.author)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "AnalysisNewsArticle",
        "headline": article.title,
        "datePublished": _stamp(article),
        "dateModified": article.modified.isoformat().replace("+00:00", "Z"),
        "author": (
            {"@type": "Organization", "name": article.author}
            if own
            else [{"@type": "Person", "name": name} for name in people]
            if len(people) > 1
            else {"@type": "Person", "name": people[0]}
        ),
        "publisher": _with_url({"@type": "Organization", "name": config.title}, config.base_url),
        "inLanguage": article.language or config.language,
        "wordCount": article.words,
    }
    url = _url(config, urls.article_path(article.slug))
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = url
    if article.summary:
        data["description"] = article.summary
    sections = [rule.title for rule in config.sections if article.parts_in(rule.key)]
    if sections:
        data["articleSection"] = sections
    if article.topics:
        data["keywords"] = [topic.name for topic in article.topics]
    about = [
        _with_url(
            {
                "@type": ENTITY_TYPES[entity.kind],
                "name": entity.name,
                "description": entity.description,
            },
            _url(config, urls.entity_path(entity.slug)),
        )
        for entity in entities
    ]
    if about:
        data["about"] = about
    if article.sources:
        data["citation"] = [_with_url({"@type": "CreativeWork", "name": s.name}, s.url) for s in article.sources]
    if article.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "datePublished": c.date.date().isoformat(), "text": c.text}
            for c in article.corrections
        ]
    return data


def _stamp(article: Article) -> str:
    return article.published.isoformat().replace("+00:00", "Z")


def _breadcrumbs(config: SiteConfig, page: Page) -> dict[str, Any]:
    trail: list[tuple[str, PurePosixPath]] = [(config.title, urls.HOME)]
    if page.topic is not None:
        trail.append(("Topics", urls.TOPICS))
    if page.entity is not None:
        trail.append(("People, places and terms", urls.ENTITIES))
    trail.append((page.heading, page.path))
    items = []
    for position, (name, path) in enumerate(trail, 1):
        item: dict[str, Any] = {"@type": "ListItem", "position": position, "name": name}
        url = _url(config, path)
        if url:
            item["item"] = url
        items.append(item)
    return {"@context": CONTEXT, "@type": "BreadcrumbList", "itemListElement": items}
