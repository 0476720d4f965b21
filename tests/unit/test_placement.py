"""placement: the output's folders are spread over the disk, away from files a previous build just deleted."""

from __future__ import annotations

import fcntl
import os
import struct
from pathlib import Path

import pytest

from kursk_site.placement import GET_FLAGS, SPREAD_PREFIX, TOPDIR_FLAG, make_spread, spread_below
from tests.conftest import REPO
from tests.support import build_site


def flags(folder: Path) -> int | None:
    """The folder's inode flags, or None where the file system keeps none (tmpfs, say)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        return int(struct.unpack("i", fcntl.ioctl(fd, GET_FLAGS, b"\0\0\0\0"))[0])
    except OSError:
        return None
    finally:
        os.close(fd)


def test_a_folder_is_marked_as_the_top_of_a_folder_tree_where_the_file_system_keeps_flags(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    before = flags(folder)
    spread_below(folder)
    spread_below(folder)  # twice: no harm
    after = flags(folder)
    if before is None:
        assert after is None  # nothing to mark, and no error
    else:
        assert after == before | TOPDIR_FLAG


def test_a_spread_folder_is_made_under_its_own_name_and_nothing_else_is_left(tmp_path: Path) -> None:
    spread_below(tmp_path)
    make_spread(tmp_path, "articles")
    make_spread(tmp_path, "sections")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles", "sections"]
    assert all(p.is_dir() for p in tmp_path.iterdir())


def test_a_spread_folder_where_a_file_stands_fails_as_mkdir_does(tmp_path: Path) -> None:
    (tmp_path / "articles").write_text("a file", encoding="utf-8")
    with pytest.raises(FileExistsError):
        make_spread(tmp_path, "articles")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(SPREAD_PREFIX)]


def test_a_build_leaves_no_folder_of_a_temporary_name_in_its_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(REPO, out)
    leftovers = [p for p in out.rglob("*") if p.name.startswith(SPREAD_PREFIX)]
    assert leftovers == []
    assert (out / "articles").is_dir() and (out / "sections").is_dir()
    marked = flags(out)
    assert marked is None or marked & TOPDIR_FLAG
