"""Where every page goes, and links between them: relative for pages, absolute for feeds (pure)."""

from __future__ import annotations

import functools
import posixpath
import re
from functools import partial
from pathlib import PurePosixPath
from urllib.parse import urljoin

from kursk_site.addresses import map_addresses

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


ARTICLES = "articles"
"""The folder of the article pages: the links of an article's text are written from there."""


def home_path(page: int = 1) -> PurePosixPath:
    return HOME if page == 1 else PurePosixPath(f"page/{page}.html")


def article_path(slug: str) -> PurePosixPath:
    return PurePosixPath(article_file(slug))


def article_file(slug: str) -> str:
    """article_path as text (links to articles are made by the ten thousand)."""
    return f"{ARTICLES}/{slug}.html"


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
    return link_from(posixpath.dirname(str(from_path)), str(to_path))


@functools.lru_cache(maxsize=1 << 16)  # the pages of one folder link to the same targets; keyed by text, fast to hash
def link_from(folder: str, to_path: str) -> str:
    """relative_url from a page in `folder` ("" for the site root)."""
    target, _, fragment = to_path.partition("#")
    rel = _relative(folder, target) if target else ""
    return f"{rel}#{fragment}" if fragment else rel


_ODD_SEGMENT = re.compile(r"(?:^|/)\.{0,2}(?:/|$)")
"""An empty, `.` or `..` segment of a path (`a//b`, `./a`, `a/..`, `a/`, ``)."""


def _relative(folder: str, target: str) -> str:
    """posixpath.relpath(target, folder or "."), without its cost per link where both are clean relative paths."""
    if not _plainly_clean(target) and _ODD_SEGMENT.search(target):
        return posixpath.relpath(target, folder or ".")
    if not folder:
        return target
    up = _up(folder)
    if up is None:
        return posixpath.relpath(target, folder)
    top, prefix = up
    if target.partition("/")[0] != top:  # no folder in common (most links: from a listing page to an article)
        return prefix + target
    start = folder.split("/")
    parts = target.split("/")
    common = 0
    while common < len(start) and common < len(parts) and start[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + parts[common:]) or "."


def _plainly_clean(path: str) -> bool:
    """True for a path that has no empty, `.` or `..` segment by a look at a few characters (most links: a page
    name in a folder); False may be either (see _ODD_SEGMENT)."""
    return path[:1] not in ("", ".", "/") and path[-1:] != "/" and "/." not in path and "//" not in path


@functools.lru_cache(maxsize=1024)
def _up(folder: str) -> tuple[str, str] | None:
    """For a clean folder: its first segment, and the way up from it to the site root ("../" once for each
    segment); None for an odd folder."""
    if _ODD_SEGMENT.search(folder):
        return None
    return folder.partition("/")[0], "../" * (folder.count("/") + 1)


def absolute_url(base_url: str, path: PurePosixPath | str) -> str:
    """`base_url` (ending in '/') joined with a site path; '' when the site has no base URL."""
    if not base_url:
        return ""
    text = str(path)
    if text == "index.html":
        text = ""
    return base_url + text


_RELATIVE_LINK = re.compile(r'( (?:href|src)=")((?![A-Za-z][A-Za-z0-9+.-]*:|[#/?"])[^"]*)"')
"""A relative link or image address in the parser's HTML (` href="..."`, ` src="..."`: it escapes `"` in text and
attribute values): no scheme, not from the root, not a bare fragment."""
MAYBE_RELATIVE = re.compile(r'="(?![A-Za-z][A-Za-z0-9+.-]*:|[#/?"])')
"""Found in any of the parser's HTML that has a relative link or image (and in some that have none: `class="..."`);
three times faster to look for than _RELATIVE_LINK (a text with none is most of what the pages show)."""
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def rebase_body_links(html: str, page: str, base_url: str = "", *, raw: bool = False) -> str:
    """Body HTML of an article, whose relative links and images lead from its own page (the articles folder), with
    each leading from page `page` (a site path) instead; absolute from `base_url` when one is given (the feeds).
    `raw`: the HTML may hold HTML its author wrote (see map_addresses)."""
    if raw:
        return map_addresses(html, partial(body_link, page=page, base_url=base_url), raw=True)
    return _RELATIVE_LINK.sub(lambda m: f'{m.group(1)}{body_link(m.group(2), page, base_url)}"', html)


def body_link(address: str, page: str, base_url: str = "") -> str:
    """One address of an article's text (see rebase_body_links). Addresses with a scheme, absolute paths and bare
    fragments are left as they are (the parser made links to a place in the article itself lead to its page: see
    content.markdown.links_to_page); a link to the page itself becomes a bare fragment."""
    if not address or address[0] in "#/?" or _SCHEME.match(address):
        return address
    if base_url:
        return urljoin(f"{base_url}{ARTICLES}/", address)
    cut = len(address)
    for mark in "?#":
        found = address.find(mark)
        if 0 <= found < cut:
            cut = found
    path, rest = address[:cut], address[cut:]
    target = posixpath.normpath(posixpath.join(ARTICLES, path))
    if target == page and rest.startswith("#"):
        return rest
    if posixpath.dirname(page) == ARTICLES:
        return address  # (written from there)
    folder = path.endswith(("/", "/.", "/..")) or path in (".", "..")
    link = posixpath.relpath(target, posixpath.dirname(page) or ".")
    return f"{link}/{rest}" if folder and link != "." else f"{link}{'/' if folder else ''}{rest}"
