"""writer: the spare folder (the output before last, kept in the build cache) brought up to date and swapped in."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from kursk_site import writer
from kursk_site.errors import BuildFailed
from kursk_site.model import OutputFile
from kursk_site.writer import MARKER, write_site
from kursk_site.writer import fill as writer_fill
from kursk_site.writer import manifest as writer_manifest
from kursk_site.writer import spare as writer_spare
from kursk_site.writer import swap as writer_swap


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


def build(out: Path, spare: Path, files: dict[str, bytes], look: bool = False) -> writer.WriteStats:
    """What a build does: files whose bytes equal the previous output's are carried over, the others written.
    `look`: as a rebuild after an edit does, with what look_at_spare finds in the spare first."""
    previous = writer_manifest.output_manifest(out)
    old = {rel: str(entry[0]) for rel, entry in previous[1].items()} if previous else {}
    kept = {rel: old[rel] for rel, data in files.items() if old.get(rel) == writer_manifest.content_digest(data)}
    looked = writer_spare.look_at_spare(spare) if look else None
    files_out = [out_file(rel, data) for rel, data in files.items() if rel not in kept]
    return write_site(files_out, out, kept, spare, looked=looked)


@pytest.fixture(params=[False, True], ids=["checked-here", "looked-at-first"])
def look(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    cache = tmp_path / "site" / ".kursk-cache"
    cache.mkdir(parents=True)
    return tmp_path / "site" / "build", cache / "output-1"


def test_the_previous_output_becomes_the_spare_and_the_next_build_swaps_it_in_up_to_date(
    places: tuple[Path, Path], look: bool
) -> None:
    out, spare = places
    build(out, spare, {"index.html": b"1", "a/x.html": b"x", "gone.html": b"g"}, look)
    assert listing(spare) == listing(out)  # made of links to the first output: the next build brings it up to date
    assert (spare / "a/x.html").stat().st_ino == (out / "a/x.html").stat().st_ino
    build(out, spare, {"index.html": b"2", "a/x.html": b"x", "gone.html": b"g"}, look)
    assert listing(spare) == {"index.html": b"1", "a/x.html": b"x", "gone.html": b"g"}  # the output before
    x_inode = (out / "a/x.html").stat().st_ino
    stats = build(out, spare, {"index.html": b"3", "a/x.html": b"x", "b/new.html": b"n"}, look)
    assert listing(out) == {"index.html": b"3", "a/x.html": b"x", "b/new.html": b"n"}
    assert (out / "a/x.html").stat().st_ino == x_inode  # kept, not written
    assert stats.written == 2
    assert listing(spare) == {"index.html": b"2", "a/x.html": b"x", "gone.html": b"g"}
    assert sorted(p.name for p in out.parent.iterdir()) == [".kursk-cache", "build"]


def test_a_file_the_spare_holds_unchanged_keeps_the_output_s_modification_time(
    places: tuple[Path, Path], look: bool
) -> None:
    out, spare = places
    for number in range(3):
        build(out, spare, {"same.html": b"s", "index.html": str(number).encode()}, look)
    stamp = (out / "same.html").stat().st_mtime_ns
    build(out, spare, {"same.html": b"s", "index.html": b"last"}, look)
    assert (out / "same.html").stat().st_mtime_ns == stamp


def test_files_put_into_the_output_by_hand_do_not_come_back_from_the_spare(
    places: tuple[Path, Path], look: bool
) -> None:
    out, spare = places
    pages = {"pages/a.html": b"a"}
    build(out, spare, {"index.html": b"1", **pages}, look)
    (out / "pages" / "stray.html").write_bytes(b"stray")  # (in a folder of the output: at its top, see test_writer)
    (out / "pages" / "odd").mkdir()
    (out / "pages" / "odd" / "x.txt").write_bytes(b"x")
    os.symlink("/", out / "pages" / "root-link")
    for number in range(2, 5):
        build(out, spare, {"index.html": str(number).encode(), **pages}, look)
        assert listing(out) == {"index.html": str(number).encode(), **pages}
        assert folders(out) == ["pages"]
        assert not (out / "pages" / "root-link").is_symlink()


def test_a_page_changed_in_place_by_hand_is_not_kept_from_the_spare(places: tuple[Path, Path], look: bool) -> None:
    out, spare = places
    build(out, spare, {"index.html": b"1", "page.html": b"page"}, look)
    build(out, spare, {"index.html": b"2", "page.html": b"page"}, look)
    with (out / "page.html").open("ab") as handle:  # the same file (a hard link) as the spare's
        handle.write(b" changed")
    with pytest.raises(writer_fill.OutputChanged):  # the build that keeps it finds it changed
        build(out, spare, {"index.html": b"3", "page.html": b"page"}, look)
    write_site([out_file("index.html", b"3"), out_file("page.html", b"page")], out, {}, spare)
    assert listing(out) == {"index.html": b"3", "page.html": b"page"}


def test_a_file_where_a_folder_now_goes_and_a_folder_where_a_file_goes(places: tuple[Path, Path], look: bool) -> None:
    out, spare = places
    build(out, spare, {"img": b"file", "data/a.json": b"a"}, look)
    build(out, spare, {"img/logo.svg": b"svg", "data": b"file now"}, look)
    build(out, spare, {"img/logo.svg": b"svg2", "data": b"file again"}, look)
    assert listing(out) == {"img/logo.svg": b"svg2", "data": b"file again"}


def test_what_was_seen_of_a_spare_that_changed_since_is_not_trusted(places: tuple[Path, Path]) -> None:
    out, spare = places
    build(out, spare, {"index.html": b"1", "a.html": b"a"})
    build(out, spare, {"index.html": b"2", "a.html": b"a"})
    stale = writer_spare.look_at_spare(spare)
    assert stale is not None and stale.tidy and not stale.changed
    build(out, spare, {"index.html": b"3", "a.html": b"a2"})  # the spare is another folder's output now
    (spare / "stray.html").write_bytes(b"stray")
    write_site(
        [out_file("index.html", b"4")], out, {"a.html": writer_manifest.content_digest(b"a2")}, spare, looked=stale
    )
    assert listing(out) == {"index.html": b"4", "a.html": b"a2"}


def test_looking_at_a_spare_finds_what_differs_from_its_manifest(places: tuple[Path, Path]) -> None:
    out, spare = places
    assert writer_spare.look_at_spare(spare) is None  # none yet
    build(out, spare, {"index.html": b"1", "a/x.html": b"x", "a/y.html": b"y"})
    build(out, spare, {"index.html": b"2", "a/x.html": b"x", "a/y.html": b"y"})
    seen = writer_spare.look_at_spare(spare)
    assert seen is not None and seen.tidy and seen.changed == frozenset()
    (spare / "a" / "y.html").unlink()
    with (spare / "a" / "x.html").open("ab") as handle:
        handle.write(b"more")
    seen = writer_spare.look_at_spare(spare)
    assert seen is not None and seen.tidy and seen.changed == {"a/x.html", "a/y.html"}
    (spare / "empty").mkdir()
    assert not writer_spare.look_at_spare(spare).tidy  # type: ignore[union-attr]
    (spare / "empty").rmdir()
    os.symlink("index.html", spare / "link.html")
    assert not writer_spare.look_at_spare(spare).tidy  # type: ignore[union-attr]


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
    monkeypatch.setattr(writer_spare, "renameat2", lambda: None)
    monkeypatch.setattr(writer_swap, "renameat2", lambda: None)
    for number in range(3):
        build(out, spare, {"index.html": str(number).encode()})
    assert listing(out) == {"index.html": b"2"}
    assert not spare.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == [".kursk-cache", "build"]


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        ("A/X.html", "written twice: also by a/x.html"),
        ("a", "it is a folder of the output (a/x.html is written in it)"),
        ("a/x.html/inner.html", "'a/x.html' is a file of the output"),
    ],
)
def test_a_new_file_against_the_files_carried_over_from_the_spare(
    places: tuple[Path, Path], look: bool, new: str, problem: str
) -> None:
    out, spare = places
    for number in range(2):
        build(out, spare, {"index.html": str(number).encode(), "a/x.html": b"x", "a/y.html": b"y"}, look)
    before = listing(out)
    with pytest.raises(BuildFailed) as failed:
        build(out, spare, {"index.html": b"2", "a/x.html": b"x", "a/y.html": b"y", new: b"new"}, look)
    assert any(problem in str(error) for error in failed.value.errors), failed.value.errors
    assert listing(out) == before
