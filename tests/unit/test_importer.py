"""importer.py: wire copy -> Markdown with front matter and section markers, and the text renders unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kursk_site.assemble import make_article
from kursk_site.content import load_articles, make_parser
from kursk_site.content.markdown import parse_markdown
from kursk_site.errors import UsageError
from kursk_site.importer import format_report, import_wire, markdown_heading, markdown_text
from kursk_site.model import Article, BlockKind
from tests.conftest import REPO
from tests.unit.wire_cases import FIXTURES, repo_config

SOURCE = FIXTURES / "kursk-source.txt"
SHIPPED = "north-korea-kursk-deployment"


def sections_and_paragraphs(article: Article) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """What a reader sees: each part's section and heading, and its paragraphs and subheadings as text."""
    shown = (BlockKind.PARAGRAPH, BlockKind.HEADING)
    return [
        (
            part.section,
            part.heading.text if part.heading else "",
            [(block.kind.value, block.text) for block in part.blocks if block.kind in shown],
        )
        for part in article.parts
    ]


def figures_of(front_matter: str) -> str:
    """The `figures:` block of the front matter."""
    lines = front_matter.splitlines()
    start = lines.index("figures:")
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return "\n".join(lines[start:end]) + "\n"


def test_the_file_s_own_figures_come_first_and_found_ones_are_not_repeated() -> None:
    data = (
        b'---\ndate: 2024-03-04\nfigures:\n  - value: "300"\n    label: sappers sent in March\n'
        b"corrections:\n  - date: 2024-03-05\n    text: The number was wrong.\n---\n"
        b"Title\nSome 300 sappers and 40 engineers went.\n"
    )
    head = import_wire(data, "a.txt", repo_config(), default_date="2025-01-01").markdown.split("\n---\n")[0]
    assert figures_of(head) == (
        'figures:\n  - value: "300"\n    label: "sappers sent in March"\n'
        '  - value: "40"\n    label: "engineers"\n    section: deployment\n'
    )
    assert 'corrections: [{"date": "2024-03-05", "text": "The number was wrong."}]' in head


def load_site_article(root: Path, slug: str) -> Article:
    config = repo_config()
    raws = load_articles(root / "content" / "articles", root, config)
    return make_article(next(raw for raw in raws if raw.slug == slug), config)


def test_importing_the_source_article_gives_the_shipped_article_s_sections_and_paragraphs(tmp_path: Path) -> None:
    imported = import_wire(SOURCE.read_bytes(), "kursk-source.txt", repo_config(), default_date="2026-11-25")
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / f"{imported.slug}.md").write_text(imported.markdown, encoding="utf-8")
    built = load_site_article(tmp_path, imported.slug)
    shipped = load_site_article(REPO, SHIPPED)
    assert sections_and_paragraphs(built) == sections_and_paragraphs(shipped)
    assert [p.section for p in built.parts] == ["deployment", "deployment", "casualties", "economics", "outlook"]
    assert built.title == shipped.title


def test_the_source_article_loaded_as_txt_gives_the_shipped_article_s_sections(tmp_path: Path) -> None:
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "kursk.txt").write_bytes(b"---\ndate: 2026-11-25\n---\n" + SOURCE.read_bytes())
    built = load_site_article(tmp_path, "kursk")
    assert sections_and_paragraphs(built) == sections_and_paragraphs(load_site_article(REPO, SHIPPED))


def test_the_markdown_has_front_matter_and_a_section_marker_on_every_heading() -> None:
    imported = import_wire(SOURCE.read_bytes(), "kursk-source.txt", repo_config(), default_date="2026-11-25")
    head, body = imported.markdown.split("\n---\n", 1)
    assert head.splitlines()[:3] == [
        "---",
        'title: "North Korea\u2019s Kursk Deployment: A Deep Dive into the Russia-Kim Jong Un Alliance"',
        "date: 2026-11-25",
    ]
    assert 'tags: ["North Korean Labor", "Military Technology", "Geopolitical Tensions", "Kim Jong Un"]' in head
    assert '  - name: "Business Insider"' in head
    assert (
        '  - value: "over 6,000"\n    label: "North Koreans killed or wounded"\n    section: casualties'
        in figures_of(head)
    )
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert headings == [
        "## The Reinforcements Arrive: What\u2019s Being Sent to Kursk? {section: deployment}",
        "## Casualties and Consequences: The Human Cost of Collaboration {section: casualties}",
        "## The Bigger Picture: Russia\u2019s Strategic Advantage and North Korea\u2019s Gains {section: economics}",
        "## Future Trends and Potential Implications {section: outlook}",
    ]
    assert "\nLSI Keyword: North Korean Labor\n" in body


