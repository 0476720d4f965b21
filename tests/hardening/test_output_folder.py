"""The output folder: places kursk-site must not replace are refused, and nothing outside the output is touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kursk_site import pipeline as build_module
from kursk_site.cli import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, main
from kursk_site.errors import UsageError
from kursk_site.writer import MARKER, check_out_dir
from tests.hardening.conftest import write_files

ARTICLE = "---\ntitle: A\ndate: 2024-11-05\n---\nText.\n"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder` with its bytes and modification time."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_files(tmp_path / "site", {"content/articles/a.md": ARTICLE})


@pytest.fixture
def no_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests that point --out at a real system folder: writing must never be reached."""

    def refuse(*args: object) -> None:
        raise AssertionError("write_site was called")

    monkeypatch.setattr(build_module, "write_site", refuse)


def refused(site: Path, out: Path | str, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["build", "--source", str(site), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE, err
    assert err.startswith("kursk-site: error: refusing to ")
    return err


def test_out_at_the_site_folder_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(site)
    assert f"refusing to use {site} as the output folder: it is the source folder" in refused(site, site, capsys)
    assert snapshot(site) == before


def test_out_at_a_folder_holding_the_site_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(site.parent)
    assert f"it holds {site}" in refused(site, site.parent, capsys)
    assert snapshot(site.parent) == before


def test_out_at_the_content_folder_or_inside_it_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(site)
    assert "it is a folder the build reads" in refused(site, site / "content", capsys)
    assert "inside" in refused(site, site / "content" / "articles" / "out", capsys)
    assert snapshot(site) == before
    assert not (site / "content" / "articles" / "out").exists()


def test_out_inside_a_templates_or_static_folder_not_there_yet_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "inside the input folder" in refused(site, site / "templates" / "x", capsys)
    assert "inside the input folder" in refused(site, site / "static" / "x", capsys)
    assert "inside the input folder" in refused(site, site / ".kursk-cache" / "x", capsys)
    assert not (site / "templates").exists() and not (site / "static").exists()


def test_out_inside_the_templates_folder_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_files(site, {"templates/static/extra.css": "p {}\n"})
    refused(site, site / "templates" / "static" / "out", capsys)
    assert sorted(p.name for p in (site / "templates" / "static").iterdir()) == ["extra.css"]


def test_out_at_the_static_folder_or_inside_it_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """static/ is copied into the output: an output there would be copied into itself on the next build."""
    (site / "static").mkdir(exist_ok=True)
    before = snapshot(site)
    assert "it is a folder the build reads" in refused(site, site / "static", capsys)
    assert "inside" in refused(site, site / "static" / "out", capsys)
    assert snapshot(site) == before


@pytest.mark.usefixtures("no_writes")
def test_out_at_the_home_folder_is_refused(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert "it is your home folder" in refused(site, home, capsys)
    assert f"it holds {site}" in refused(site, tmp_path, capsys)


@pytest.mark.usefixtures("no_writes")
def test_out_at_the_file_system_root_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "refusing to use / as the output folder" in refused(site, "/", capsys)
    with pytest.raises(UsageError):
        check_out_dir(Path("/"), ())


def test_a_folder_of_foreign_files_is_refused_and_kept(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    write_files(out, {"notes.txt": "keep me", "deep/photo.jpg": b"\xff\xd8"})
    before = snapshot(out)
    assert "holds files kursk-site did not write" in refused(site, out, capsys)
    assert snapshot(out) == before


def test_a_file_as_out_is_refused(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "file.html"
    out.write_text("keep me")
    code = main(["build", "--source", str(site), "--out", str(out)])
    assert code == EXIT_USAGE
    assert "is a file, not a folder" in capsys.readouterr().err
    assert out.read_text() == "keep me"


def test_a_symlink_to_the_site_is_refused(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "link"
    link.symlink_to(site, target_is_directory=True)
    refused(site, link, capsys)
    assert link.is_symlink()


def test_an_empty_folder_and_a_previous_build_are_accepted(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert main(["build", "--source", str(site), "--out", str(out)]) == EXIT_OK
    assert (out / MARKER).is_file()
    (out / "stray.txt").write_text("added by hand")  # (not deleted: the build stops)
    assert main(["build", "--source", str(site), "--out", str(out)]) == EXIT_USAGE
    assert (out / "stray.txt").read_text() == "added by hand"


def test_builds_never_touch_anything_beside_the_output(site: Path, tmp_path: Path) -> None:
    sentinels = {
        "site/notes.txt": "beside the output",
        "site/build-old/index.html": "an old copy",
        "site/.kursk-tmp-other/keep.txt": "not a temp of ours",
        "site/buildings/keep.txt": "a similar name",
        "outside.txt": "above the site",
    }
    write_files(tmp_path, sentinels)
    before = snapshot(tmp_path)
    for _ in range(2):
        assert main(["build", "--source", str(site)]) == EXIT_OK
    write_files(site, {"content/articles/b.md": "---\ntitle: [broken\n---\n"})
    assert main(["build", "--source", str(site)]) == EXIT_CONTENT
    after = snapshot(tmp_path)
    for rel, _text in sentinels.items():
        assert after[rel] == before[rel]
    allowed = ("site/build/", "site/.kursk-cache/")  # the output, and the build cache (the only other write)
    assert all(rel in before or rel.startswith(allowed) or rel == "site/content/articles/b.md" for rel in after)


def test_a_failed_build_leaves_the_previous_output_exactly_as_it_was(site: Path) -> None:
    assert main(["build", "--source", str(site)]) == EXIT_OK
    before = snapshot(site / "build")
    write_files(site, {"content/articles/a.md": "---\ntitle: 5\ndate: 2024-11-05\n---\nText.\n"})
    assert main(["build", "--source", str(site)]) == EXIT_CONTENT
    assert snapshot(site / "build") == before


def test_a_folder_left_by_a_killed_build_is_removed_by_the_next_but_not_those_of_other_outputs(site: Path) -> None:
    stale = site / ".kursk-tmp-build-abc_1234"
    write_files(stale, {"index.html": "half written"})
    other = {".kursk-tmp-build-preview-abcd1234/index.html": "another output's", ".kursk-tmp-build-x/a": "not a temp"}
    write_files(site, other)
    assert main(["build", "--source", str(site)]) == EXIT_OK
    assert not stale.exists()
    assert all((site / rel).read_text() == text for rel, text in other.items())
    assert sorted(os.listdir(site)) == [
        ".kursk-cache",
        ".kursk-tmp-build-preview-abcd1234",
        ".kursk-tmp-build-x",
        "build",
        "content",
    ]


def test_a_previous_build_turned_into_a_git_checkout_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = site / "build"
    assert main(["build", "--source", str(site)]) == EXIT_OK
    write_files(out, {".git/HEAD": "ref: refs/heads/gh-pages\n"})
    before = snapshot(out)
    assert "it holds .git, which kursk-site did not write" in refused(site, out, capsys)
    assert snapshot(out) == before


def test_a_build_folder_that_is_a_link_is_written_through_not_replaced(site: Path, tmp_path: Path) -> None:
    target = tmp_path / "www"
    assert main(["build", "--source", str(site), "--out", str(target)]) == EXIT_OK
    (site / "build").symlink_to(target)
    assert main(["build", "--source", str(site)]) == EXIT_OK
    assert (site / "build").is_symlink()
    assert (target / MARKER).is_file()


def test_an_output_inside_a_file_is_refused_as_a_usage_error(site: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    assert main(["build", "--source", str(site), "--out", str(tmp_path / "afile" / "sub")]) == EXIT_USAGE


def test_a_build_link_to_nothing_is_refused_and_nothing_is_made(site: Path, tmp_path: Path) -> None:
    target = tmp_path / "unmounted" / "site"
    (site / "build").symlink_to(target)
    assert main(["build", "--source", str(site)]) == EXIT_USAGE
    assert not (tmp_path / "unmounted").exists()
