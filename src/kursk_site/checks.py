"""Warnings `check` reports about a site that builds: unsourced figures, dead links, tags and entities used once,
drafts (pure)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from html.parser import HTMLParser
from pathlib import PurePosixPath
from types import MappingProxyType
from urllib.parse import unquote, urlsplit

from kursk_site import urls
from kursk_site.errors import ContentError
from kursk_site.model import Article, KeyFigure, OutputFile, RawArticle, Site

SOURCE_SUFFIXES = (".md", ".txt")


SourceLines = Callable[[str], Sequence[str]]
"""The lines of an article's file, by its path as shown (none where it cannot be read)."""


def find_warnings(
    site: Site,
    files: Sequence[OutputFile],
    drafts: Iterable[RawArticle | Article],
    *,
    entities_file: str,
    sources: SourceLines | None = None,
    scheduled: Iterable[RawArticle | Article] = (),
    now: datetime | None = None,
) -> tuple[ContentError, ...]:
    """Every warning about the site, sorted by place; `entities_file` is entities.yaml as the user would type it;
    `sources` places a dead link at the line that holds it (else at the first line of its paragraph) and a note
    about a front matter key at that key; `scheduled`: the articles dated after the build date `now`."""
    lines_of = sources or _no_lines
    drafts, scheduled = tuple(drafts), tuple(scheduled)
    held = {urls.article_path(raw.slug).as_posix(): "a draft" for raw in drafts}
    held |= {urls.article_path(raw.slug).as_posix(): f"dated {_day(raw.published)}" for raw in scheduled}
    # the page a link to an article's file means, where its front matter gives another slug than the file's name
    moved = {_source_page(a.origin.path): urls.article_path(a.slug).as_posix() for a in site.articles}
    paths = frozenset(f.path.as_posix() for f in files)
    places = PlacesOn(files)
    found: list[ContentError] = []
    for article in site.articles:
        lines = lines_of(article.origin.path)
        found.extend(broken_links(article, paths, places, lines, held, moved))
        found.extend(unsourced_figures(article.origin.path, article.figures))
        if now is not None and article.updated is not None and article.updated > now:
            at = _key_line(lines, "updated", article.origin.line)
            found.append(ContentError(article.origin.path, at, f"updated: is after the build date ({_day(now)})"))
    found.extend(lonely_tags(site))
    found.extend(lonely_entities(site, entities_file))
    found.extend(draft_notes(drafts, lines_of))
    found.extend(
        ContentError(
            raw.origin.path,
            _key_line(lines_of(raw.origin.path), "date", raw.origin.line),
            f"date: {_day(raw.published)} is after the build date: left out of the build until then"
            " (build with --future to see it)",
        )
        for raw in scheduled
    )
    return tuple(sorted(found, key=ContentError.sort_key))


def draft_notes(drafts: Iterable[RawArticle | Article], lines_of: SourceLines | None = None) -> list[ContentError]:
    """A draft is left out of the build: say so, so it is not published by mistake or forgotten."""
    return [
        ContentError(
            raw.origin.path,
            _key_line((lines_of or _no_lines)(raw.origin.path), "draft", raw.origin.line),
            "draft: left out of the build (build with --drafts to see it)",
        )
        for raw in drafts
    ]


def _no_lines(_path: str) -> Sequence[str]:
    """SourceLines where the files are not read."""
    return ()


def _key_line(lines: Sequence[str], key: str, default: int) -> int:
    """The line of a front matter key (`default` where the file's lines do not show it)."""
    if not lines or lines[0].strip() != "---":
        return default
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if line.startswith(f"{key}:"):
            return number
    return default


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def lonely_tags(site: Site) -> list[ContentError]:
    """A tag only one article uses is often a typo of another (not reported on a one-article site)."""
    if len(site.articles) < 2:
        return []
    out = []
    for index in site.topics:
        if len(index.articles) == 1:
            article = site.article(index.articles[0])
            line = next((t.line for t in article.topics if t.slug == index.topic.slug and t.line), article.origin.line)
            out.append(
                ContentError(
                    article.origin.path,
                    line,
                    f"tag {index.topic.name!r} is used by this article only (a typo of another tag?)",
                )
            )
    return out


def lonely_entities(site: Site, entities_file: str) -> list[ContentError]:
    """An entity no article mentions, or only one of several does: its page adds little (or its aliases miss)."""
    if not site.articles:
        return []
    out = []
    for index in site.entities:
        entity, mentioned = index.entity, index.articles
        if not mentioned:
            message = f"entity {entity.name!r} is never mentioned in the articles (check its name and aliases)"
        elif len(mentioned) == 1 and len(site.articles) > 1:
            where = site.article(mentioned[0]).origin.path
            message = f"entity {entity.name!r} is mentioned by one article only ({where})"
        else:
            continue
        out.append(ContentError(entities_file, entity.line, message))
    return out


def unsourced_figures(path: str, figures: Iterable[KeyFigure]) -> list[ContentError]:
    """A figure the desk states without naming where it comes from."""
    return [
        ContentError(path, figure.line, f"figure {figure.value} {figure.label}: no source named for it".strip())
        for figure in figures
        if not figure.source
    ]


