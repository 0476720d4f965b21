"""A small multi-article site for the browser tests, written in the test (no outside corpus needed).

Seven articles with every section, topics, sources, lists, quotes, tables and long words, listed three to a
page so that the overview, section and topic pages all have pagers; search is switched on.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

SITE_YAML = """\
title: Border Desk
description: Test analysis in four sections, with pagers and search.
language: en-GB
author: Border Desk
per_page: 3
search: true
sections:
  - key: deployment
    title: Deployment
    summary: Who goes where.
    keywords: [deploy, troop, sapper, arrive]
  - key: casualties
    title: Casualties
    summary: The human cost.
    keywords: [casualt, killed, wounded, toll]
  - key: economics
    title: Economics
    summary: Money and labour.
    keywords: [econom, money, labour, wage]
  - key: outlook
    title: Outlook
    summary: What comes next.
    keywords: [future, outlook, next]
"""

PLACES = ("Sudzha", "Belgorod", "Bryansk", "Kharkiv", "Sumy", "Rostov", "Wonsan")
TOPICS = (
    "North Korea",
    "Russia",
    "Logistics",
    "Drones",
    "Sanctions",
    "Verteidigungsministeriumsbeschaffungsamt",
    "Ceasefire talks",
)
"""Topics; one a single word too long for a phone's line (its tag pill must wrap it)."""
WIDE_TABLE = (
    "| "
    + " | ".join(f"Column {n}" for n in range(14))
    + " |\n|"
    + " --- |" * 14
    + "\n| "
    + " | ".join(str(1000 + n) for n in range(14))
    + " |\n"
)
"""Too wide for any screen: it scrolls in its box, which the keyboard must reach."""
CODE = "```\nconvoy_schedule = load('supply-lines-near-the-border-crossing-with-every-depot-listed.csv')\n```\n"
SPECIAL_TERM = "pontoonwright"
"""A made-up word that only the third article's body uses, for the search tests."""


def article(number: int) -> str:
    place = PLACES[number % len(PLACES)]
    topics = ", ".join(f'"{t}"' for t in (TOPICS[number % len(TOPICS)], TOPICS[(number + 2) % len(TOPICS)]))
    extra = f"Engineers called the crossing a {SPECIAL_TERM} job, a word heard nowhere else.\n" if number == 3 else ""
    table = (
        "| Month | Convoys | Share |\n| --- | ---: | ---: |\n| June | 14 | 22% |\n| July | 19 | 31% |\n"
        if number % 2
        else ""
    )
    if number == 4:
        table = f"{WIDE_TABLE}\n{CODE}"
    return ARTICLE.format(
        number=number, place=place, topics=topics, month=1 + number % 9, monitor=number % 3, extra=extra, table=table
    )


ARTICLE = textwrap.dedent(
    """\
        ---
        title: "Report {number}: supply lines near {place}"
        date: 2024-0{month}-1{number}
        summary: What changed around {place} in report {number}, in four short sections.
        tags: [{topics}]
        sources:
          - name: Regional Monitor {monitor}
            url: https://example.org/monitor/{number}
          - Field notes
        ---

        The lede of report {number}: supply lines near **{place}** moved again, with
        *new* routes and an uncommonly long word, Oberkommandostrukturveränderungsbericht.

        ## Troops arrive at the crossing

        Units moved in {number} columns. {extra}
        - Engineers and sappers
        - Drone teams
        - Fuel depots

        ## Casualties and the toll

        > Hospitals near {place} were full by the end of the week, one doctor said.

        Estimates differ by source.

        ## The economics of the route

        {table}
        Wages paid to workers rose, according to [budget filings](https://example.org/budget/{number}).

        ## Outlook: what comes next

        The next month will show whether the route holds.
        """
)


def write_newsroom_site(root: Path, articles: int = 7) -> Path:
    """Write the site's content/ under `root` and return `root`."""
    (root / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (root / "content" / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    for number in range(1, articles + 1):
        (root / "content" / "articles" / f"report-{number}.md").write_text(article(number), encoding="utf-8")
    return root
