"""What the analysis blocks of a page show: footnotes cited on it, key figures, entities named (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kursk_site.model import Article, EntityIndex, Footnote, KeyFigure, Part, Site
from kursk_site.values import Value


@dataclass(frozen=True, slots=True, repr=False)
class ShownNote(Value):
    """A footnote as one page shows it, with links back only to the citations on that page."""

    note: Footnote
    backrefs: tuple[str, ...]


HOME_FIGURES = 8
"""The home page's "By the numbers" shows this many figures, newest articles first."""


def notes_for(article: Article, parts: Sequence[Part]) -> tuple[ShownNote, ...]:
    """The footnotes cited in `parts` (the article's parts a page shows), by number."""
    shown = {ref for part in parts for block in part.blocks for ref in block.notes}
    shown |= {ref for part in parts if part.heading for ref in part.heading.notes}
    return tuple(
        ShownNote(note, tuple(ref for ref in note.refs if ref in shown))
        for note in article.footnotes
        if any(ref in shown for ref in note.refs)
    )


def article_figures(article: Article) -> tuple[tuple[Article, KeyFigure], ...]:
    return tuple((article, figure) for figure in article.figures)


def mentioned_entities(site: Site, article: Article) -> tuple[EntityIndex, ...]:
    """The entities the article names, by name."""
    return tuple(index for index in site.entities if article.slug in index.articles)


def site_figures(site: Site, section: str = "") -> tuple[tuple[Article, KeyFigure], ...]:
    """Key figures of every article, newest article first (only one section's when `section` is given)."""
    return tuple(
        (article, figure)
        for article in site.articles
        for figure in article.figures
        if not section or figure.section == section
    )


def latest_figures(site: Site, count: int = HOME_FIGURES) -> tuple[tuple[Article, KeyFigure], ...]:
    """The first `count` key figures of the site, newest articles first (the home page's "By the numbers")."""
    return site_figures(site)[:count]
