"""Which articles a build publishes: drafts and articles dated in the future are left out unless asked for (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from kursk_site.model import BuildOptions
from kursk_site.values import Value


class Dated(Protocol):
    """What selection looks at: a RawArticle, or an Article (the build cache keeps Articles)."""

    @property
    def published(self) -> datetime: ...
    @property
    def draft(self) -> bool: ...


A = TypeVar("A", bound=Dated)


@dataclass(frozen=True, slots=True, repr=False)
class Selection(Value, Generic[A]):
    published: tuple[A, ...]
    drafts: tuple[A, ...]
    """Left out because they are marked `draft: true`."""
    scheduled: tuple[A, ...]
    """Left out because they are dated after the build date."""


def select_articles(raws: Iterable[A], options: BuildOptions) -> Selection[A]:
    """Split the articles into those to publish and those left out; the build date is `options.now`."""
    published: list[A] = []
    drafts: list[A] = []
    scheduled: list[A] = []
    for raw in raws:
        if raw.draft and not options.drafts:
            drafts.append(raw)
        elif not options.future and options.now is not None and raw.published > options.now:
            scheduled.append(raw)
        else:
            published.append(raw)
    return Selection(tuple(published), tuple(drafts), tuple(scheduled))


NowRange = tuple[datetime | None, datetime | None]
"""Build dates from (inclusive) up to (exclusive); None leaves that end open."""


def _effective_now(options: BuildOptions) -> datetime | None:
    """The build date as selection sees it; None: no article is dated later (no date given, or --future)."""
    return None if options.future else options.now


def same_selection(articles: Iterable[Dated], options: BuildOptions) -> NowRange:
    """The build dates that, with the other options unchanged, select exactly what `options.now` selects."""
    now = _effective_now(options)
    dates = [a.published for a in articles if options.drafts or not a.draft]
    earlier = [d for d in dates if now is None or d <= now]
    later = [d for d in dates if now is not None and d > now]
    return (max(earlier) if earlier else None, min(later) if later else None)


def within(options: BuildOptions, span: NowRange) -> bool:
    """Whether `options` select the same articles as the build `span` came from (see same_selection)."""
    now = _effective_now(options)
    low, high = span
    if now is None:
        return high is None
    return (low is None or low <= now) and (high is None or now < high)
