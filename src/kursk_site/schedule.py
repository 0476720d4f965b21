"""Which articles a build publishes: drafts and articles dated in the future are left out unless asked for (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kursk_site.model import BuildOptions, RawArticle


@dataclass(frozen=True, slots=True)
class Selection:
    published: tuple[RawArticle, ...]
    drafts: tuple[RawArticle, ...]
    """Left out because they are marked `draft: true`."""
    scheduled: tuple[RawArticle, ...]
    """Left out because they are dated after the build date."""


def select_articles(raws: Iterable[RawArticle], options: BuildOptions) -> Selection:
    """Split the articles into those to publish and those left out; the build date is `options.now`."""
    published: list[RawArticle] = []
    drafts: list[RawArticle] = []
    scheduled: list[RawArticle] = []
    for raw in raws:
        if raw.draft and not options.drafts:
            drafts.append(raw)
        elif not options.future and options.now is not None and raw.published > options.now:
            scheduled.append(raw)
        else:
            published.append(raw)
    return Selection(tuple(published), tuple(drafts), tuple(scheduled))
