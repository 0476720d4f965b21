"""The search index: what it holds, how it stays small, and that it loads as a plain script."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kursk_site.build import load_site
from kursk_site.cli import main
from kursk_site.model import BuildOptions, Project, Site
from kursk_site.search import (
    TERMS_PER_ARTICLE,
    build_search_index,
    distinctive_terms,
    fold,
    render_search_index,
    shorten,
    words_of,
)
from tests.conftest import SITE_YAML, MakeSite


def article(title: str, date: str, body: str, tags: str = "[]", summary: str = "") -> str:
    summary_line = f"summary: {summary}\n" if summary else ""
    return f"---\ntitle: {title}\ndate: {date}\ntags: {tags}\n{summary_line}---\n\n{body}\n"


BODY = """The lede.

## Troops arrive

Sappers and pontoon engineers crossed the river. Pontoon bridges, pontoon ferries.

## Money and labor

Wages rose.
"""


def site_of(root: Path) -> Site:
    return load_site(Project(root, root / "content", (), root / "build"), BuildOptions())


def loaded_index(site: Site) -> dict[str, object]:
    text = render_search_index(site).data.decode("utf-8")
    prefix = "window.KURSK_SEARCH="
    line = text.splitlines()[1]
    assert line.startswith(prefix) and line.endswith(";")
    data: dict[str, object] = json.loads(line[len(prefix) : -1])
    return data


def test_index_lists_every_article_newest_first_with_path_date_sections_and_topics(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/old.md": article("Old report", "2024-01-02", "Only a lede.", "[Kursk]"),
            "content/articles/new.md": article("New report", "2024-03-04", BODY, "[Russia, Kursk]", "Short."),
        }
    )
    index = build_search_index(site_of(root))
    assert index["sections"] == [
        ["deployment", "Deployment"],
        ["casualties", "Casualties"],
        ["economics", "Economics"],
        ["outlook", "Outlook"],
    ]
    assert index["topics"] == ["Kursk", "Russia"]
    assert index["path"] == ["articles/", ".html"]
    assert index["headings"] == ["Troops arrive", "Money and labor"]
    docs = index["docs"]
    assert isinstance(docs, list)
    assert [doc[:7] for doc in docs] == [
        ["New report", "new", "2024-03-04", "Short.", [0, 2], [1, 0], [0, 1]],
        ["Old report", "old", "2024-01-02", "Only a lede.", [0], [0], []],
    ]


def test_a_heading_that_articles_share_is_stored_once(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": article("A", "2024-03-04", BODY),
            "content/articles/b.md": article("B", "2024-03-05", BODY),
        }
    )
    index = build_search_index(site_of(root))
    assert index["headings"] == ["Troops arrive", "Money and labor"]
    assert [doc[6] for doc in index["docs"]] == [[0, 1], [0, 1]]  # type: ignore[attr-defined]


def test_body_terms_are_distinctive_words_the_title_and_summary_lack(make_site: MakeSite) -> None:
    root = make_site({"content/articles/new.md": article("Pontoon report", "2024-03-04", BODY)})
    terms = distinctive_terms(site_of(root).articles)["new"]
    assert "sappers" in terms
    assert "pontoon" not in terms  # already in the title
    assert "and" not in terms and "the" not in terms
    assert list(terms) == sorted(terms)


def test_each_article_adds_at_most_a_bounded_number_of_body_terms(make_site: MakeSite) -> None:
    words = " ".join(f"word{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(200))
    root = make_site({"content/articles/long.md": article("Long", "2024-03-04", words)})
    terms = distinctive_terms(site_of(root).articles)["long"]
    assert len(terms) == TERMS_PER_ARTICLE


def test_long_summaries_are_cut_at_a_word_with_an_ellipsis() -> None:
    text = "The convoy moved north along the river road " * 10
    short = shorten(text, 60)
    assert len(short) <= 60
    assert short.endswith("…")
    assert short == "The convoy moved north along the river road The convoy…"
    assert shorten("  Short   text. ") == "Short text."


def test_the_index_is_a_plain_script_that_a_title_cannot_break_out_of(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article("'</script><b>x'", "2024-03-04", "Lede.")})
    output = render_search_index(site_of(root))
    assert str(output.path) == "search-index.js"
    assert b"</script>" not in output.data
    assert loaded_index(site_of(root))["docs"] == [["</script><b>x", "a", "2024-03-04", "Lede.", [0], [], [], ""]]


def test_the_index_is_byte_identical_across_builds(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": article("A", "2024-03-04", BODY, "[Kursk, Russia]"),
            "content/articles/b.md": article("B", "2024-03-04", BODY, "[Russia]"),
        }
    )
    assert render_search_index(site_of(root)).data == render_search_index(site_of(root)).data


def test_search_is_off_unless_switched_on(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article("A", "2024-03-04", BODY)})
    assert main(["build", "--source", str(root)]) == 0
    assert not (root / "build" / "search.html").exists()
    assert not (root / "build" / "search-index.js").exists()
    assert 'role="search"' not in (root / "build" / "index.html").read_text(encoding="utf-8")


def test_build_search_writes_the_page_the_index_and_the_script(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article("A", "2024-03-04", BODY)})
    assert main(["build", "--source", str(root), "--search"]) == 0
    out = root / "build"
    assert (out / "search-index.js").is_file() and (out / "assets" / "search.js").is_file()
    page = (out / "search.html").read_text(encoding="utf-8")
    assert '<script src="search-index.js"></script>' in page
    assert '<script src="assets/search.js"></script>' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "search.html" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<form class="site-search" role="search" action="search.html" method="get">' in home


def test_search_true_in_site_yaml_switches_search_on(make_site: MakeSite) -> None:
    root = make_site(
        {"content/site.yaml": SITE_YAML + "search: true\n", "content/articles/a.md": article("A", "2024-03-04", BODY)}
    )
    assert main(["build", "--source", str(root)]) == 0
    assert (root / "build" / "search.html").is_file()


def test_a_search_setting_that_is_not_true_or_false_is_an_error_at_its_line(
    make_site: MakeSite, capsys: object
) -> None:
    root = make_site({"content/site.yaml": SITE_YAML + "search: yes please\n"})
    assert main(["build", "--source", str(root)]) == 1
    line = SITE_YAML.count("\n") + 1
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert f"content/site.yaml:{line}: search: expected true or false, got 'yes please'" in err


@given(st.text(), st.integers(min_value=10, max_value=300))
def test_a_shortened_summary_never_exceeds_its_limit(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit
    assert short == " ".join(text.split()) or short.endswith("…")


def test_folding_drops_accents_and_case_as_the_search_script_does() -> None:
    assert fold("Zaporizhzhia ÉCONOMIE Über") == "zaporizhzhia economie uber"
    assert fold("Й") == "и"
    assert words_of("Sudzha's front-line_units, 2024") == ["sudzha", "s", "front", "line", "units", "2024"]


def test_articles_in_another_language_are_listed_with_it_and_its_direction(make_site: MakeSite) -> None:
    arabic = "---\ntitle: A\ndate: 2024-11-06\nlanguage: ar\n---\n\nText.\n"
    root = make_site({"content/articles/a.md": arabic, "content/articles/b.md": arabic.replace("language: ar\n", "")})
    index = build_search_index(load_site(Project(root, root / "content", (), root / "build"), BuildOptions()))
    slugs = [doc[1] for doc in index["docs"]]  # type: ignore[attr-defined]  # (plain data)
    assert index["languages"] == {str(slugs.index("a")): ["ar", "rtl"]}
