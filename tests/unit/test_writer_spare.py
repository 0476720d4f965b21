"""writer: the spare folder (the output before last, kept in the build cache) brought up to date and swapped in."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from kursk_site import writer
from kursk_site.errors import BuildFailed
from kursk_site.model import OutputFile
from kursk_site.writer import MARKER, write_site


def out_file(path: str, data: bytes = b"x") -> OutputFile:
    return OutputFile(PurePosixPath(path), data, path)


def listing(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


def folders(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())


def build(out: Path, spare: Path, files: dict[str, bytes]) -> writer.WriteStats:
    """What a build does: files whose bytes equal the previous output's are carried over, the others written."""
    previous = writer.output_manifest(out)
    old = {rel: str(entry[0]) for rel, entry in previous[1].items()} if previous else {}
    kept = {rel: old[rel] for rel, data in files.items() if old.get(rel) == writer.content_digest(data)}
    return write_site([out_file(rel, data) for rel, data in files.items() if rel not in kept], out, kept, spare)


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    cache = tmp_path / "site" / ".kursk-cache"
    cache.mkdir(parents=True)
    return tmp_path / "site" / "build", cache / "output-1"


def test_the_previous_output_becomes_the_spare_and_the_next_build_swaps_it_in_up_to_date(
    places: tuple[Path, Path],
) -> None:
    out, spare = places
    build(out, spare, {"index.html": b"1", "a/x.html": b"x", "gone.html": b"g"})
    assert not spare.exists()
    build(out, spare, {"index.html": b"2", "a/x.html": b"x", "gone.html": b"g"})
    assert listing(spare) == {"index.html": b"1", "a/x.html": b"x", "gone.html": b"g"}  # the output before
    x_inode = (out / "a/x.html").stat().st_ino
    stats = build(out, spare, {"index.html": b"3", "a/x.html": b"x", "b/new.html": b"n"})
    assert listing(out) == {"index.html": b"3", "a/x.html": b"x", "b/new.html": b"n"}
    assert (out / "a/x.html").stat().st_ino == x_inode  # kept, not written
    assert stats.written == 2
    assert listing(spare) == {"index.html": b"2", "a/x.html": b"x", "gone.html": b"g"}
    assert sorted(p.name for p in out.parent.iterdir()) == [".kursk-cache", "build"]


def test_a_file_the_spare_holds_unchanged_keeps_the_output_s_modification_time(places: tuple[Path, Path]) -> None:
    out, spare = places
    for number in range(3):
        build(out, spare, {"same.html": b"s", "index.html": str(number).encode()})
    stamp = (out / "same.html").stat().st_mtime_ns
    build(out, spare, {"same.html": b"s", "index.html": b"last"})
    assert (out / "same.html").stat().st_mtime_ns == stamp


def test_files_put_into_the_output_by_hand_do_not_come_back_from_the_spare(places: tuple[Path, Path]) -> None:
    out, spare = places
    build(out, spare, {"index.html": b"1"})
    (out / "stray.html").write_bytes(b"stray")
    (out / "odd").mkdir()
    (out / "odd" / "x.txt").write_bytes(b"x")
    os.symlink("/", out / "root-link")
    for number in range(2, 5):
        build(out, spare, {"index.html": str(number).encode()})
        assert listing(out) == {"index.html": str(number).encode()}
        assert folders(out) == []
        assert not (out / "root-link").is_symlink()


def test_a_page_changed_in_place_by_hand_is_not_kept_from_the_spare(places: tuple[Path, Path]) -> None:
    out, spare = places
    build(out, spare, {"index.html": b"1", "page.html": b"page"})
    build(out, spare, {"index.html": b"2", "page.html": b"page"})
    with (out / "page.html").open("ab") as handle:  # the same file (a hard link) as the spare's
        handle.write(b" changed")
    with pytest.raises(writer.OutputChanged):  # the build that keeps it finds it changed
        build(out, spare, {"index.html": b"3", "page.html": b"page"})
    write_site([out_file("index.html", b"3"), out_file("page.html", b"page")], out, {}, spare)
    assert listing(out) == {"index.html": b"3", "page.html": b"page"}


def test_a_file_where_a_folder_now_goes_and_a_folder_where_a_file_goes(places: tuple[Path, Path]) -> None:
    out, spare = places
    build(out, spare, {"img": b"file", "data/a.json": b"a"})
    build(out, spare, {"img/logo.svg": b"svg", "data": b"file now"})
    build(out, spare, {"img/logo.svg": b"svg2", "data": b"file again"})
    assert listing(out) == {"img/logo.svg": b"svg2", "data": b"file again"}


def test_a_build_stopped_while_the_spare_is_brought_up_to_date_leaves_a_spare_no_build_trusts(
    places: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, spare = places
    build(out, spare, {"index.html": b"1", "a.html": b"a"})
    build(out, spare, {"index.html": b"2", "a.html": b"a"})
    with pytest.raises(BuildFailed):
        write_site([out_file("index.html", b"3"), out_file("../escape.html")], out, {}, spare)
    assert listing(out) == {"index.html": b"2", "a.html": b"a"}
    assert not (spare / MARKER).exists()
    build(out, spare, {"index.html": b"4", "a.html": b"a"})
    assert listing(out) == {"index.html": b"4", "a.html": b"a"}


def test_without_an_atomic_exchange_no_spare_is_kept(
    places: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, spare = places
    monkeypatch.setattr(writer, "_renameat2", lambda: None)
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    for number in range(3):
        build(out, spare, {"index.html": str(number).encode()})
    assert listing(out) == {"index.html": b"2"}
    assert not spare.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == [".kursk-cache", "build"]
