"""Loads the article files: text -> front matter + blocks -> RawArticle, all errors collected."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kursk_site.config import check_printable, decode_text, read_bytes
from kursk_site.content.article import article_slug, make_raw_article
from kursk_site.content.discover import ArticleFile, discover_articles
from kursk_site.content.frontmatter import split_front_matter
from kursk_site.content.markdown import links_to_page, make_parser, parse_markdown
from kursk_site.errors import BuildFailed, ContentError, SourcePos
from kursk_site.model import Article, Footnote, RawArticle, SiteConfig, SourceKind
from kursk_site.yamlsrc import YamlDoc, load_yaml

WIRE_DATE_HINT = (
    "; a .txt article gives it in front matter: start the file with a line '---', a line 'date: YYYY-MM-DD'"
    " and a line '---' (or turn it into Markdown with `kursk-site import`)"
)

if TYPE_CHECKING:  # the parser is made and used in content/markdown; here it is only passed on
    from kursk_site.content.markdown import Parser

__all__ = [
    "ArticleFile",
    "check_unique_slugs",
    "discover_articles",
    "load_article",
    "load_articles",
    "make_parser",
    "parse_article",
]


def load_article(file: ArticleFile, config: SiteConfig, md: Parser) -> RawArticle:
    """Read and parse one article file; raises BuildFailed with every problem in it."""
    return parse_article(read_bytes(file.path, file.display), file, config, md)


def parse_article(
    data: bytes, file: ArticleFile, config: SiteConfig, md: Parser, *, default_date: str = ""
) -> RawArticle:
    """Parse the bytes of one article file (pure: no I/O); `default_date` stands in for a missing `date:`."""
    text = decode_text(data, file.display)
    if bad := check_printable(text, file.display):
        raise BuildFailed(bad)
    try:
        split = split_front_matter(text, file.display)
        meta = load_yaml(split.meta, file.display, split.meta_line) if split.meta is not None else None
    except ContentError as e:
        raise BuildFailed([e]) from None
    if default_date and (meta is None or (isinstance(meta.data, dict) and meta.data.get("date") is None)):
        data_with_date = {**(meta.data if meta else {}), "date": default_date}
        meta = YamlDoc(data_with_date, meta.lines if meta else {}, meta.first_line if meta else 1)
    title, date_hint, byline, title_line = "", "", "", 0
    footnotes: tuple[Footnote, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()
    if file.kind is SourceKind.WIRE:
        # imported for wire copy alone: a rebuild after an edit seldom reads any
        from kursk_site.content.wire import parse_wire

        given = meta.data.get("title") if meta and isinstance(meta.data, dict) else None
        wire = parse_wire(split.body, split.body_line, title=given if isinstance(given, str) else "")
        if not wire.title:
            raise BuildFailed([ContentError(file.display, 1, "no text: a .txt article starts with its title line")])
        blocks, keywords, title, byline = wire.blocks, wire.keywords, wire.title, wire.byline
        title_line = wire.title_line
        date_hint = WIRE_DATE_HINT if split.meta is None else ""
    else:
        body = parse_markdown(md, split.body, split.body_line, partial(article_slug, meta, file.path.stem))
        blocks, keywords, footnotes, problems = body.blocks, body.keywords, body.footnotes, body.problems
    raw = make_raw_article(
        origin=SourcePos(file.display, 1),
        kind=file.kind,
        stem=file.path.stem,
        meta=meta,
        blocks=blocks,
        keywords=keywords,
        config=config,
        title=title,
        date_hint=date_hint,
        byline=byline,
        title_line=title_line,
        footnotes=footnotes,
        problems=problems,
    )
    if file.kind is SourceKind.WIRE:
        return raw  # (no links)
    blocks, footnotes = links_to_page(raw.blocks, raw.footnotes, raw.slug, raw=config.allow_raw_html)
    return raw if blocks is raw.blocks else replace(raw, blocks=blocks, footnotes=footnotes)


SLUG_LINE_RE = re.compile(r"^slug:[ \t]*([\"']?)([^\"'#\s]+)\1[ \t]*(?:#.*)?$", re.MULTILINE)
"""A `slug:` line of front matter (what `new` and `import` look for before they add a file)."""


def slug_owners(articles_dir: Path, root: Path, slug: str) -> list[ArticleFile]:
    """The article files whose page would be named `slug`: by their file name, or by a `slug:` in their front
    matter (read from the start of each file; a file that cannot be read counts by its name alone)."""
    from kursk_site.content.article import stem_slug

    found: list[ArticleFile] = []
    for file in discover_articles(articles_dir, root):
        given = ""
        try:
            with file.path.open("rb") as handle:
                head = handle.read(8192).decode("utf-8", "replace").replace("\r\n", "\n")
        except OSError:
            head = ""
        if head.startswith("---\n"):
            end = head.find("\n---", 3)
            match = SLUG_LINE_RE.search(head[: end if end > 0 else len(head)])
            given = match.group(2) if match else ""
        if (given or stem_slug(file.path.stem)) == slug:
            found.append(file)
    return found


def check_unique_slugs(articles: Iterable[RawArticle | Article]) -> list[ContentError]:
    """Two articles with one slug would write one page: name every file involved."""
    by_slug: dict[str, list[RawArticle | Article]] = defaultdict(list)
    for article in articles:
        by_slug[article.slug].append(article)
    errors: list[ContentError] = []
    for slug, group in by_slug.items():
        if len(group) > 1:
            for article in group:
                others = ", ".join(a.origin.path for a in group if a is not article)
                line = article.slug_line or article.origin.line
                errors.append(ContentError(article.origin.path, line, f"slug {slug!r} is also used by {others}"))
    return errors


def load_articles(articles_dir: Path, root: Path, config: SiteConfig) -> tuple[RawArticle, ...]:
    """Every article below `articles_dir`; raises BuildFailed listing every problem in every file."""
    md = make_parser(config.allow_raw_html)
    articles: list[RawArticle] = []
    errors: list[ContentError] = []
    for file in discover_articles(articles_dir, root):
        try:
            articles.append(load_article(file, config, md))
        except BuildFailed as e:
            errors.extend(e.errors)
    errors.extend(check_unique_slugs(articles))
    if errors:
        raise BuildFailed(errors)
    return tuple(articles)
