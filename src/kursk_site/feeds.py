"""Site -> feed.xml: an Atom 1.0 feed of the newest articles with their full text (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kursk_site import urls
from kursk_site.model import Article, OutputFile, Site

if TYPE_CHECKING:  # (imported where a feed is made: a rebuild after an edit seldom makes one)
    import xml.etree.ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
FEED_ITEMS = 50
"""The feed carries the newest articles only, so it does not grow with the archive."""
GENERATOR = "kursk-site"
NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry; HTML can (Markdown turns `&#12;` into a form feed). Named one by one: the
class of every character but those XML allows compiles in ten times as long, at every start."""


def render_feed(site: Site, bodies: Mapping[str, str]) -> OutputFile:
    """The Atom feed; links are absolute when the site has a base_url, else relative to the feed."""
    import xml.etree.ElementTree as ET

    config = site.config
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": config.language})
    _text(feed, "title", config.title)
    if config.description:
        _text(feed, "subtitle", config.description)
    _text(feed, "id", _id(config.base_url, "index.html", config.title))
    _text(feed, "updated", _stamp(site.updated))
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": _href(config.base_url, "index.html")})
    ET.SubElement(
        feed, "link", {"rel": "self", "type": "application/atom+xml", "href": _href(config.base_url, urls.FEED)}
    )
    author = ET.SubElement(feed, "author")
    _text(author, "name", config.author)
    _text(feed, "generator", GENERATOR)
    for article in site.articles[:FEED_ITEMS]:
        _entry(feed, article, site, bodies[article.slug])
    ET.indent(feed)
    data = (
        b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False) + b"\n"
    )
    return OutputFile(urls.FEED, data, "feed")


def _entry(feed: ET.Element, article: Article, site: Site, body: str) -> None:
    import xml.etree.ElementTree as ET

    base = site.config.base_url
    path = urls.article_path(article.slug)
    entry = ET.SubElement(feed, "entry", {"xml:lang": article.language} if article.language else {})
    _text(entry, "title", article.title)
    _text(entry, "id", _id(base, str(path), article.slug))
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": _href(base, path)})
    _text(entry, "published", _stamp(article.published))
    _text(entry, "updated", _stamp(article.modified))
    author = ET.SubElement(entry, "author")
    _text(author, "name", article.author)
    for topic in article.topics:
        ET.SubElement(entry, "category", {"term": topic.slug, "label": topic.name})
    if article.summary:
        _text(entry, "summary", article.summary)
    content = _text(entry, "content", body)
    content.set("type", "html")


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    import xml.etree.ElementTree as ET

    element = ET.SubElement(parent, tag)
    element.text = NOT_XML_RE.sub("", text)
    return element


def _href(base_url: str, path: object) -> str:
    return urls.absolute_url(base_url, str(path)) or str(path)


def _id(base_url: str, path: str, name: str) -> str:
    """A permanent id: the page's address, or a name-based UUID when the site has no address yet."""
    import uuid  # here: a build that writes no feed does without it (and the system lookups it makes)

    return urls.absolute_url(base_url, path) or uuid.uuid5(uuid.NAMESPACE_URL, f"kursk-site:{path}:{name}").urn


def _stamp(moment: datetime | None) -> str:
    moment = moment or datetime(1970, 1, 1, tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
