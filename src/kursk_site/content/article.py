"""Front matter + Blocks -> RawArticle, checking dates, slug, topics and sources."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from slugify import slugify

from kursk_site.config import LANGUAGE_RE
from kursk_site.content.analysis import is_partial_date, parse_corrections, parse_figures, partial_date_text
from kursk_site.content.markdown import EMPTY_MARKER
from kursk_site.content.slugs import slug as cached_slug
from kursk_site.content.wire import lede
from kursk_site.errors import BuildFailed, ContentError, SourcePos
from kursk_site.model import Block, BlockKind, Footnote, RawArticle, SiteConfig, Source, SourceKind, Topic
from kursk_site.yamlsrc import Fields, YamlDoc

FRONT_MATTER_KEYS = (
    "title",
    "date",
    "updated",
    "summary",
    "author",
    "tags",
    "sources",
    "draft",
    "slug",
    "figures",
    "corrections",
    "language",
)
SOURCE_KEYS = ("name", "url", "date")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEYWORD_LIST_RE = re.compile(r"[,;]")
"""Separates the topics a keyword line names."""
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
SUMMARY_LENGTH = 200
MAX_SLUG = 80
"""Longest slug, so that every page's file name stays far below the file system's 255-byte limit."""
EMPTY_HEADING = "heading has no text besides its section marker; write the heading before '{section: ...}'"
YEARS = range(1000, 9999)
"""Dates outside these years cannot be written as YYYY or moved to UTC."""


def make_raw_article(
    *,
    origin: SourcePos,
    kind: SourceKind,
    stem: str,
    meta: YamlDoc | None,
    blocks: tuple[Block, ...],
    keywords: tuple[str, ...],
    config: SiteConfig,
    title: str = "",
    date_hint: str = "",
    byline: str = "",
    title_line: int = 0,
    footnotes: tuple[Footnote, ...] = (),
    problems: tuple[tuple[int, str], ...] = (),
) -> RawArticle:
    """Check the front matter and blocks; every problem found is raised together as BuildFailed.

    `title` stands in for a missing `title:`, `byline` (a wire story's) for a missing `author:`; `date_hint` is added
    to the message for a missing `date:`; `title_line`: the line of a wire story's headline (0 for none).
    """
    path = origin.path
    data: Any = meta.data if meta and meta.data is not None else {}  # an empty block reads as no keys
    if meta is not None and not isinstance(data, dict):
        raise _fail(
            [ContentError(path, meta.first_line, "front matter must be a mapping of keys (title: ..., date: ...)")]
        )
    doc = meta or YamlDoc({}, {}, 1)
    fields = Fields(doc, path, data)
    fields.check_keys(FRONT_MATTER_KEYS, "front matter")
    errors = fields.errors
    title = " ".join((fields.text("title", required=not title) or title).split())  # (a `title: |` block: one line)
    published = _date(fields, "date", required=True, hint=date_hint)
    updated = _date(fields, "updated", required=False)
    if published and updated and updated < published:
        fields.error("updated: is earlier than date", "updated")
    slug = fields.text("slug")
    if slug and not SLUG_RE.match(slug):
        fields.error(f"slug: expected lower-case letters, digits and single '-', got {slug!r}", "slug")
    elif len(slug) > MAX_SLUG:
        fields.error(f"slug: at most {MAX_SLUG} characters, got {len(slug)}", "slug")
    slug_line = fields.line("slug") if slug else 0
    slug = slug or stem_slug(stem)
    if not slug:
        errors.append(ContentError(path, 1, f"cannot make a URL slug from the file name {stem!r}; add 'slug:'"))
    for block in blocks:
        if block.section and block.section not in config.section_keys:
            valid = ", ".join(config.section_keys)
            problem = (
                "section marker without a key"
                if block.section == EMPTY_MARKER
                else f"unknown section {block.section!r}"
            )
            errors.append(ContentError(path, block.line, f"{problem}; expected one of: {valid}"))
        if block.kind is BlockKind.HEADING and block.section and not block.text:
            errors.append(ContentError(path, block.line, EMPTY_HEADING))
    errors.extend(ContentError(path, line, message) for line, message in problems)
    if not any(b.kind is not BlockKind.HEADING for b in blocks):
        at = title_line or (doc.first_line if meta else 1)
        errors.append(ContentError(path, at, "the article has no text" + (" below its title" if title_line else "")))
    topics = _topics(fields, keywords)
    sources = _sources(fields, data.get("sources"))
    summary = " ".join(fields.text("summary").split()) or _summary(blocks)
    author = " ".join(fields.text("author").split()) or byline or config.author
    language = fields.text("language")
    if language and not LANGUAGE_RE.match(language):
        fields.error(f"language: expected a language tag such as 'en' or 'ar', got {language!r}", "language")
    elif language.casefold() == config.language.casefold():
        language = ""  # (the site's: nothing to mark)
    draft = fields.flag("draft")
    figures = parse_figures(fields, config.section_keys, sources)
    corrections = parse_corrections(fields, published)
    if corrections and updated and corrections[-1].date.date() > updated.date():
        fields.error("updated: is earlier than the latest correction; set it to that date or later", "updated")
    elif corrections and not updated and published and corrections[-1].date.date() > published.date():
        updated = corrections[-1].date  # a later correction updates the article: its page, feeds, structured data
    if errors:
        raise _fail(errors)
    assert published is not None
    return RawArticle(
        origin,
        kind,
        slug,
        title,
        published,
        updated,
        summary,
        author,
        topics,
        sources,
        draft,
        blocks,
        figures=figures,
        corrections=corrections,
        footnotes=footnotes,
        slug_line=slug_line,
        language=language,
    )


def article_slug(meta: YamlDoc | None, stem: str) -> str:
    """The slug the article will have (its `slug:` if valid, else made from the file name), for element ids."""
    data = meta.data if meta else None
    given = data.get("slug") if isinstance(data, dict) else None
    if isinstance(given, str) and SLUG_RE.match(given.strip()):
        return given.strip()
    return stem_slug(stem) or "article"


def stem_slug(stem: str) -> str:
    """The slug an article file's name makes (`Quiet Week` -> quiet-week): an article's slug unless it gives one."""
    return str(slugify(stem, max_length=MAX_SLUG))


def _fail(errors: list[ContentError]) -> BuildFailed:
    return BuildFailed(errors)


def parse_date(value: str) -> datetime | None:
    """YYYY-MM-DD, or with a time (and zone); a date without a zone is taken as UTC."""
    if not DATE_RE.match(value):
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    if moment.year not in YEARS or moment.astimezone(UTC).year not in YEARS:  # (the feeds give it in UTC)
        return None
    return moment


def _is_moment(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return False
    return True


def _date(fields: Fields, key: str, *, required: bool, hint: str = "") -> datetime | None:
    raw = fields.data.get(key)
    if raw is None:
        if required:
            fields.error(f"{key}: required, but missing (write it as YYYY-MM-DD){hint}", key)
        return None
    value = str(raw).strip()
    moment = parse_date(value) if isinstance(raw, str) else None
    if moment is None and isinstance(raw, str) and DATE_RE.match(value):
        if int(value[:4]) in YEARS and not _is_moment(value):
            fields.error(f"{key}: no such date: {value!r}", key)
        else:  # (or one that is in those years only in its own time zone, not in UTC)
            fields.error(f"{key}: expected a year from {YEARS.start} to {YEARS.stop - 1}, got {value!r}", key)
    elif moment is None:
        fields.error(
            f"{key}: expected a date as YYYY-MM-DD (optionally with a time, e.g. 2024-11-05T14:30Z), got {value!r}", key
        )
    return moment


def _topics(fields: Fields, keywords: tuple[str, ...]) -> tuple[Topic, ...]:
    out: dict[str, Topic] = {}
    named = (name.strip() for keyword in keywords for name in KEYWORD_LIST_RE.split(keyword))  # `Keywords: a, b`
    for name, line in (*fields.lined_texts("tags"), *((k, 0) for k in named if k)):
        slug = cached_slug(name, MAX_SLUG)
        if not slug:
            fields.error(f"tags: {name!r} has no letters or digits to make a page name from", "tags")
        elif slug not in out:
            out[slug] = Topic(name, slug, line)
    return tuple(out.values())


def _sources(fields: Fields, value: object) -> tuple[Source, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        fields.error("sources: expected a list of names, or of mappings with name, url and date", "sources")
        return ()
    out: list[Source] = []
    for index, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            out.append(Source(item.strip(), cached_slug(item) or "source"))
            continue
        sub = Fields(fields.doc, fields.path, item, ("sources", index))
        if not isinstance(item, dict):
            sub.error(f"sources: item {index + 1}: expected a name or a mapping with name, url and date")
        else:
            sub.check_keys(SOURCE_KEYS, "source")
            name = sub.text("name", required=True)
            url = sub.text("url")
            if url and not re.match(r"^(https?://\S+|mailto:\S+)$", url):
                sub.error(f"url: expected an http(s) address, got {url!r}", "url")
                url = ""
            date = partial_date_text(sub, "date")
            if date and not is_partial_date(date):
                sub.error(f"date: expected YYYY, YYYY-MM or YYYY-MM-DD, got {date!r}", "date")
            if name:
                out.append(Source(name, cached_slug(name) or "source", url, date))
        fields.errors.extend(sub.errors)
    return tuple(out)


def _summary(blocks: tuple[Block, ...]) -> str:
    text = lede(blocks)
    if len(text) <= SUMMARY_LENGTH:
        return text
    cut = text[:SUMMARY_LENGTH].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def slug_from_title(title: str) -> str:
    """A file name and URL slug for a new article, e.g. 'Sappers arrive in Kursk' -> 'sappers-arrive-in-kursk'."""
    return str(slugify(title, max_length=80, word_boundary=True))
