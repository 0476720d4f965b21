"""Where every page goes, and links between them: relative for pages, absolute for feeds (pure)."""

from __future__ import annotations

import functools
import posixpath
import re
from pathlib import PurePosixPath

HOME = PurePosixPath("index.html")
TOPICS = PurePosixPath("topics/index.html")
SOURCES = PurePosixPath("sources.html")
NOT_FOUND = PurePosixPath("404.html")
FEED = PurePosixPath("feed.xml")
JSON_FEED = PurePosixPath("feed.json")
TIMELINE = PurePosixPath("timeline.html")
ENTITIES = PurePosixPath("entities/index.html")
SITEMAP = PurePosixPath("sitemap.xml")
ROBOTS = PurePosixPath("robots.txt")
STYLESHEET = PurePosixPath("assets/style.css")
SEARCH = PurePosixPath("search.html")
SEARCH_INDEX = PurePosixPath("search-index.js")
SEARCH_SCRIPT = PurePosixPath("assets/search.js")


def home_path(page: int = 1) -> PurePosixPath:
    return HOME if page == 1 else PurePosixPath(f"page/{page}.html")


def article_path(slug: str) -> PurePosixPath:
    return PurePosixPath(article_file(slug))


def article_file(slug: str) -> str:
    """article_path as text (links to articles are made by the ten thousand)."""
    return f"articles/{slug}.html"


def section_path(key: str, page: int = 1) -> PurePosixPath:
    return PurePosixPath(f"sections/{key}.html" if page == 1 else f"sections/{key}/{page}.html")


def topic_path(slug: str, page: int = 1) -> PurePosixPath:
    return PurePosixPath(topic_file(slug, page))


def topic_file(slug: str, page: int = 1) -> str:
    """topic_path as text (every article page links to its topics)."""
    # topics/index.html is the list of topics; slugs never end in '-', so 'index-' is free for a topic named Index
    name = "index-" if slug == "index" else slug
    return f"topics/{name}.html" if page == 1 else f"topics/{name}/{page}.html"


def entity_path(slug: str) -> PurePosixPath:
    name = "entity-index" if slug == "index" else slug  # entities/index.html is the list of entities
    return PurePosixPath(f"entities/{name}.html")


def relative_url(from_path: PurePosixPath | str, to_path: PurePosixPath | str) -> str:
    """The link from page `from_path` to `to_path` (both relative to the site root), as a relative URL.

    `to_path` may carry a `#fragment`. A link to a folder's index.html keeps the file name, so it works from disk.
    """
    return _relative_url(posixpath.dirname(str(from_path)), str(to_path))


@functools.lru_cache(maxsize=1 << 16)  # the pages of one folder link to the same targets; keyed by text, fast to hash
def _relative_url(folder: str, to_path: str) -> str:
    target, _, fragment = to_path.partition("#")
    rel = _relative(folder, target) if target else ""
    return f"{rel}#{fragment}" if fragment else rel


_ODD_SEGMENT = re.compile(r"(?:^|/)\.{0,2}(?:/|$)")
"""An empty, `.` or `..` segment of a path (`a//b`, `./a`, `a/..`, `a/`, ``)."""


def _relative(folder: str, target: str) -> str:
    """posixpath.relpath(target, folder or "."), without its cost per link where both are clean relative paths."""
    if _ODD_SEGMENT.search(target) or (folder and _ODD_SEGMENT.search(folder)):
        return posixpath.relpath(target, folder or ".")
    start = folder.split("/") if folder else []
    parts = target.split("/")
    common = 0
    while common < len(start) and common < len(parts) and start[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + parts[common:]) or "."


def absolute_url(base_url: str, path: PurePosixPath | str) -> str:
    """`base_url` (ending in '/') joined with a site path; '' when the site has no base URL."""
    if not base_url:
        return ""
    text = str(path)
    if text == "index.html":
        text = ""
    return base_url + text
