"""End to end: `kursk-site build` on small sites and on the shipped site, exit codes, summary and options."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kursk_site import cli
from kursk_site.cli import main
from tests.conftest import REPO, MakeSite
from tests.support import tree_bytes

ARTICLE = """\
---
title: Sappers arrive
date: 2024-11-05
tags: [Kursk]
---

The lede.

## Troops arrive

Deployment text.
"""

DRAFT = """\
---
title: Not yet
date: 2024-12-01
draft: true
---

Draft text.
"""

SUMMARY = re.compile(
    r"^Built (\d+) pages from (\d+) articles? \((\d+) files, (\d+) written, (\d+) unchanged, \d+ KB\) "
    r"in \d+\.\d\d s -> (.+)\n$"
)


def test_build_writes_every_kind_of_page(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    assert main(["build", "--source", str(root)]) == 0
    out = root / "build"
    for rel in (
        "index.html",
        "articles/a.html",
        "sections/deployment.html",
        "sections/casualties.html",
        "sections/economics.html",
        "sections/outlook.html",
        "topics/index.html",
        "topics/kursk.html",
        "sources.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "assets/style.css",
    ):
        assert (out / rel).is_file(), rel


def test_a_build_prints_one_summary_line_with_the_counts(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    assert main(["build", "--source", str(root)]) == 0
    captured = capsys.readouterr()
    match = SUMMARY.match(captured.out)
    assert match, captured.out
    pages, articles, files, written, unchanged, out = match.groups()
    html = list((root / "build").rglob("*.html"))
    assert (int(pages), int(articles)) == (len(html), 1)
    assert int(files) == len(tree_bytes(root / "build"))
    assert (int(written), int(unchanged)) == (int(files), 0)
    assert Path(out) == root / "build"
    assert captured.err == ""


def test_a_second_build_reports_the_files_it_kept(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    main(["build", "--source", str(root)])
    capsys.readouterr()
    main(["build", "--source", str(root)])
    match = SUMMARY.match(capsys.readouterr().out)
    assert match
    assert match.group(4) == "0"
    assert match.group(5) == match.group(3)


def test_source_defaults_to_the_current_folder(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    monkeypatch.chdir(root)
    assert main(["build"]) == 0
    assert (root / "build" / "articles" / "a.html").is_file()
    assert capsys.readouterr().out.rstrip().endswith("-> build")


def test_out_chooses_the_output_folder(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    out = tmp_path / "elsewhere" / "site"
    assert main(["build", "--source", str(root), "--out", str(out)]) == 0
    assert (out / "articles" / "a.html").is_file()
    assert not (root / "build").exists()


def test_base_url_gives_canonical_links_and_absolute_feed_and_sitemap_urls(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    assert main(["build", "--source", str(root), "--base-url", "https://example.org/sub"]) == 0
    out = root / "build"
    page = (out / "articles" / "a.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/sub/articles/a.html">' in page
    assert "<loc>https://example.org/sub/articles/a.html</loc>" in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/sub/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")
    assert 'href="https://example.org/sub/articles/a.html"' in (out / "feed.xml").read_text(encoding="utf-8")


def test_without_base_url_there_is_no_canonical_link(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    assert main(["build", "--source", str(root)]) == 0
    for page in (root / "build").rglob("*.html"):
        assert 'rel="canonical"' not in page.read_text(encoding="utf-8"), page


def test_drafts_are_left_out_unless_asked_for(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"content/articles/a.md": ARTICLE, "content/articles/draft.md": DRAFT})
    assert main(["build", "--source", str(root)]) == 0
    assert not (root / "build" / "articles" / "draft.html").exists()
    assert "Not yet" not in (root / "build" / "index.html").read_text(encoding="utf-8")
    assert main(["build", "--source", str(root), "--drafts"]) == 0
    assert (root / "build" / "articles" / "draft.html").is_file()
    assert "Not yet" in (root / "build" / "index.html").read_text(encoding="utf-8")


def test_two_builds_give_byte_identical_output(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"content/articles/a.md": ARTICLE, "content/articles/b.md": ARTICLE.replace("Sappers", "B")})
    assert main(["build", "--source", str(root), "--out", str(tmp_path / "one")]) == 0
    assert main(["build", "--source", str(root), "--out", str(tmp_path / "two")]) == 0
    one, two = tree_bytes(tmp_path / "one"), tree_bytes(tmp_path / "two")
    assert one == two
    assert len(one) > 10


def test_the_shipped_site_builds_byte_identically_twice(tmp_path: Path) -> None:
    # --no-cache: a test writes nothing into the repository
    assert main(["build", "--source", str(REPO), "--out", str(tmp_path / "one"), "--no-cache"]) == 0
    assert main(["build", "--source", str(REPO), "--out", str(tmp_path / "two"), "--no-cache"]) == 0
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["bake"], "invalid choice: 'bake'"),
        (["build", "--colour"], "unrecognized arguments: --colour"),
        (["build", "--source", "{missing}"], "no such folder"),
        (["build", "--source", "{empty}"], "no content/ folder here"),
        (["build", "--source", "{site}", "--base-url", "example.org"], "--base-url: expected an absolute http(s) URL"),
        (["build", "--source", "{site}", "--out", "{site}"], "refusing to use"),
        (["build", "--source", "{site}", "--out", "{foreign}"], "holds files kursk-site did not write"),
    ],
)
def test_usage_errors_exit_2_with_a_message_and_no_traceback(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    (tmp_path / "empty").mkdir()
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("mine", encoding="utf-8")
    places = {
        "missing": tmp_path / "missing",
        "empty": tmp_path / "empty",
        "site": root,
        "foreign": tmp_path / "foreign",
    }
    assert main([arg.format(**places) for arg in argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert (tmp_path / "foreign" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_version_and_help_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("kursk-site ")
    assert main(["build", "--help"]) == 0
    assert "--base-url" in capsys.readouterr().out


def test_the_console_script_builds_the_shipped_site(tmp_path: Path) -> None:
    out = tmp_path / "out"
    script = Path(sys.executable).parent / "kursk-site"
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "kursk_site"]
    result = subprocess.run(
        [*command, "build", "--source", str(REPO), "--out", str(out), "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert SUMMARY.match(result.stdout), result.stdout
    assert result.stderr == ""
    assert (out / "articles" / "north-korea-kursk-deployment.html").is_file()


def test_a_content_error_from_a_subprocess_exits_1_without_a_traceback(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE.replace("title: Sappers arrive\n", "")})
    result = subprocess.run(
        [sys.executable, "-m", "kursk_site", "build", "--source", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "content/articles/a.md:2: title: required, but missing"
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_site_without_articles_still_builds_every_fixed_page(make_site: MakeSite) -> None:
    root = make_site({})
    assert main(["build", "--source", str(root)]) == 0
    out = root / "build"
    assert "No articles yet." in (out / "index.html").read_text(encoding="utf-8")
    assert "No article has a part" in (out / "sections" / "economics.html").read_text(encoding="utf-8")
    assert (out / "feed.xml").is_file()


class _Left(Exception):
    """Stands for the end of the program in the test below."""


@pytest.mark.parametrize("builds", [1, 2, 3], ids=["cold", "nothing-changed", "after-an-edit"])
def test_run_as_the_program_a_build_ends_once_its_summary_is_shown(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, builds: int
) -> None:
    """As the program (cli.run), the build's summary is shown once and the process ends there with 0, while the
    build still holds the site (see cli.run_build): whether the build read the site, found nothing to do or
    rebuilt after an edit."""
    root = make_site({"content/articles/a.md": ARTICLE, "content/articles/b.md": ARTICLE.replace("Sappers", "B")})
    for _ in range(builds - 1):
        assert main(["build", "--source", str(root)]) == 0
    if builds == 3:
        with (root / "content/articles/a.md").open("a", encoding="utf-8") as handle:
            handle.write("\nOne more paragraph.\n")
    capsys.readouterr()
    left: list[tuple[int, bool]] = []

    def leave(code: int) -> None:
        holding = any(frame.function == "_build_site" for frame in inspect.stack())
        left.append((code, holding))
        raise _Left

    monkeypatch.setattr(cli, "leave", leave)
    monkeypatch.setattr(sys, "argv", ["kursk-site", "build", "--source", str(root)])
    with pytest.raises(_Left):
        cli.run()
    assert left == [(0, builds != 2)]  # (a build with nothing to do holds no site)
    out = capsys.readouterr().out
    assert SUMMARY.match(out), out  # (one line)
    assert (root / "build" / "articles" / "a.html").is_file()