def test_the_summary_is_the_lede_s_first_sentence() -> None:
    imported = import_wire(
        b"Title\nFirst sentence here. Second one.\n", "a.txt", repo_config(), default_date="2024-01-02"
    )
    assert 'summary: "First sentence here."' in imported.markdown


def test_the_file_s_own_front_matter_date_and_slug_win_over_the_defaults() -> None:
    data = b"---\ndate: 2024-03-04\nslug: my-piece\n---\nTitle\nText.\n"
    imported = import_wire(data, "a.txt", repo_config(), default_date="2025-01-01")
    assert (imported.slug, imported.date_from_file) == ("my-piece", True)
    assert "\ndate: 2024-03-04\n" in imported.markdown
    assert import_wire(data, "a.txt", repo_config(), slug="other", default_date="2025-01-01").slug == "other"


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("2024-12-05T18:00:00Z", "2024-12-05T18:00:00Z"),
        ("2024-12-16T22:00:00-05:00", "2024-12-16T22:00:00-05:00"),
        ("2024-12-05 18:00", "2024-12-05T18:00:00Z"),
        ("2024-12-05", "2024-12-05"),
    ],
)
def test_a_date_with_a_time_keeps_it_so_an_embargoed_story_does_not_go_out_early(given: str, written: str) -> None:
    data = f"---\ndate: {given}\nupdated: {given}\n---\nTitle\nText.\n".encode()
    imported = import_wire(data, "a.txt", repo_config(), default_date="2025-01-01")
    assert f"\ndate: {written}\nupdated: {written}\n" in imported.markdown
    assert f"Date: {written}\n" in format_report(imported, "a.md", repo_config())
    by_option = import_wire(b"Title\nText.\n", "a.txt", repo_config(), default_date="2024-11-05T10:00Z")
    assert "\ndate: 2024-11-05T10:00:00Z\n" in by_option.markdown


def test_a_byline_becomes_the_author() -> None:
    data = b"Title\nBy Tom Balmforth and Olena Harmash\nUkraine said its forces held.\n"
    imported = import_wire(data, "a.txt", repo_config(), default_date="2025-01-01")
    assert '\nauthor: "Tom Balmforth and Olena Harmash"\n' in imported.markdown
    assert "Balmforth" not in imported.markdown.split("---")[2]  # (not in the text as well)


def test_a_bad_slug_or_date_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--slug"):
        import_wire(b"Title\nText.\n", "a.txt", repo_config(), slug="Bad Slug", default_date="2024-01-02")
    with pytest.raises(UsageError, match="--date"):
        import_wire(b"Title\nText.\n", "a.txt", repo_config(), default_date="yesterday")
    with pytest.raises(UsageError, match="--date"):
        import_wire(b"Title\nText.\n", "a.txt", repo_config(), default_date="")


def test_the_report_lists_sections_figures_sources_and_claims_with_their_lines() -> None:
    imported = import_wire(SOURCE.read_bytes(), "wire/k.txt", repo_config(), default_date="2026-11-25")
    report = format_report(imported, "content/articles/k.md", repo_config())
    assert report.startswith("Imported wire/k.txt -> content/articles/k.md\n")
    assert "Date: 2026-11-25 (the file gives none; change 'date:' if needed)" in report
    assert "    wire/k.txt:6: Casualties and Consequences: The Human Cost of Collaboration  [by its words]" in report
    assert "      wire/k.txt:9: - North Korean Labor" in report
    assert "  wire/k.txt:4: 5,000 construction workers [deployment, no source named]" in report
    assert "  wire/k.txt:8: Business Insider" in report
    assert "  wire/k.txt:7: 'Estimates suggest'" in report
    assert "Claims without a named source, to check before publishing (3):" in report


