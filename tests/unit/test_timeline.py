"""content/timeline.yaml -> events in date order, on timeline.html and on their section's page."""

from __future__ import annotations

import pytest

from kursk_site.cli import main
from kursk_site.config import load_config
from kursk_site.content.timeline import parse_timeline
from kursk_site.errors import BuildFailed
from tests.conftest import MakeSite

ARTICLE = "---\ntitle: A\ndate: 2024-11-05\nsources: [Desk Wire]\n---\n\nLede.\n\n## Troops arrive\n\nText.\n"

TIMELINE = """\
- date: undated
  event: Memorials are planned.
  section: casualties
- date: 2024-11-05
  event: Sappers arrive.
  section: deployment
  source: Desk Wire
- date: 2024
  event: The first deployment.
  section: deployment
"""


def test_events_are_sorted_by_date_with_partial_dates_first_and_undated_last_and_a_bare_year_is_a_date(
    make_site: MakeSite,
) -> None:
    root = make_site({"content/timeline.yaml": TIMELINE})
    config = load_config(root / "content/site.yaml", "content/site.yaml")
    events = parse_timeline(TIMELINE, "content/timeline.yaml", config)
    assert [(e.date, e.event, e.line) for e in events] == [
        ("2024", "The first deployment.", 8),
        ("2024-11-05", "Sappers arrive.", 4),
        ("", "Memorials are planned.", 1),
    ]
    assert events[1].source_slug == "desk-wire"


def test_timeline_page_and_section_pages_show_the_events(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE, "content/timeline.yaml": TIMELINE})
    assert main(["build", "--source", str(root)]) == 0
    timeline = (root / "build/timeline.html").read_text()
    assert timeline.index("The first deployment.") < timeline.index("Sappers arrive.") < timeline.index("Memorials")
    assert '<time datetime="2024-11-05">5 November 2024</time>' in timeline
    assert "Date not given" in timeline
    assert '<a href="sources.html#source-desk-wire">Desk Wire</a>' in timeline
    deployment = (root / "build/sections/deployment.html").read_text()
    assert "Sappers arrive." in deployment and "Memorials" not in deployment
    assert "Memorials are planned." in (root / "build/sections/casualties.html").read_text()
    sources = (root / "build/sources.html").read_text()
    assert "Timeline events attributed to it:" in sources and "Sappers arrive." in sources


def test_a_site_without_a_timeline_still_has_a_timeline_page(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    assert main(["build", "--source", str(root)]) == 0
    assert "No events yet." in (root / "build/timeline.html").read_text()


def test_every_timeline_problem_is_reported_with_its_line(make_site: MakeSite) -> None:
    text = "- date: 2024-13\n  event: Bad month.\n- event: No date.\n  section: economy\n  sorce: X\n- just text\n"
    root = make_site({})
    config = load_config(root / "content/site.yaml", "content/site.yaml")
    with pytest.raises(BuildFailed) as failed:
        parse_timeline(text, "content/timeline.yaml", config)
    assert [str(e) for e in failed.value.errors] == [
        "content/timeline.yaml:1: date: expected YYYY, YYYY-MM, YYYY-MM-DD or 'undated', got '2024-13'",
        "content/timeline.yaml:3: date: required, but missing",
        "content/timeline.yaml:4: section: unknown section 'economy'; expected one of: "
        "deployment, casualties, economics, outlook",
        "content/timeline.yaml:5: unknown timeline key 'sorce'; did you mean 'source'?",
        "content/timeline.yaml:6: item 3: expected a mapping with date, event, section and source",
    ]


def test_timeline_errors_are_reported_together_with_article_errors(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/a.md": "---\ntitle: A\n---\n\nText.\n", "content/timeline.yaml": "[1, 2"})
    assert main(["build", "--source", str(root)]) == 1
    err = capsys.readouterr().err
    assert "content/articles/a.md:2: date: required, but missing (write it as YYYY-MM-DD)" in err
    assert "content/timeline.yaml:1: invalid YAML:" in err
