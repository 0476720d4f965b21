"""The writer's own guard: whatever a stage hands it, no file lands outside the output folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from kursk_site.errors import BuildFailed
from kursk_site.model import OutputFile
from kursk_site.writer import MARKER, write_site
from tests.hardening.conftest import write_files


@pytest.mark.parametrize("path", ["../escaped.html", "/tmp/escaped.html", "a/../../escaped.html", MARKER, "."])
def test_a_path_outside_the_output_is_refused_and_nothing_is_written(tmp_path: Path, path: str) -> None:
    out = tmp_path / "out"
    files = [OutputFile(PurePosixPath("index.html"), b"ok", "home"), OutputFile(PurePosixPath(path), b"x", "evil")]
    with pytest.raises(BuildFailed) as failed:
        write_site(files, out)
    assert [str(e) for e in failed.value.errors] == [f"evil: refusing to write {path!r}: outside the output folder"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_two_files_for_one_path_even_by_letter_case_are_refused(tmp_path: Path) -> None:
    files = [
        OutputFile(PurePosixPath("a/Page.html"), b"1", "one.md"),
        OutputFile(PurePosixPath("a/page.html"), b"2", "two.md"),
    ]
    with pytest.raises(BuildFailed) as failed:
        write_site(files, tmp_path / "out")
    assert str(failed.value) == "two.md: a/page.html is written twice: also by one.md"
    assert not (tmp_path / "out").exists()


def test_the_command_reports_bad_content_without_a_traceback(tmp_path: Path) -> None:
    root = write_files(tmp_path / "site", {"content/articles/a.md": b"---\ntitle: [\n---\n\xff"})
    result = subprocess.run(
        [sys.executable, "-m", "kursk_site", "build", "--source", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "content/articles/a.md:4: not valid UTF-8 (byte 0xff); save the file as UTF-8\n"
        "build failed: 1 error; the previous output is unchanged\n"
    )
