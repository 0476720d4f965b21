"""Warnings `check` gives about a site that builds: dead internal links, tags and entities used once, drafts,
unsourced figures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kursk_site.build import check
from kursk_site.checks import unsourced_figures
from kursk_site.errors import BuildFailed
from kursk_site.model import BuildOptions, KeyFigure, Project
from tests.conftest import MakeSite


def article(body: str, *, tags: str = "[Kursk]", draft: str = "false", date: str = "2024-11-05") -> str:
    return f"---\ntitle: A title\ndate: {date}\ntags: {tags}\ndraft: {draft}\n---\n\n{body}\n"


def warnings(root: Path, **options: bool) -> list[str]:
    project = Project(root, root / "content", (), root / "build")
    report = check(project, BuildOptions(**options))
    return [str(w) for w in report.warnings]


def test_a_link_to_a_page_that_exists_gives_no_warning(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": article(
                "See [b](b.html), [topics](../topics/index.html) and [web](https://x.org/)."
            ),
            "content/articles/b.md": article("See [a](a.html#lede) and [top](#top)."),
        }
    )
    assert warnings(root) == []


def test_a_link_that_goes_nowhere_is_reported_at_its_line(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article("Lede.\n\nSee [gone](gone.html).")})
    assert warnings(root) == [
        "content/articles/a.md:10: link 'gone.html' goes nowhere: the site has no articles/gone.html"
    ]


def test_a_link_to_an_article_file_suggests_its_page(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": article("See [b](b.md)."),
            "content/articles/b.md": article("Text."),
        }
    )
    assert warnings(root) == [
        "content/articles/a.md:8: link 'b.md' goes nowhere: the site has no articles/b.md;"
        " link to the page instead: 'b.html'"
    ]


def test_a_link_to_the_file_of_an_article_with_its_own_slug_suggests_its_page(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": article("See [b](sappers.md)."),
            "content/articles/sappers.md": article("Text.").replace("draft:", "slug: sappers-arrive\ndraft:"),
        }
    )
    assert warnings(root) == [
        "content/articles/a.md:8: link 'sappers.md' goes nowhere: the site has no articles/sappers.md;"
        " link to the page instead: 'sappers-arrive.html'"
    ]


def test_a_missing_image_and_a_link_out_of_the_site_are_reported(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article("![map](../img/map.png)\n\n[up](../../../x.html)")})
    assert warnings(root) == [
        "content/articles/a.md:8: link '../img/map.png' goes nowhere: the site has no img/map.png",
        "content/articles/a.md:10: link '../../../x.html' goes outside the site",
    ]


def test_a_static_file_counts_as_a_link_target(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article("![map](../img/map.png)"), "static/img/map.png": b"\x89PNG"})
    assert warnings(root) == []


def test_a_tag_used_by_one_article_of_several_is_reported(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": article("Text.", tags="[Kursk, Kurks]"),
            "content/articles/b.md": article("Text.", tags="[Kursk]"),
        }
    )
    assert warnings(root) == [
        "content/articles/a.md:4: tag 'Kurks' is used by this article only (a typo of another tag?)"
    ]


def test_a_tag_used_once_is_reported_at_its_item_in_a_block_list(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": article("Text.", tags="\n  - Kursk\n  - Kurks"),
            "content/articles/b.md": article("Text.", tags="[Kursk]"),
        }
    )
    assert warnings(root) == [
        "content/articles/a.md:6: tag 'Kurks' is used by this article only (a typo of another tag?)"
    ]


def test_a_topic_from_a_keyword_marker_used_once_is_reported_at_the_top_of_the_article(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": article("Lede.\n\nLSI Keyword: Military Technology\n\nText."),
            "content/articles/b.md": article("Text."),
        }
    )
    assert warnings(root) == [
        "content/articles/a.md:1: tag 'Military Technology' is used by this article only (a typo of another tag?)"
    ]


ENTITIES = """\
- name: Sappers
  kind: term
  description: Combat engineers.
  aliases: [sapper, sappers]
- name: Kim Jong Un
  kind: person
  description: North Korea's leader.
