"""Which articles a build publishes: drafts and future-dated articles are left out unless asked for."""

from __future__ import annotations

from datetime import UTC, datetime

from kursk_site.errors import SourcePos
from kursk_site.model import BuildOptions, RawArticle, SourceKind
from kursk_site.schedule import select_articles

NOW = datetime(2024, 11, 10, 12, 0, tzinfo=UTC)


def raw(slug: str, published: datetime, *, draft: bool = False) -> RawArticle:
    return RawArticle(
        SourcePos(f"content/articles/{slug}.md", 1),
        SourceKind.MARKDOWN,
        slug,
        slug.title(),
        published,
        None,
        "",
        "Desk",
        (),
        (),
        draft,
        (),
    )


PAST = raw("past", datetime(2024, 11, 1, tzinfo=UTC))
LATER = raw("later", datetime(2024, 11, 11, tzinfo=UTC))
DRAFT = raw("draft", datetime(2024, 11, 1, tzinfo=UTC), draft=True)


def test_drafts_and_future_articles_are_left_out_by_default() -> None:
    selection = select_articles([PAST, LATER, DRAFT], BuildOptions(now=NOW))
    assert selection.published == (PAST,)
    assert selection.drafts == (DRAFT,)
    assert selection.scheduled == (LATER,)


def test_drafts_option_includes_drafts() -> None:
    selection = select_articles([PAST, DRAFT], BuildOptions(now=NOW, drafts=True))
    assert selection.published == (PAST, DRAFT)
    assert selection.drafts == ()


def test_future_option_includes_articles_dated_later() -> None:
    selection = select_articles([PAST, LATER], BuildOptions(now=NOW, future=True))
    assert selection.published == (PAST, LATER)
    assert selection.scheduled == ()


def test_an_article_dated_exactly_now_is_published() -> None:
    on_time = raw("on-time", NOW)
    assert select_articles([on_time], BuildOptions(now=NOW)).published == (on_time,)


def test_without_a_build_date_no_article_counts_as_future() -> None:
    assert select_articles([LATER], BuildOptions()).published == (LATER,)
