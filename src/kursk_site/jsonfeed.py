"""Site -> feed.json: a JSON Feed 1.1 of the newest articles beside the Atom feed (pure)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from kursk_site import urls
from kursk_site.feeds import FEED_ITEMS
from kursk_site.model import Article, OutputFile, Site

VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(site: Site, bodies: Mapping[str, str]) -> OutputFile:
    """The JSON Feed of the articles in `bodies` (the newest, as for the Atom feed), newest first.

    URLs are absolute when the site has a base_url, else relative to the feed.
    """
    config = site.config
    feed: dict[str, Any] = {"version": VERSION, "title": config.title}
    if config.base_url:
        feed["home_page_url"] = config.base_url
        feed["feed_url"] = urls.absolute_url(config.base_url, urls.JSON_FEED)
    if config.description:
        feed["description"] = config.description
    feed["language"] = config.language
    feed["authors"] = [{"name": config.author}]
    shown = site.articles[:FEED_ITEMS]  # the articles `bodies` has, newest first
    feed["items"] = [_item(article, site, bodies[article.slug]) for article in shown if article.slug in bodies]
    data = json.dumps(feed, ensure_ascii=False, indent=2) + "\n"
    return OutputFile(urls.JSON_FEED, data.encode("utf-8"), "feed.json")


def _item(article: Article, site: Site, body: str) -> dict[str, Any]:
    path = urls.article_path(article.slug)
    url = urls.absolute_url(site.config.base_url, path) or str(path)
    item: dict[str, Any] = {"id": url, "url": url, "title": article.title, "content_html": body}
    if article.summary:
        item["summary"] = article.summary
    item["date_published"] = _stamp(article.published)
    item["date_modified"] = _stamp(article.modified)
    item["authors"] = [{"name": article.author}]
    if article.topics:
        item["tags"] = [topic.name for topic in article.topics]
    item["language"] = article.language or site.config.language
    return item


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