- name: Kursk
  kind: place
  description: A Russian region.
"""


def test_entities_mentioned_by_one_article_or_none_are_reported_at_their_line(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/entities.yaml": ENTITIES,
            "content/articles/a.md": article("The sappers reached Kursk."),
            "content/articles/b.md": article("Kursk again."),
        }
    )
    assert warnings(root) == [
        "content/entities.yaml:1: entity 'Sappers' is mentioned by one article only (content/articles/a.md)",
        "content/entities.yaml:5: entity 'Kim Jong Un' is never mentioned in the articles (check its name and aliases)",
    ]


def test_on_a_one_article_site_only_entities_never_mentioned_are_reported(make_site: MakeSite) -> None:
    root = make_site(
        {"content/entities.yaml": ENTITIES, "content/articles/a.md": article("The sappers reached Kursk.")}
    )
    assert warnings(root) == [
        "content/entities.yaml:5: entity 'Kim Jong Un' is never mentioned in the articles (check its name and aliases)",
    ]


def test_tags_of_a_one_article_site_are_not_reported(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article("Text.", tags="[Kursk, Russia]")})
    assert warnings(root) == []


def test_a_draft_is_reported_unless_drafts_are_built(make_site: MakeSite) -> None:
    root = make_site(
        {"content/articles/a.md": article("Text."), "content/articles/b.md": article("Text.", draft="true")}
    )
    assert warnings(root) == ["content/articles/b.md:5: draft: left out of the build (build with --drafts to see it)"]
    assert warnings(root, drafts=True) == []


def test_check_raises_every_content_error_like_build(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": article("Text.", date="2024-13-01"),
            "content/articles/b.md": "---\ntitle: B\n---\n\nText.\n",
        }
    )
    with pytest.raises(BuildFailed) as failed:
        warnings(root)
    assert [f"{e.path}:{e.line}" for e in failed.value.errors] == ["content/articles/a.md:3", "content/articles/b.md:2"]


def test_a_figure_without_a_source_is_reported_at_its_line() -> None:
    figures = [
        KeyFigure("6,000", 6000.0, "people sent to Kursk", line=12),
        KeyFigure("1,000", 1000.0, "sappers", source="Business Insider", line=13),
    ]
    assert [str(w) for w in unsourced_figures("content/articles/a.md", figures)] == [
        "content/articles/a.md:12: figure 6,000 people sent to Kursk: no source named for it"
    ]


def test_a_front_matter_figure_without_a_source_is_reported_by_check(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": (
                "---\ntitle: A title\ndate: 2024-11-05\nsources: [Business Insider]\nfigures:\n"
                "  - value: over 6,000\n    label: killed or wounded\n"
                "  - value: 1,000\n    label: sappers\n    source: Business Insider\n---\n\nText.\n"
            )
        }
    )
    found = warnings(root)
    assert len(found) == 1
    assert found[0].startswith("content/articles/a.md:")
    assert found[0].endswith(": figure over 6,000 killed or wounded: no source named for it")


def test_a_link_to_a_place_a_page_does_not_have_is_reported_at_its_line(make_site: MakeSite) -> None:
    """Places are element ids of the built page: headings of every level, the lede, notes; #top is any page's top."""
    body = (
        "Lede [down](#deeper), [off](#nowhere), [top](#top) and [b's part](b.html#a-part), [b's gap](b.html#gap).[^1]"
        "\n\n## A part\n\n### Deeper\n\nText.\n\n[^1]: A note [to b](b.html#lede) and [to nothing](b.html#nothing)."
    )
    root = make_site(
        {"content/articles/a.md": article(body), "content/articles/b.md": article("Lede.\n\n## A part\n\nText.")}
    )
    assert warnings(root) == [
        "content/articles/a.md:8: link '#nowhere' goes nowhere: articles/a.html has no place #nowhere",
        "content/articles/a.md:8: link 'b.html#gap' goes nowhere: articles/b.html has no place #gap",
        "content/articles/a.md:16: link 'b.html#nothing' goes nowhere: articles/b.html has no place #nothing",
    ]


