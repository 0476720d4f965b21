"""End to end: `kursk-site import FILE` and plain-text articles in content/articles."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kursk_site.cli import main
from tests.conftest import REPO, MakeSite

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wire"
SITE_YAML = (REPO / "content" / "site.yaml").read_text(encoding="utf-8")


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site with the shipped settings and no articles, plus the wire fixtures in wire/; the current folder."""
    root = make_site({"content/site.yaml": SITE_YAML})
    shutil.copytree(FIXTURES, root / "wire")
    (root / "content" / "articles").mkdir()
    monkeypatch.chdir(root)
    return root


def test_import_writes_the_article_and_prints_the_review_report(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "wire/kursk-source.txt", "--date", "2026-11-25"]) == 0
    out = capsys.readouterr().out
    target = site / "content" / "articles" / "north-koreas-kursk-deployment.md"
    assert target.is_file()
    assert out.startswith("Imported wire/kursk-source.txt -> content/articles/north-koreas-kursk-deployment.md\n")
    for line in (
        "Sections (change a heading's {section: ...} marker to move it):",
        "  deployment: 2 parts",
        "    wire/kursk-source.txt:2: (lede)  [the lede joins the first section]",
        "    wire/kursk-source.txt:3: The Reinforcements Arrive: What\u2019s Being Sent to Kursk?  [by its words]",
        "Key figures found (4):",
        "  wire/kursk-source.txt:4: 6,000 people [deployment, no source named]",
        "  wire/kursk-source.txt:4: 1,000 sappers [deployment, no source named]",
        "  wire/kursk-source.txt:7: over 6,000 North Koreans killed or wounded [casualties, no source named]",
        "      \u201cEstimates suggest over 6,000 North Koreans were killed or wounded in the initial fighting.\u201d",
        "Sources named in the text (1):",
        "  wire/kursk-source.txt:8: Business Insider",
        "  wire/kursk-source.txt:8: 'According to some reports'",
    ):
        assert line in out.splitlines(), line
    assert main(["build"]) == 0
    page = (site / "build" / "articles" / "north-koreas-kursk-deployment.html").read_text(encoding="utf-8")
    assert "The Reinforcements Arrive: What\u2019s Being Sent to Kursk?" in page
    assert "{section:" not in page


def test_import_refuses_to_replace_an_article_unless_forced(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = site / "content" / "articles" / "what-comes-after-kursk.md"
    assert main(["import", "wire/windows.txt"]) == 0
    target.write_text("edited by hand", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "wire/windows.txt"]) == 1
    assert capsys.readouterr().err == (
        "kursk-site: error: content/articles/what-comes-after-kursk.md already exists; "
        "pass --force to replace it, or --slug to choose another name\n"
    )
    assert target.read_text(encoding="utf-8") == "edited by hand"
    assert main(["import", "wire/windows.txt", "--force"]) == 0
    assert target.read_text(encoding="utf-8").startswith('---\ntitle: "What Comes After Kursk?"\n')


def test_import_slug_chooses_the_file_name(site: Path) -> None:
    assert main(["import", "wire/no-headings.txt", "--slug", "quiet-week"]) == 0
    assert [p.name for p in (site / "content" / "articles").iterdir()] == ["quiet-week.md"]


def test_import_of_a_file_that_is_not_utf8_reports_its_line_and_writes_nothing(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "wire/latin1.txt"]) == 1
    assert capsys.readouterr().err == (
        "wire/latin1.txt:3: not valid UTF-8 (byte 0xe9); save the file as UTF-8\n"
        "import failed: 1 error; nothing was written\n"
    )
    assert not any((site / "content" / "articles").iterdir())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "wire/missing.txt"], "kursk-site: error: wire/missing.txt: No such file or directory\n"),
        (["import", "wire/windows.txt", "--slug", "Not A Slug"], "--slug: expected lower-case letters"),
        (["import", "wire/windows.txt", "--date", "2024-13-01"], "--date: expected a date as YYYY-MM-DD"),
    ],
)
def test_import_usage_errors_exit_2(
    site: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_txt_article_builds_with_its_headings_and_escaped_text(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/brief.txt": (
                "---\ndate: 2024-11-05\n---\nKursk Briefing\nThe lede <b>with</b> & marks.\n"
                "Sappers Arrive\nThe first 300 sappers crossed.\nLSI Keyword: Rail Logistics\nTrains ran.\n"
            )
        }
    )
    assert main(["build", "--source", str(root)]) == 0
    page = (root / "build" / "articles" / "brief.html").read_text(encoding="utf-8")
    assert "<h1>Kursk Briefing</h1>" in page
    assert "The lede &lt;b&gt;with&lt;/b&gt; &amp; marks." in page
    assert ">Sappers Arrive</a></h3>" in page
    assert (root / "build" / "topics" / "rail-logistics.html").is_file()


def test_a_txt_article_without_a_date_is_reported_at_line_1_with_how_to_add_one(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/brief.txt": "Kursk Briefing\nThe lede.\n"})
    assert main(["build", "--source", str(root)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/articles/brief.txt:1: date: required, but missing (write it as YYYY-MM-DD); a .txt article gives it "
        "in front matter: start the file with a line '---', a line 'date: YYYY-MM-DD' and a line '---' "
        "(or turn it into Markdown with `kursk-site import`)"
    )


def test_an_empty_txt_article_is_reported_not_a_traceback(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/empty.txt": "---\ndate: 2024-11-05\n---\n\n\n"})
    assert main(["build", "--source", str(root)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/articles/empty.txt:1: no text: a .txt article starts with its title line"
    )


def test_the_console_script_imports(site: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kursk_site", "import", "wire/colon-headings.txt", "--date", "2024-11-05"],
        capture_output=True,
        text=True,
        check=False,
        cwd=site,
    )
    assert result.returncode == 0, result.stderr
    assert "  outlook: 1 part" in result.stdout.splitlines()
    assert (site / "content" / "articles" / "kursk-briefing-week-48.md").is_file()


def test_importing_a_txt_that_is_already_in_content_articles_warns_it_would_show_twice(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(site / "wire" / "windows.txt", site / "content" / "articles" / "windows.txt")
    assert main(["import", "content/articles/windows.txt"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Note: content/articles/windows.txt is in content/articles too: "
        "delete it, or the site will show this article twice."
    )


def test_importing_a_txt_of_content_articles_under_its_own_slug_says_the_build_would_stop(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(site / "wire" / "windows.txt", site / "content" / "articles" / "windows.txt")
    assert main(["import", "content/articles/windows.txt", "--slug", "windows"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Note: content/articles/windows.txt is in content/articles too: "
        "delete it, or the next build stops (the two have one slug)."
    )


def test_import_refuses_a_slug_another_article_file_makes(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "content" / "articles" / "2024").mkdir()
    (site / "content" / "articles" / "2024" / "Quiet Week.txt").write_text("Quiet week\n\nText.\n", encoding="utf-8")
    assert main(["import", "wire/no-headings.txt", "--slug", "quiet-week"]) == 1
    assert capsys.readouterr().err == (
        "kursk-site: error: content/articles/2024/Quiet Week.txt has the slug 'quiet-week' too (two articles may not"
        " share one); pass --slug to choose another name\n"
    )
    assert not (site / "content" / "articles" / "quiet-week.md").exists()
