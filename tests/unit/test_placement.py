"""placement: the output's files are created away from files a previous build just deleted."""

from __future__ import annotations

import fcntl
import os
import struct
from pathlib import Path, PurePosixPath

import pytest

from kursk_site import placement
from kursk_site.model import OutputFile
from kursk_site.placement import (
    GET_FLAGS,
    SLOW_CREATION_NS,
    SPREAD_PREFIX,
    TOPDIR_FLAG,
    WINDOW,
    Places,
    spread_below,
)
from kursk_site.writer.files import write_file
from kursk_site.writer.fill import Fill
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
    places = Places(tmp_path)
    places.make_folder("articles")
    places.make_folder("sections")
    places.remove()  # (folders found slow to create files in, left standing meanwhile)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles", "sections"]
    assert all(p.is_dir() for p in tmp_path.iterdir())


def test_a_spread_folder_where_a_file_stands_fails_as_mkdir_does(tmp_path: Path) -> None:
    (tmp_path / "articles").write_text("a file", encoding="utf-8")
    places = Places(tmp_path)
    with pytest.raises(FileExistsError):
        places.make_folder("articles")
    places.remove()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(SPREAD_PREFIX)]


def test_a_build_leaves_no_folder_of_a_temporary_name_in_its_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(REPO, out)
    leftovers = [p for p in out.rglob("*") if p.name.startswith(SPREAD_PREFIX)]
    assert leftovers == []
    assert (out / "articles").is_dir() and (out / "sections").is_dir()
    marked = flags(out)
    assert marked is None or marked & TOPDIR_FLAG


class Clock:
    """A stand-in for time.perf_counter_ns: creating each of the first `slow` files (timed by two readings) takes
    three times too long, each next one a tenth of too long."""

    def __init__(self, slow: int) -> None:
        self.now = self.readings = 0
        self.slow = slow

    def __call__(self) -> int:
        self.readings += 1
        self.now += 3 * SLOW_CREATION_NS if self.readings <= 2 * self.slow else SLOW_CREATION_NS // 10
        return self.now


def slow_disk(monkeypatch: pytest.MonkeyPatch, *, places_quick: bool, slow: int = 1_000_000) -> None:
    """Creating the first `slow` files takes three times too long; in a new place, `places_quick` says."""
    monkeypatch.setattr(placement.sys, "platform", "linux")
    monkeypatch.setattr(placement, "on_ext", lambda folder: True)
    monkeypatch.setattr(placement.time, "perf_counter_ns", Clock(slow))
    cost = SLOW_CREATION_NS // 10 if places_quick else 3 * SLOW_CREATION_NS
    monkeypatch.setattr(placement, "creation_cost", lambda folder: cost)


def write_many(root: Path, count: int, places: Places) -> None:
    (root / "articles").mkdir(exist_ok=True)
    for index in range(count):
        write_file(f"{root}/articles/{index}.html", f"page {index}".encode(), places)


def test_files_slow_to_create_in_their_folder_are_created_elsewhere_and_moved_into_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_disk(monkeypatch, places_quick=True, slow=WINDOW)
    places = Places(tmp_path)
    moved: list[str] = []
    rename = os.rename
    monkeypatch.setattr(os, "rename", lambda a, b: moved.append(str(b)) or rename(a, b))
    write_many(tmp_path, 3 * WINDOW, places)
    assert len(moved) == 2 * WINDOW  # (the first WINDOW files showed it slow)
    files = sorted((tmp_path / "articles").iterdir(), key=lambda p: int(p.stem))
    assert [p.read_text(encoding="utf-8") for p in files] == [f"page {i}" for i in range(3 * WINDOW)]
    left = [p for p in tmp_path.iterdir() if p.name.startswith(SPREAD_PREFIX)]
    assert len(left) == 1 and not any(left[0].iterdir())  # the place, empty: each file moved out
    places.remove()
    assert [p.name for p in tmp_path.iterdir()] == ["articles"]


def test_where_a_new_place_is_as_slow_files_are_created_where_they_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_disk(monkeypatch, places_quick=False)
    places = Places(tmp_path)
    monkeypatch.setattr(os, "rename", lambda a, b: pytest.fail("moved a file"))
    write_many(tmp_path, 4 * WINDOW, places)
    assert len(list((tmp_path / "articles").iterdir())) == 4 * WINDOW
    places.remove()
    assert [p.name for p in tmp_path.iterdir()] == ["articles"]