PLAIN = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs"), blacklist_characters="\ufeff"),
    min_size=1,
    max_size=40,
)


@given(st.lists(PLAIN, min_size=1, max_size=6).map(" ".join))
def test_any_plain_text_written_as_markdown_renders_as_the_same_text(text: str) -> None:
    md = make_parser(allow_raw_html=False)
    blocks = parse_markdown(md, markdown_text(text) + "\n", 1).blocks
    assert [(b.kind, b.text) for b in blocks] == [(BlockKind.PARAGRAPH, text)]


@given(st.lists(PLAIN, min_size=1, max_size=4).map(" ".join))
def test_any_heading_text_written_as_markdown_renders_as_the_same_heading(text: str) -> None:
    md = make_parser(allow_raw_html=False)
    blocks = parse_markdown(md, f"## {markdown_heading(text)} {{section: economics}}\n", 1).blocks
    assert [(b.kind, b.text, b.section) for b in blocks] == [(BlockKind.HEADING, text, "economics")]


def test_the_file_s_front_matter_sources_and_tags_are_kept_and_named_sources_added() -> None:
    data = (
        b"---\ndate: 2024-03-04\ntags: [Kursk]\nsources:\n  - name: Yonhap\n    url: https://en.yna.co.kr/\n"
        b"    date: 2024-03\n---\nTitle\nReuters said 300 sappers arrived.\n"
    )
    head = import_wire(data, "a.txt", repo_config(), default_date="2025-01-01").markdown.split("\n---\n")[0]
    assert 'tags: ["Kursk"]' in head
    assert (
        'sources:\n  - name: "Yonhap"\n    url: "https://en.yna.co.kr/"\n    date: "2024-03"\n  - name: "Reuters"\n'
        in head
    )
    assert '  - value: "300"\n    label: "sappers"\n    section: deployment\n    source: "Reuters"' in figures_of(head)


def test_a_figure_without_a_label_is_described_by_its_sentence() -> None:
    imported = import_wire(
        b"Title\nThe deal is worth $20 million a year.\n", "a.txt", repo_config(), default_date="2024-01-02"
    )
    assert '  - value: "$20 million"\n    label: "The deal is worth $20 million a year."\n' in figures_of(
        imported.markdown
    )


def test_the_summary_skips_the_dateline_and_does_not_stop_at_an_abbreviation() -> None:
    data = b"Title\nWASHINGTON, Dec 8 (Reuters) - U.S. Sen. Lindsey Graham said on Monday at 3 p.m. he would go. X.\n"
    imported = import_wire(data, "a.txt", repo_config(), default_date="2024-01-02")
    assert 'summary: "U.S. Sen. Lindsey Graham said on Monday at 3 p.m. he would go."' in imported.markdown


def test_wire_lists_are_written_as_markdown_lists() -> None:
    data = "Title\n\nThe demands.\n\n\u2022 First *one*\n\u2022 Second\n\n3) Three\n4) Four\n".encode()
    imported = import_wire(data, "a.txt", repo_config(), default_date="2024-01-02")
    assert "\n- First \\*one\\*\n- Second\n\n3. Three\n4. Four\n" in imported.markdown


def test_a_kicker_leaves_the_title_and_a_bare_dateline_the_summary() -> None:
    data = b"UPDATE 1-Troops withdraw\nKYIV (Reuters) - Troops withdrew on Monday. More.\n"
    imported = import_wire(data, "a.txt", repo_config(), default_date="2024-01-02")
    assert 'title: "Troops withdraw"' in imported.markdown
    assert 'summary: "Troops withdrew on Monday."' in imported.markdown


def test_the_report_quotes_at_most_a_few_lines_of_a_very_long_sentence() -> None:
    data = ("Title\n\n" + " ".join("Sen. Rep. 5 troops" for _ in range(2000)) + ".\n").encode()
    imported = import_wire(data, "a.txt", repo_config(), default_date="2024-01-02")
    report = format_report(imported, "a.md", repo_config())
    assert max(len(line) for line in report.splitlines()) < 400
