"""End to end: the editor's commands `init`, `new` and `check`, drafts and scheduling, and what the CLI prints."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kursk_site.cli import main
from kursk_site.install_spec import InstallSpec
from tests.conftest import MakeSite

ARTICLE = """\
---
title: {title}
date: {date}
tags: [Kursk]
draft: {draft}
---

The lede.

## Troops arrive

Deployment text.
"""
NOV_10_2024 = "1731240000"  # 2024-11-10T12:00:00Z


def article(title: str = "Sappers arrive", date: str = "2024-11-05", draft: str = "false") -> str:
    return ARTICLE.format(title=title, date=date, draft=draft)


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kursk_site", *args], capture_output=True, text=True, check=False, cwd=cwd, env=env
    )


def test_init_writes_a_site_that_builds_and_checks_cleanly_at_once(tmp_path: Path) -> None:
    site = tmp_path / "desk"
    assert main(["init", str(site)]) == 0
    for rel in (
        "content/site.yaml",
        "content/articles/how-this-desk-works.md",
        "templates/base.html",
        "templates/article.html",
        "templates/404.html",
        "templates/static/style.css",
        ".github/workflows/pages.yml",
        ".gitignore",
        "requirements.txt",
    ):
        assert (site / rel).is_file(), rel
    assert main(["check", "--strict", "--source", str(site)]) == 0
    assert main(["build", "--source", str(site)]) == 0
    page = (site / "build" / "articles" / "how-this-desk-works.html").read_text()
    assert "How this desk works" in page
    for key in ("deployment", "casualties", "economics", "outlook"):
        assert (site / "build" / "sections" / f"{key}.html").is_file()


def test_init_site_yaml_has_the_four_sections_and_the_workflow_deploys_the_build(tmp_path: Path) -> None:
    site = tmp_path / "desk"
    assert main(["init", str(site)]) == 0
    site_yaml = (site / "content" / "site.yaml").read_text()
    for key in ("deployment", "casualties", "economics", "outlook"):
        assert f"- key: {key}" in site_yaml
    workflow = (site / ".github" / "workflows" / "pages.yml").read_text()
    assert "kursk-site build --base-url" in workflow
    assert "actions/upload-pages-artifact" in workflow
    assert "path: build" in workflow
    assert "actions/deploy-pages" in workflow
    assert "{version}" not in workflow
    assert "/build/" in (site / ".gitignore").read_text()


def test_init_workflow_is_valid_yaml_and_installs_from_requirements_txt(tmp_path: Path) -> None:
    site = tmp_path / "desk"
    assert main(["init", str(site)]) == 0
    workflow = yaml.safe_load((site / ".github" / "workflows" / "pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs == [
        "python -m pip install -r requirements.txt",
        "kursk-site check",
        'kursk-site build --base-url "${{ steps.pages.outputs.base_url }}/"',
    ]
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    ]
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    requirements = (site / "requirements.txt").read_text()
    lines = [line for line in requirements.splitlines() if line and not line.startswith("#")]
    assert len(lines) == 1
    assert lines[0].startswith(("kursk-site==", "kursk-site @ git+https://"))


def test_init_writes_the_git_commit_it_was_installed_from_to_requirements_txt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = InstallSpec("kursk-site @ git+https://github.com/desk/kursk-site@" + "a" * 40, False)
    monkeypatch.setattr("kursk_site.install_spec.running_install_spec", lambda: spec)
    site = tmp_path / "desk"
    assert main(["init", str(site)]) == 0
    requirements = (site / "requirements.txt").read_text()
    assert requirements.endswith(f"\n{spec.requirement}\n")
    assert "# kursk-site init wrote the Git commit of the kursk-site it ran" in requirements
    out, err = capsys.readouterr()
    assert f"The Pages workflow installs kursk-site as requirements.txt says: {spec.requirement}\n" in out
    assert err == ""


def test_init_warns_when_requirements_txt_asks_the_package_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("kursk_site.install_spec.running_install_spec", lambda: InstallSpec("kursk-site==0.1.0", True))
    site = tmp_path / "desk"
    assert main(["init", str(site)]) == 0
    assert (site / "requirements.txt").read_text().endswith("\nkursk-site==0.1.0\n")
    out, err = capsys.readouterr()
    assert "The Pages workflow installs kursk-site as requirements.txt says: kursk-site==0.1.0\n" in out
    assert err == (
        "kursk-site: warning: the Pages workflow installs kursk-site==0.1.0 from the package index (PyPI); if that"
        " version is not available there, edit requirements.txt to a Git address"
        " (kursk-site @ git+https://HOST/OWNER/REPOSITORY@COMMIT)\n"
    )


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_accepts_an_empty_existing_folder(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    assert (tmp_path / "content" / "site.yaml").is_file()


def test_new_writes_a_draft_dated_today_with_a_slug_from_the_title(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOV_10_2024)
    assert main(["new", "Sappers arrive in Kursk: the “second wave”", "--source", str(root)]) == 0
    path = root / "content" / "articles" / "sappers-arrive-in-kursk-the-second-wave.md"
    text = path.read_text()
    assert text.startswith('---\ntitle: "Sappers arrive in Kursk: the “second wave”"\ndate: 2024-11-10\n')
    assert "draft: true" in text
    for key in ("deployment", "casualties", "economics", "outlook"):
        assert f"{{section: {key}}}" in text
    assert "content/articles/sappers-arrive-in-kursk-the-second-wave.md" in capsys.readouterr().out
    assert main(["build", "--drafts", "--source", str(root)]) == 0
    built = (root / "build" / "articles" / "sappers-arrive-in-kursk-the-second-wave.html").read_text()
    assert "Sappers arrive in Kursk: the “second wave”" in built


def test_new_with_a_section_starts_with_that_section_only(make_site: MakeSite) -> None:
    root = make_site({})
    assert main(["new", "Wages", "--section", "economics", "--source", str(root)]) == 0
    text = (root / "content" / "articles" / "wages.md").read_text()
    assert "{section: economics}" in text
    assert "{section: deployment}" not in text


def test_new_never_overwrites_an_article(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/articles/sappers-arrive.md": article()})
    assert main(["new", "Sappers Arrive!", "--source", str(root)]) == 2
    assert "content/articles/sappers-arrive.md already has the slug 'sappers-arrive'" in capsys.readouterr().err
    assert (root / "content" / "articles" / "sappers-arrive.md").read_text() == article()


def test_new_refuses_a_slug_that_another_article_gives_in_its_front_matter(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    custom = article().replace("---\n", "---\nslug: quiet-week\n", 1)
    root = make_site({"content/articles/zz-custom.md": custom})
    assert main(["new", "Quiet week", "--source", str(root)]) == 2
    assert "content/articles/zz-custom.md already has the slug 'quiet-week'" in capsys.readouterr().err
    assert not (root / "content" / "articles" / "quiet-week.md").exists()


def test_new_rejects_an_unknown_section_listing_the_valid_ones(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({})
    assert main(["new", "Wages", "--section", "money", "--source", str(root)]) == 2
    assert "expected one of: deployment, casualties, economics, outlook" in capsys.readouterr().err
    assert not (root / "content" / "articles" / "wages.md").exists()


def test_new_rejects_a_title_with_nothing_to_make_a_file_name_from(make_site: MakeSite) -> None:
    assert main(["new", "?!", "--source", str(make_site({}))]) == 2


def test_check_reports_errors_with_their_place_and_writes_nothing(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/a.md": article(date="2024-13-01"), "content/articles/b.md": article("B")})
    assert main(["check", "--source", str(root)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "content/articles/a.md:3: date: no such date: '2024-13-01'"
    assert err[-1] == "check failed: 1 error"
    assert not (root / "build").exists()


def test_check_prints_warnings_and_passes_without_strict(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/a.md": article(), "content/articles/b.md": article(draft="true")})
    assert main(["check", "--source", str(root)]) == 0
    captured = capsys.readouterr()
    assert (
        captured.err
        == "content/articles/b.md:5: warning: draft: left out of the build (build with --drafts to see it)\n"
    )
    assert re.fullmatch(r"Checked \d+ pages from 1 article: 1 warning\n", captured.out)
    assert not (root / "build").exists()


def test_check_strict_turns_warnings_into_errors(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/articles/a.md": article(), "content/articles/b.md": article(draft="true")})
    assert main(["check", "--strict", "--source", str(root)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/articles/b.md:5: draft: left out of the build (build with --drafts to see it)",
        "check failed: 1 error (warnings, with --strict)",
    ]


def test_drafts_are_built_only_with_the_drafts_option(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article(), "content/articles/b.md": article("Draft", draft="true")})
    assert main(["build", "--source", str(root)]) == 0
    assert not (root / "build" / "articles" / "b.html").exists()
    assert main(["build", "--drafts", "--source", str(root)]) == 0
    assert (root / "build" / "articles" / "b.html").is_file()


def test_an_article_dated_later_is_published_from_its_date_or_with_future(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/a.md": article(), "content/articles/later.md": article("Later", "2024-11-12")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOV_10_2024)
    assert main(["build", "--source", str(root)]) == 0
    assert not (root / "build" / "articles" / "later.html").exists()
    assert "1 left out (drafts or dated later)" in capsys.readouterr().out
    assert main(["build", "--future", "--source", str(root)]) == 0
    assert (root / "build" / "articles" / "later.html").is_file()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOV_10_2024) + 2 * 86400))
    assert main(["build", "--source", str(root)]) == 0
    assert (root / "build" / "articles" / "later.html").is_file()


def test_a_bad_source_date_epoch_is_a_usage_error(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site({"content/articles/a.md": article()})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert main(["build", "--source", str(root)]) == 2


def test_quiet_prints_nothing_on_success(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/articles/a.md": article()})
    for command in ("build", "check"):
        assert main([command, "--quiet", "--source", str(root)]) == 0
    assert capsys.readouterr() == ("", "")


def test_verbose_tells_each_step(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/articles/a.md": article()})
    assert main(["build", "--verbose", "--source", str(root)]) == 0
    err = capsys.readouterr().err
    assert "reading content..." in err
    assert re.search(r"^writing \d+ files\.\.\.$", err, re.MULTILINE)


def test_on_a_pipe_build_prints_only_the_summary_line(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article()})
    result = run("build", "--source", str(root))
    assert result.returncode == 0
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1
    assert re.match(r"Built \d+ pages from 1 article ", result.stdout)


def test_built_files_never_contain_the_preview_reload_script(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article()})
    assert main(["build", "--source", str(root)]) == 0
    for page in (root / "build").rglob("*.html"):
        text = page.read_text()
        assert "EventSource" not in text
        assert "__kursk-site" not in text


def test_every_command_documents_quiet_and_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("build", "check", "serve", "init", "new"):
        assert main([command, "--help"]) == 0
        out = capsys.readouterr().out
        assert "--quiet" in out
        assert "--verbose" in out


def test_on_a_terminal_build_shows_each_step_then_clears_the_line(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": article()})
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kursk_site", "build", "--source", str(root)],
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal is closed once everything is read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert result.returncode == 0
    assert re.match(r"Built \d+ pages", result.stdout)
    assert b"reading content..." in shown
    assert re.search(rb"writing \d+ files\.\.\.", shown)
    assert shown.endswith(b"\r\x1b[K")


def test_init_writes_into_a_new_repository_holding_only_its_git_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "my desk"
    (site / ".git").mkdir(parents=True)
    assert main(["init", str(site)]) == 0
    assert (site / "content" / "site.yaml").is_file()
    assert f"Next: cd '{site}' && kursk-site serve" in capsys.readouterr().out
    (site / "notes.txt").write_text("x")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("x")
    assert main(["init", str(other)]) == 2


def test_new_refuses_a_file_name_taken_by_an_article_with_another_slug(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    other = article().replace("---\n", "---\nslug: sappers-arrive\n", 1)
    root = make_site({"content/articles/other.md": other})
    assert main(["new", "Other", "--source", str(root)]) == 2
    assert "content/articles/other.md already exists" in capsys.readouterr().err


def test_check_names_the_files_of_the_articles_folder_the_build_does_not_read(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/a.md": article(), "content/articles/notes.markdown": article()})
    (root / "content/articles/gone.md").symlink_to(root / "nowhere.md")
    os.mkfifo(root / "content/articles/pipe.md")
    (root / "content/articles/.hidden.markdown").write_text("x")
    assert main(["check", "--source", str(root)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "content/articles/gone.md: warning: not read: a link that leads to no file",
        "content/articles/notes.markdown: warning: not read: an article's file name ends in .md (Markdown) or .txt"
        " (wire copy)",
        "content/articles/pipe.md: warning: not read: not a file",
    ]