def test_on_other_systems_files_are_created_where_they_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow_disk(monkeypatch, places_quick=True)
    monkeypatch.setattr(placement.sys, "platform", "darwin")
    places = Places(tmp_path)
    monkeypatch.setattr(os, "rename", lambda a, b: pytest.fail("moved a file"))
    write_many(tmp_path, 4 * WINDOW, places)
    assert len(list((tmp_path / "articles").iterdir())) == 4 * WINDOW


def test_a_place_turning_slow_is_left_for_a_new_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow_disk(monkeypatch, places_quick=True)
    places = Places(tmp_path)
    write_many(tmp_path, 4 * WINDOW, places)  # slow in articles/, then in each place in turn
    made = [p for p in tmp_path.iterdir() if p.name.startswith(SPREAD_PREFIX)]
    assert len(made) == 4  # (after each WINDOW files)
    assert len(list((tmp_path / "articles").iterdir())) == 4 * WINDOW
    places.remove()
    assert [p.name for p in tmp_path.iterdir()] == ["articles"]


def test_a_folder_first_met_once_others_turned_slow_starts_in_the_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_disk(monkeypatch, places_quick=True, slow=WINDOW)
    places = Places(tmp_path)
    write_many(tmp_path, WINDOW, places)  # slow: articles/ moves to a place
    moved: list[str] = []
    rename = os.rename
    monkeypatch.setattr(os, "rename", lambda a, b: moved.append(str(b)) or rename(a, b))
    (tmp_path / "topics").mkdir()
    write_file(f"{tmp_path}/topics/drones.html", b"drones", places)
    assert moved == [f"{tmp_path}/topics/drones.html"]
    assert (tmp_path / "topics" / "drones.html").read_bytes() == b"drones"


def test_a_forked_process_never_creates_files_in_the_place_of_the_process_it_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_disk(monkeypatch, places_quick=True, slow=WINDOW)
    places = Places(tmp_path)
    write_many(tmp_path, WINDOW + 1, places)  # articles/ moved to a place
    parents = {p.name for p in tmp_path.iterdir() if p.name.startswith(SPREAD_PREFIX)}
    created: list[str] = []
    opened = os.open
    monkeypatch.setattr(os, "open", lambda path, *rest: created.append(str(path)) or opened(path, *rest))
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as in a forked child
    write_file(f"{tmp_path}/articles/child.html", b"child", places)
    assert created == [f"{tmp_path}/articles/child.html"]
    assert {p.name for p in tmp_path.iterdir() if p.name.startswith(SPREAD_PREFIX)} == parents


def test_on_other_file_systems_files_are_created_where_they_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow_disk(monkeypatch, places_quick=True)
    monkeypatch.setattr(placement, "on_ext", lambda folder: False)  # (a network disk, say: each creation slow)
    places = Places(tmp_path)
    monkeypatch.setattr(placement, "creation_cost", lambda folder: pytest.fail("timed a folder"))
    places.make_folder("articles")  # (made under a name of its own and renamed, as everywhere)
    monkeypatch.setattr(os, "rename", lambda a, b: pytest.fail("moved a file"))
    write_many(tmp_path, 4 * WINDOW, places)
    assert len(list((tmp_path / "articles").iterdir())) == 4 * WINDOW


def test_the_file_system_of_a_folder_is_read_from_the_mount_table() -> None:
    mounts = Path("/proc/self/mountinfo")
    if not mounts.is_file():  # (not Linux: nothing is timed)
        assert placement.on_ext(Path.cwd()) is False
        return
    shm = Path("/dev/shm")
    if shm.is_dir():
        assert placement.on_ext(shm) is False  # tmpfs
    lines = mounts.read_text(encoding="utf-8").splitlines()
    root_type = next(line.split(" - ")[1].split()[0] for line in lines if line.split()[4] == "/")
    device = os.stat("/").st_dev
    same = [line for line in lines if line.split()[2] == f"{os.major(device)}:{os.minor(device)}"]
    if same and same[0].split(" - ")[1].split()[0] == root_type:
        assert placement.on_ext(Path("/")) is (root_type in ("ext2", "ext3", "ext4"))


def test_an_output_left_unfinished_keeps_no_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow_disk(monkeypatch, places_quick=True, slow=WINDOW)
    folder = tmp_path / "filling"
    folder.mkdir()
    fill = Fill(folder, tmp_path / "out", {}, {})
    for index in range(4 * WINDOW):
        fill.write(OutputFile(PurePosixPath(f"articles/{index}.html"), b"page"))
    assert [p for p in folder.iterdir() if p.name.startswith(SPREAD_PREFIX)]  # (files were created in a place)
    fill.close()  # as when the build is stopped (Ctrl-C) before the folder is finished
    assert [p.name for p in folder.iterdir()] == ["articles"]
