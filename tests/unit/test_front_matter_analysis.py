"""Front matter figures: and corrections: -> KeyFigures and Corrections, with positioned errors."""

from __future__ import annotations

import pytest

from kursk_site.cli import main
from kursk_site.content.analysis import is_partial_date, read_amount
from tests.conftest import MakeSite

ARTICLE = """\
---
title: Sappers arrive
date: 2024-11-05
updated: 2024-11-07
sources:
  - name: Desk Wire
    url: https://example.org/wire
figures:
  - value: "1,000"
    label: sappers sent
    section: deployment
    source: desk wire
    as_of: 2024-11
  - value: over 6,000
    label: killed or wounded
    section: casualties
corrections:
  - date: 2024-11-07
    text: An earlier version gave the wrong month.
  - date: 2024-11-06
    kind: update
    text: Figures added.
---

Lede.

## Troops arrive

Text.
"""


@pytest.mark.parametrize(("text", "amount"), [("6,000", 6000.0), ("over 6,000", 6000.0), ("1.5 million", 1.5)])
def test_a_figure_value_is_read_as_its_first_number(text: str, amount: float) -> None:
    assert read_amount(text) == amount


def test_figures_show_their_source_or_say_none_is_named(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    assert main(["build", "--source", str(root)]) == 0
    article = (root / "build/articles/a.html").read_text()
    assert '<p class="figure-value">1,000</p>' in article
    assert '<a href="https://example.org/wire" rel="external">Desk Wire</a>' in article
    assert "As of November 2024" in article
    assert '<span class="unsourced">No source named</span>' in article
    assert "Date not given" in article
    home = (root / "build/index.html").read_text()
    assert "By the numbers" in home and "over 6,000" in home
    casualties = (root / "build/sections/casualties.html").read_text()
    assert "over 6,000" in casualties and "1,000" not in casualties


def test_corrections_are_shown_at_the_top_newest_first(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    assert main(["build", "--source", str(root)]) == 0
    article = (root / "build/articles/a.html").read_text()
    top = article.index('<aside class="corrections"')
    assert top < article.index('<div class="prose">')
    assert article.index("Correction, <time") < article.index("Update, <time")
    assert '<time datetime="2024-11-07">7 November 2024</time>:</strong> An earlier version' in article


def test_corrections_are_carried_into_both_feeds(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    assert main(["build", "--source", str(root)]) == 0
    assert "An earlier version gave the wrong month." in (root / "build/feed.xml").read_text()
    assert "An earlier version gave the wrong month." in (root / "build/feed.json").read_text()
    assert "<updated>2024-11-07T00:00:00Z</updated>" in (root / "build/feed.xml").read_text()


def test_a_correction_without_updated_updates_the_article(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE.replace("updated: 2024-11-07\n", "")})
    assert main(["build", "--source", str(root)]) == 0
    assert "<updated>2024-11-07T00:00:00Z</updated>" in (root / "build/feed.xml").read_text()
    article = (root / "build/articles/a.html").read_text()
    assert 'Updated <time datetime="2024-11-07' in article
    assert '"dateModified":"2024-11-07T00:00:00Z"' in article


BAD = """\
---
title: Bad
date: 2024-11-05
updated: 2024-11-06
sources: [Desk Wire]
figures:
  - value: many
    label: people
    section: deploymnet
    source: Other Wire
    as_of: last year
    unit: people
corrections:
  - date: 2024-11-01
    text: Too early.
  - date: 2024-11-09
    kind: erratum
    text: Later than updated.
---

Text.
"""


def test_every_figure_and_correction_problem_is_reported_with_its_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/a.md": BAD})
    assert main(["build", "--source", str(root)]) == 1
    err = capsys.readouterr().err.splitlines()
    path = "content/articles/a.md"
    assert err[:-1] == [
        f"{path}:4: updated: is earlier than the latest correction; set it to that date or later",
        f"{path}:7: value: expected a number such as '6,000' or 'over 6,000', got 'many'",
        f"{path}:9: section: unknown section 'deploymnet'; expected one of: deployment, casualties, economics, outlook",
        f"{path}:10: source: 'Other Wire' is not in this article's sources (named there: Desk Wire)",
        f"{path}:11: as_of: expected YYYY, YYYY-MM or YYYY-MM-DD, got 'last year'",
        f"{path}:12: unknown figure key 'unit'; expected one of: value, label, section, source, as_of",
        f"{path}:14: date: is earlier than the article's date",
        f"{path}:17: kind: expected one of: correction, update, got 'erratum'",
    ]


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2024", True),
        ("2024-11", True),
        ("2024-02-29", True),
        ("1000-01-01", True),
        ("9998-12-31", True),
        ("2023-02-29", False),
        ("2024-04-31", False),
        ("2024-13", False),
        ("0000", False),
        ("0999-12", False),
        ("9999", False),
        ("24-11-05", False),
        ("2024-11-05T10:00", False),
        ("", False),
    ],
)
def test_a_partial_date_is_a_year_a_month_or_a_day_of_the_calendar(text: str, valid: bool) -> None:
    """(As `as_of` of a key figure, a source's `date` and a timeline event's `date` take them.)"""
    assert is_partial_date(text) is valid


def test_a_figure_links_the_story_its_own_article_gives_for_its_source(make_site: MakeSite) -> None:
    article = (
        "---\ntitle: {title}\ndate: {date}\nsources:\n  - name: Reuters\n    url: https://example.org/{story}\n"
        "figures:\n  - value: '1,000'\n    label: troops\n    source: Reuters\n---\n\nText.\n"
    )
    root = make_site(
        {
            "content/articles/old.md": article.format(title="Old", date="2024-11-01", story="old-story"),
            "content/articles/new.md": article.format(title="New", date="2024-11-10", story="new-story"),
        }
    )
    assert main(["build", "--source", str(root)]) == 0
    old = (root / "build/articles/old.html").read_text()
    assert 'Source: <a href="https://example.org/old-story" rel="external">Reuters</a>' in old
    assert "new-story" not in old
    home = (root / "build/index.html").read_text()
    assert home.count('href="https://example.org/old-story"') == 1
    assert home.count('href="https://example.org/new-story"') == 1
