"""Two builds at once never mix their output: the second is told another build is writing, and exits 2."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from kursk_site.cli import EXIT_OK, EXIT_USAGE, main
from tests.hardening.builds import articles, fork_build, render, snapshot, temp_folders, wait
from tests.hardening.conftest import write_files

RACES = 4


def test_a_build_while_another_holds_the_lock_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_files(tmp_path / "site", articles("a"))
    assert main(["build", "--source", str(site)]) == EXIT_OK
    before = snapshot(site / "build")
    capsys.readouterr()
    fd = os.open(site, os.O_RDONLY)  # what a running build holds: a lock on the output's parent folder
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        write_files(site, articles("b"))
        assert main(["build", "--source", str(site)]) == EXIT_USAGE
    finally:
        os.close(fd)
    assert capsys.readouterr().err == (
        f"kursk-site: error: another kursk-site build is writing in {site} (one build at a time writes an output"
        " folder there); try again when it has finished\n"
    )
    assert snapshot(site / "build") == before


def test_two_builds_started_together_leave_one_complete_site(tmp_path: Path) -> None:
    sources = {}
    for variant in ("a", "b"):
        root = write_files(tmp_path / variant, articles(variant))
        render(root, tmp_path / f"expected-{variant}")
        sources[variant] = root
    expected = [snapshot(tmp_path / f"expected-{v}") for v in ("a", "b")]
    out = tmp_path / "shared" / "build"
    for race in range(RACES):
        logs = {v: tmp_path / f"{v}-{race}.err" for v in sources}
        pids = {
            v: fork_build(["build", "--source", str(sources[v]), "--out", str(out)], stderr=logs[v]) for v in sources
        }
        codes = {v: wait(pid)[0] for v, pid in pids.items()}
        assert set(codes.values()) <= {EXIT_OK, EXIT_USAGE}
        assert EXIT_OK in codes.values()
        for v, code in codes.items():
            if code == EXIT_USAGE:
                assert "another kursk-site build is writing" in logs[v].read_text()
        assert snapshot(out) in expected
        assert temp_folders(out) == []
    shutil.rmtree(tmp_path / "shared")


def test_a_build_of_a_site_whose_cache_another_build_holds_touches_neither_cache_nor_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_files(tmp_path / "site", articles("a"))
    assert main(["build", "--source", str(site)]) == EXIT_OK
    cache = site / ".kursk-cache"
    before = snapshot(site / "build"), snapshot(cache)
    capsys.readouterr()
    fd = os.open(cache, os.O_RDONLY)  # what a running build of this site holds, whatever its output folder
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        write_files(site, articles("b"))
        assert main(["build", "--source", str(site), "--out", str(tmp_path / "elsewhere")]) == EXIT_USAGE
        assert main(["build", "--source", str(site)]) == EXIT_USAGE
    finally:
        os.close(fd)
    assert "another kursk-site build of this site is using its build cache (.kursk-cache/)" in capsys.readouterr().err
    assert (snapshot(site / "build"), snapshot(cache)) == before
    assert not (tmp_path / "elsewhere").exists()
    assert main(["build", "--source", str(site), "--no-cache", "--out", str(tmp_path / "elsewhere")]) == EXIT_OK