class PlacesOn:
    """The places (element ids, and names of `<a name>`) of each HTML file of the output, read when first asked for."""

    def __init__(self, files: Sequence[OutputFile]) -> None:
        self._files = {f.path.as_posix(): f for f in files if f.path.suffix in (".html", ".htm")}
        self._ids: dict[str, frozenset[str]] = {}

    def __call__(self, page: str) -> frozenset[str] | None:
        """The places of `page`; None for a file that is no HTML file of the build, or one that cannot be read."""
        found = self._ids.get(page)
        file = self._files.get(page)
        if found is None and file is not None:
            try:
                data = file.data if file.source is None else file.source.read_bytes()  # (a static file: copied)
            except OSError:
                return None
            parser = _PlaceParser()
            parser.feed(data.decode("utf-8", "replace"))
            parser.close()
            found = self._ids[page] = frozenset(parser.places)
        return found


class _PlaceParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.places: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.places.append(value)


def broken_links(
    article: Article,
    paths: frozenset[str],
    places: PlacesOn | None = None,
    lines: Sequence[str] = (),
    held: Mapping[str, str] = MappingProxyType({}),
    moved: Mapping[str, str] = MappingProxyType({}),
) -> list[ContentError]:
    """Links and images in the article's Markdown that point inside the site at a file the build does not make,
    or at a place (`#anchor`) that the page it names does not have; each at the first line from its block's on
    that holds the address as written, when the file's `lines` are given and one does. `held`: the pages of
    articles the build leaves out, and why (a draft...); `moved`: the page of each article by the page its file's
    name would give (`articles/sappers.html` -> `articles/sappers-arrive.html` for a `slug:`)."""
    page = urls.article_path(article.slug)
    own = f"{page.name}#"  # (a link to a place in the article itself: see content.markdown.links_to_page)
    texts = [
        (b.html, b.line) for part in article.parts for b in ((part.heading,) if part.heading else ()) + part.blocks
    ]
    texts += [(note.html, note.line) for note in article.footnotes]
    out = []
    for html, line in texts:
        met: dict[str, int] = {}  # how often each address was met in this block (the nth is on the nth mention)
        for target in _targets(html):
            written = target[len(own) - 1 :] if target.startswith(own) else target
            met[written] = met.get(written, 0) + 1
            problem = _link_problem(page, target, paths, places, written, held, moved)
            if problem:
                out.append(ContentError(article.origin.path, _line_of(lines, line, written, met[written]), problem))
    return out


def _source_page(origin: str) -> str:
    """The page an article's file name would give it (`content/articles/sappers.md` -> `articles/sappers.html`)."""
    return urls.article_path(posixpath.splitext(posixpath.basename(origin))[0]).as_posix()


def _line_of(lines: Sequence[str], start: int, written: str, nth: int) -> int:
    """The line, from `start` on, holding the `nth` mention of `written` as an address (`(gone.html)`, not within
    `(../gone.html)`); `start` when the lines do not hold it."""
    mention = re.compile(rf"(?<=[(<\"'=\s]){re.escape(written)}(?=[)>\"'\s]|$)")
    for number in range(start, len(lines) + 1):
        nth -= len(mention.findall(lines[number - 1]))
        if nth <= 0:
            return number
    return start


def _link_problem(
    page: PurePosixPath,
    target: str,
    paths: frozenset[str],
    places: PlacesOn | None = None,
    written: str = "",
    held: Mapping[str, str] = MappingProxyType({}),
    moved: Mapping[str, str] = MappingProxyType({}),
) -> str:
    """Why `target` (a link of the text of the article whose page is `page`; `written` as its author wrote it)
    leads nowhere; "" when it leads somewhere."""
    written = written or target
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path:
        return ""  # another site, or a place on this page (a footnote's: the parser made the others name the page)
    path = unquote(parts.path)
    base = "" if path.startswith("/") else posixpath.dirname(page.as_posix())
    resolved = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    if resolved.startswith("../") or resolved == "..":
        return f"link {target!r} goes outside the site"
    if path.startswith("/"):
        found = resolved if resolved in paths else posixpath.join(resolved, "index.html").removeprefix("./")
        rest = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        instead = f" ({urls.relative_url(page, found) + rest!r})" if found in paths else " (it goes nowhere too)"
        return (
            f"link {target!r} starts at the web server's top folder, so it breaks when the site is opened from disk"
            f" or published under a sub-path; write it relative to the article{instead}"
        )
    if path.endswith("/") or resolved == ".":
        resolved = posixpath.join(resolved, "index.html") if resolved != "." else "index.html"
    if resolved in paths:
        fragment = unquote(parts.fragment)
        ids = places(resolved) if places is not None and fragment.casefold() not in ("", "top") else None
        if ids is None or fragment in ids:  # (#top is the top of any page)
            return ""
        return f"link {written!r} goes nowhere: {resolved} has no place #{fragment}"
    if posixpath.join(resolved, "index.html") in paths:
        return ""
    hint = ""
    stem, suffix = posixpath.splitext(resolved)
    if suffix in SOURCE_SUFFIXES and posixpath.basename(stem):
        guess = urls.article_path(posixpath.basename(stem)).as_posix()
        guess = moved.get(guess, guess)
        if guess in paths:
            hint = f"; link to the page instead: {urls.relative_url(page, guess)!r}"
    if resolved in held:
        hint = f" (its article is {held[resolved]}, left out of the build)"
    return f"link {target!r} goes nowhere: the site has no {resolved}{hint}"


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = "href" if tag == "a" else "src" if tag == "img" else ""
        for name, value in attrs:
            if name == wanted and value:
                self.targets.append(value)


def _targets(html: str) -> list[str]:
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.targets