def test_places_in_static_pages_and_in_raw_html_count_as_places(make_site: MakeSite) -> None:
    body = (
        "See [the guide](../guide/index.html#setup), [its old anchor](../guide/index.html#old), "
        "<span id='here'>here</span>, <a name=there></a>[to here](#here), [to there](#there) "
        "and [nowhere](../guide/index.html#gone)."
    )
    root = make_site(
        {
            "content/articles/a.md": article(body),
            "static/guide/index.html": '<h2 id="setup">Setup</h2><a name="old"></a>',
        }
    )
    with (root / "content" / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("allow_raw_html: true\n")
    assert warnings(root) == [
        "content/articles/a.md:8: link '../guide/index.html#gone' goes nowhere: guide/index.html has no place #gone"
    ]


def test_a_dead_link_in_a_long_paragraph_is_reported_at_the_line_that_holds_it(make_site: MakeSite) -> None:
    body = "A lede that runs\nover three lines and\nthen links [nowhere](gone.html).\n\nMore [nowhere][ref].\n\n"
    body += "[ref]: lost.html"
    root = make_site({"content/articles/a.md": article(body)})
    assert warnings(root) == [
        "content/articles/a.md:10: link 'gone.html' goes nowhere: the site has no articles/gone.html",
        "content/articles/a.md:14: link 'lost.html' goes nowhere: the site has no articles/lost.html",
    ]


def test_a_link_from_the_servers_top_folder_is_reported_with_the_relative_one_to_write(make_site: MakeSite) -> None:
    body = "Lede.\n\nSee [b](/articles/b.html#x), [home](/) and [gone](/sections/nope.html)."
    root = make_site({"content/articles/a.md": article(body), "content/articles/b.md": article("B.")})
    top = "starts at the web server's top folder, so it breaks when the site is opened from disk or published under"
    assert sorted(warnings(root)) == [
        f"content/articles/a.md:10: link '/' {top} a sub-path; write it relative to the article ('../index.html')",
        f"content/articles/a.md:10: link '/articles/b.html#x' {top} a sub-path; write it relative to the article"
        " ('b.html#x')",
        f"content/articles/a.md:10: link '/sections/nope.html' {top} a sub-path; write it relative to the article"
        " (it goes nowhere too)",
    ]


def test_the_same_dead_link_twice_in_a_paragraph_is_reported_at_each_line(make_site: MakeSite) -> None:
    body = "Para [a](gone.html)\ncontinues [b](../gone.html)\nand [c](gone.html)."
    root = make_site({"content/articles/a.md": article(body)})
    assert [w.split(": link")[0] for w in warnings(root)] == [
        "content/articles/a.md:8",
        "content/articles/a.md:9",
        "content/articles/a.md:10",
    ]


def test_a_scheduled_article_a_link_to_it_and_an_updated_date_after_the_build_date_are_reported(
    make_site: MakeSite,
) -> None:
    root = make_site(
        {
            "content/articles/a.md": article("See [b](b.html) and [c](c.html).").replace(
                "date: 2024-11-05\n", "date: 2024-11-05\nupdated: 2031-01-01\n"
            ),
            "content/articles/b.md": article("B.", date="2030-01-01"),
            "content/articles/c.md": article("C.", draft="true"),
        }
    )
    now = datetime(2025, 1, 1, tzinfo=UTC)
    project = Project(root, root / "content", (), root / "build")
    found = [str(w) for w in check(project, BuildOptions(now=now)).warnings]
    assert found == [
        "content/articles/a.md:4: updated: is after the build date (2025-01-01)",
        "content/articles/a.md:9: link 'b.html' goes nowhere: the site has no articles/b.html (its article is"
        " dated 2030-01-01, left out of the build)",
        "content/articles/a.md:9: link 'c.html' goes nowhere: the site has no articles/c.html (its article is a"
        " draft, left out of the build)",
        "content/articles/b.md:3: date: 2030-01-01 is after the build date: left out of the build until then"
        " (build with --future to see it)",
        "content/articles/c.md:5: draft: left out of the build (build with --drafts to see it)",
    ]
