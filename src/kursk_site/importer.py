"""Wire copy -> a Markdown article for content/articles, with its front matter filled in, and a review report."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType

from kursk_site.config import decode_text, load_config
from kursk_site.content import ArticleFile, make_parser, parse_article
from kursk_site.content.article import SLUG_RE, parse_date
from kursk_site.content.discover import display_path
from kursk_site.content.frontmatter import split_front_matter
from kursk_site.content.wire import headline_slug, lede
from kursk_site.errors import BuildFailed, ContentError, UsageError
from kursk_site.figures import Claim, NamedSource, find_claims, find_figures, find_sources, split_sentences
from kursk_site.model import Block, BlockKind, KeyFigure, Part, Project, RawArticle, SiteConfig, Source, SourceKind
from kursk_site.sections import classify_heading, split_parts
from kursk_site.values import Value
from kursk_site.writer import write_new_file
from kursk_site.yamlsrc import load_yaml

SUMMARY_LENGTH = 300
# Characters that mean something inside a Markdown line; a backslash keeps them as text.
INLINE_SPECIAL_RE = re.compile(r"([\\`*_\[\]<~])")
ENTITY_RE = re.compile(r"&(?=#?\w+;)")
# What would start a heading, quote, list, rule or code at the start of a line.
LINE_START_RE = re.compile(r"^(?:[#>+=-]|\d{1,9}(?=[.)]))")
WRITTEN_KEYS = frozenset(
    {"title", "date", "updated", "summary", "author", "tags", "sources", "figures", "draft", "slug"}
)
"""Front matter keys the import writes itself (`slug` becomes the file name); any other key is kept as it was."""
CLOSING_HASHES_RE = re.compile(r"(\s)(#+)$")


@dataclass(frozen=True, slots=True, repr=False)
class Imported(Value):
    """A wire article read, sectioned and turned into Markdown, with what the editor should review."""

    source: str
    """The wire file, as the user named it."""
    slug: str
    article: RawArticle
    parts: tuple[Part, ...]
    reasons: tuple[str, ...]
    """For each part, how its section was chosen: `marker`, `keyword`, `continues` or `lede`."""
    date_from_file: bool
    """False when the file gives no date and the default (today's date, or --date) was used."""
    figures: tuple[KeyFigure, ...]
    sources: tuple[NamedSource, ...]
    claims: tuple[Claim, ...]
    markdown: str


def import_wire(data: bytes, display: str, config: SiteConfig, *, slug: str = "", default_date: str) -> Imported:
    """Read wire copy (the bytes of a .txt file) into an Imported (pure); bad input raises BuildFailed.

    `default_date` (YYYY-MM-DD) is used when the file's front matter gives no `date:`.
    """
    if slug and not SLUG_RE.match(slug):
        raise UsageError(f"--slug: expected lower-case letters, digits and single '-', got {slug!r}")
    if parse_date(default_date) is None:
        raise UsageError(
            f"--date: expected a date as YYYY-MM-DD (or with a time: 2024-11-05T10:00Z), got {default_date!r}"
        )
    file = ArticleFile(Path(display), display, SourceKind.WIRE)
    article = parse_article(data, file, config, make_parser(config.allow_raw_html), default_date=default_date)
    text = decode_text(data, display)
    meta = _front_matter(text, display)
    parts = split_parts(article.blocks, article.title, config)
    figures = tuple(figure for part in parts for figure in find_figures(part.blocks, section=part.section))
    sources = find_sources(article.blocks)
    given_slug = meta.get("slug")
    author = str(meta.get("author") or (article.author if article.author != config.author else ""))  # (a byline)
    body = to_markdown(
        article, parts, figures, sources, text.split("\n"), summary=str(meta.get("summary") or ""),
        author=author, kept={str(k): v for k, v in meta.items() if k not in WRITTEN_KEYS},
    )  # fmt: skip
    return Imported(
        source=display,
        slug=slug or (given_slug if isinstance(given_slug, str) and given_slug else headline_slug(article.title)),
        article=article,
        parts=parts,
        reasons=_reasons(parts, config),
        date_from_file=meta.get("date") is not None,
        figures=figures,
        sources=sources,
        claims=find_claims(article.blocks),
        markdown=body,
    )


def _moment(moment: datetime) -> str:
    """A date as front matter gives it: the day alone for midnight UTC (a date given without a time), else the
    time and its zone too (an embargoed story must not go out hours early)."""
    if moment.utcoffset() == timedelta(0) and moment.time() == time(0):
        return moment.date().isoformat()
    text = moment.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def load_site_config(project: Project) -> SiteConfig:
    """content/site.yaml, checked as the build checks it; raises BuildFailed when it is missing or wrong."""
    site_yaml = project.content_dir / "site.yaml"
    display = display_path(site_yaml, project.root)
    if not site_yaml.is_file():
        raise BuildFailed([ContentError(display, 0, "not found: every site needs content/site.yaml")])
    return load_config(site_yaml, display)


def write_imported(imported: Imported, target: Path, *, force: bool) -> None:
    """Write the article's Markdown to `target`; replaced only with `force`, else FileExistsError."""
    write_new_file(target, imported.markdown.encode("utf-8"), overwrite=force)


def to_markdown(
    article: RawArticle,
    parts: tuple[Part, ...],
    figures: tuple[KeyFigure, ...],
    named: tuple[NamedSource, ...],
    lines: list[str],
    *,
    summary: str = "",
    author: str = "",
    kept: Mapping[str, object] = MappingProxyType({}),
) -> str:
    """Front matter, then the body with an explicit section marker on every part heading."""
    sources = _all_sources(article, named)
    out = ["---", *front_matter(article, figures, sources, summary=summary, author=author, kept=kept), "---", ""]
    for part in parts:
        if part.heading is not None:
            out += [f"## {markdown_heading(part.heading.text)} {{section: {part.section}}}", ""]
        for block in part.blocks:
            out += [_markdown_block(block, lines), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def front_matter(
    article: RawArticle,
    figures: tuple[KeyFigure, ...],
    sources: list[Source],
    *,
    summary: str = "",
    author: str = "",
    kept: Mapping[str, object] = MappingProxyType({}),
) -> list[str]:
    """YAML lines: title, date, summary (the lede's first sentence unless given), tags, sources and figures
    (the file's own, then those found in the text).

    `kept` holds the file's other front matter keys, written back as they were (as JSON, which YAML reads).
    """
    out = [f"title: {_q(article.title)}", f"date: {_moment(article.published)}"]
    if article.updated:
        out.append(f"updated: {_moment(article.updated)}")
    out.append(f"summary: {_q(summary or lede_summary(article.blocks))}")
    if author:
        out.append(f"author: {_q(author)}")
    if article.topics:
        out.append(f"tags: [{', '.join(_q(topic.name) for topic in article.topics)}]")
    if sources:
        out.append("sources:")
        for source in sources:
            out.append(f"  - name: {_q(source.name)}")
            out += [f"    {key}: {_q(value)}" for key, value in (("url", source.url), ("date", source.date)) if value]
    given = {figure.amount for figure in article.figures}
    every = (*article.figures, *(figure for figure in figures if figure.amount not in given))
    if every:
        out += ["figures:", *figure_lines(every, sources)]
    if article.draft:
        out.append("draft: true")
    out += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in kept.items()]
    return out


def figure_lines(figures: tuple[KeyFigure, ...], sources: list[Source]) -> list[str]:
    """The `figures:` items: value, label, section, and source and as_of when known."""
    known = {source.name.casefold(): source.name for source in sources}
    out: list[str] = []
    for figure in figures:
        out += [f"  - value: {_q(figure.value)}", f"    label: {_q(figure.label or _shorten(figure.sentence))}"]
        if figure.section:
            out.append(f"    section: {figure.section}")
        if figure.source.casefold() in known:
            out.append(f"    source: {_q(known[figure.source.casefold()])}")
        if figure.as_of:
            out.append(f"    as_of: {_q(figure.as_of)}")
    return out


def lede_summary(blocks: tuple[Block, ...]) -> str:
    """The lede's first sentence without its dateline (cut at a word when very long)."""
    sentence = next(iter(split_sentences(lede(blocks))), "")  # (without `KYIV (Reuters) -` or an editor's note)
    return _shorten(sentence, SUMMARY_LENGTH)


def markdown_text(text: str) -> str:
    """Plain text as a Markdown paragraph that renders as exactly that text."""
    text = ENTITY_RE.sub(r"\\&", INLINE_SPECIAL_RE.sub(r"\\\1", text))
    return LINE_START_RE.sub(lambda m: m.group(0) + "\\" if m.group(0)[0].isdigit() else "\\" + m.group(0), text)


def markdown_heading(text: str) -> str:
    return CLOSING_HASHES_RE.sub(lambda m: m.group(1) + "\\" + m.group(2), markdown_text(text))


def _markdown_block(block: Block, lines: list[str]) -> str:
    if block.kind is BlockKind.HEADING:  # a keyword line: written as it stands, so it stays a topic marker
        return lines[block.line - 1].strip() if 0 < block.line <= len(lines) else f"Keyword: {block.text}"
    if block.kind is BlockKind.LIST:  # (wire copy's lists: see content.wire)
        items = [html.unescape(item) for item in LIST_ITEM_RE.findall(block.html)]
        start = LIST_START_RE.match(block.html)
        if start is None:
            return "\n".join(f"- {markdown_text(item)}" for item in items)
        first = int(start.group(1) or 1)
        return "\n".join(f"{first + n}. {markdown_text(item)}" for n, item in enumerate(items))
    return markdown_text(block.text)


LIST_ITEM_RE = re.compile(r"<li>(.*?)</li>")
LIST_START_RE = re.compile(r'<ol(?: start="(\d+)")?>')


def _reasons(parts: tuple[Part, ...], config: SiteConfig) -> tuple[str, ...]:
    out: list[str] = []
    for part in parts:
        if part.heading is None:
            out.append("lede")
        elif part.explicit:
            out.append("marker")
        elif classify_heading(part.heading.text, config.sections):
            out.append("keyword")
        else:
            out.append("continues")
    return tuple(out)


def _all_sources(article: RawArticle, named: tuple[NamedSource, ...]) -> list[Source]:
    """The sources in the file's front matter, then those named in the text, without repeats."""
    out = {source.name.casefold(): source for source in article.sources}
    for source in named:
        out.setdefault(source.name.casefold(), Source(source.name, ""))
    return list(out.values())


def _front_matter(text: str, display: str) -> dict[object, object]:
    """The file's front matter as a mapping ({} when it has none); only called on text the loader accepted."""
    split = split_front_matter(text, display)
    data = load_yaml(split.meta, display, split.meta_line).data if split.meta is not None else None
    return data if isinstance(data, dict) else {}


def _shorten(text: str, length: int = 100) -> str:
    """`text` cut at a word when longer than `length` (e.g. a figure without a label is described by its
    sentence)."""
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)


REPORT_QUOTE = 300
"""Characters of a sentence the report quotes (a sentence of a pasted table can run to pages)."""


def format_report(imported: Imported, target: str, config: SiteConfig) -> str:
    """What the editor should review: sections and their headings, key figures, sources and unsourced claims."""
    article = imported.article
    out = [f"Imported {imported.source} -> {target}", f"Title: {article.title}"]
    day = _moment(article.published)
    out.append(
        f"Date: {day}" if imported.date_from_file else f"Date: {day} (the file gives none; change 'date:' if needed)"
    )
    out += ["", "Sections (change a heading's {section: ...} marker to move it):"]
    why = {"lede": "the lede joins the first section", "marker": "marked in the file", "keyword": "by its words",
           "continues": "continues the section before"}  # fmt: skip
    for rule in config.sections:
        chosen = [(part, reason) for part, reason in zip(imported.parts, imported.reasons, strict=True)
                  if part.section == rule.key]  # fmt: skip
        out.append(
            f"  {rule.key}: {len(chosen)} part{'s' if len(chosen) != 1 else ''}" if chosen else f"  {rule.key}: -"
        )
        for part, reason in chosen:
            title = part.heading.text if part.heading else "(lede)"
            out.append(f"    {imported.source}:{part.line}: {title}  [{why[reason]}]")
            out += [f"      {imported.source}:{b.line}: - {b.text}" for b in part.blocks if b.kind is BlockKind.HEADING]
    out += ["", f"Key figures found ({len(imported.figures)}):"]
    for figure in imported.figures:
        label = f" {figure.label}" if figure.label else ""
        named = f", source: {figure.source}" if figure.source else ", no source named"
        out.append(f"  {imported.source}:{figure.line}: {figure.value}{label} [{figure.section}{named}]")
        out.append(f"      \u201c{_shorten(figure.sentence, REPORT_QUOTE)}\u201d")
    out += ["", f"Sources named in the text ({len(imported.sources)}):"]
    for source in imported.sources:
        out += [
            f"  {imported.source}:{source.line}: {source.name}",
            f"      \u201c{_shorten(source.sentence, REPORT_QUOTE)}\u201d",
        ]
    out += ["", f"Claims without a named source, to check before publishing ({len(imported.claims)}):"]
    for claim in imported.claims:
        out += [
            f"  {imported.source}:{claim.line}: {claim.phrase!r}",
            f"      \u201c{_shorten(claim.sentence, REPORT_QUOTE)}\u201d",
        ]
    out += ["", f"Next: review {target}, then run `kursk-site build`."]
    return "\n".join(out)
