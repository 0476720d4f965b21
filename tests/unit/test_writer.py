"""writer: atomic swap, path guard, duplicate paths, unchanged files kept, refusal of folders it must not replace."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

import pytest

from kursk_site import writer
from kursk_site.errors import BuildFailed, UsageError
from kursk_site.model import OutputFile
from kursk_site.writer import MARKER, check_out_dir, write_site
from kursk_site.writer import fill as writer_fill
from kursk_site.writer import manifest as writer_manifest
from kursk_site.writer import swap as writer_swap


def out_file(path: str, data: bytes = b"x", origin: str = "") -> OutputFile:
    return OutputFile(PurePosixPath(path), data, origin or path)


def listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_files_are_written_with_a_marker_and_nothing_is_left_beside_the_output(tmp_path: Path) -> None:
    out = tmp_path / "build"
    stats = write_site([out_file("index.html", b"home"), out_file("a/b/c.html", b"deep")], out)
    assert (stats.files, stats.written, stats.bytes) == (2, 2, 8)
    files = listing(out)
    assert files.pop(MARKER)
    assert files == {"index.html": b"home", "a/b/c.html": b"deep"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_a_rebuild_replaces_the_whole_folder_and_drops_files_no_longer_made(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site([out_file("old.html"), out_file("index.html", b"1")], out)
    write_site([out_file("index.html", b"2")], out)
    assert set(listing(out)) == {"index.html", MARKER}
    assert (out / "index.html").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_unchanged_files_keep_their_inode_and_modification_time(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site([out_file("same.html", b"same"), out_file("changed.html", b"one")], out)
    before_same, before_changed = (out / "same.html").stat(), (out / "changed.html").stat()
    stats = write_site([out_file("same.html", b"same"), out_file("changed.html", b"two")], out)
    after_same, after_changed = (out / "same.html").stat(), (out / "changed.html").stat()
    assert stats.written == 1
    assert (after_same.st_ino, after_same.st_mtime_ns) == (before_same.st_ino, before_same.st_mtime_ns)
    assert after_changed.st_ino != before_changed.st_ino
    assert (out / "changed.html").read_bytes() == b"two"


def test_a_file_edited_by_hand_since_the_last_build_is_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site([out_file("index.html", b"built")], out)
    (out / "index.html").write_bytes(b"edited")
    stats = write_site([out_file("index.html", b"built")], out)
    assert stats.written == 1
    assert (out / "index.html").read_bytes() == b"built"


@pytest.mark.parametrize("bad", ["../escape.html", "/etc/passwd", "a/../../escape.html", ".", MARKER])
def test_a_path_outside_the_output_folder_is_refused_and_nothing_is_written(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "build"
    with pytest.raises(BuildFailed) as caught:
        write_site([out_file("index.html"), out_file(bad, origin="bad template")], out)
    assert "refusing to write" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_symlinked_folder_in_a_path_cannot_lead_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    real_mkdtemp = writer.tempfile.mkdtemp

    def mkdtemp_with_link(**kwargs: str) -> str:
        made = real_mkdtemp(**kwargs)
        (Path(made) / "link").symlink_to(outside, target_is_directory=True)
        return made

    monkeypatch.setattr(writer.tempfile, "mkdtemp", mkdtemp_with_link)
    with pytest.raises(BuildFailed, match="outside the output"):
        write_site([out_file("link/escape.html")], tmp_path / "build")
    assert list(outside.iterdir()) == []


def test_two_files_with_one_path_are_an_error_naming_both_sources(tmp_path: Path) -> None:
    out = tmp_path / "build"
    with pytest.raises(BuildFailed) as caught:
        write_site([out_file("topics/x.html", origin="topic.html"), out_file("topics/X.html", origin="static/")], out)
    assert str(caught.value) == "static/: topics/X.html is written twice: also by topic.html"
    assert not out.exists()


def test_a_failed_write_leaves_the_previous_output_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build"
    write_site([out_file("index.html", b"old"), out_file("a.html", b"a")], out)
    before = listing(out)

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "swap_in", fail)
    with pytest.raises(OSError, match="No space"):
        write_site([out_file("index.html", b"new")], out)
    assert listing(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_the_swap_works_without_an_atomic_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_swap, "exchange", lambda a, b: False)
    out = tmp_path / "build"
    write_site([out_file("index.html", b"1")], out)
    write_site([out_file("index.html", b"2")], out)
    assert (out / "index.html").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_a_new_output_that_cannot_be_moved_in_puts_the_previous_one_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_swap, "exchange", lambda a, b: False)
    out = tmp_path / "build"
    write_site([out_file("index.html", b"1")], out)
    rename = os.rename

    def refuse_the_new(source: str | Path, target: str | Path) -> None:
        if Path(target) == out and "old" not in Path(source).name:  # (an immutable folder holds the new output)
            raise PermissionError(1, "Operation not permitted")
        rename(source, target)

    monkeypatch.setattr(writer_swap.os, "rename", refuse_the_new)
    with pytest.raises(PermissionError):
        write_site([out_file("index.html", b"2")], out)
    assert (out / "index.html").read_bytes() == b"1"


def test_folders_left_by_a_killed_build_are_cleaned_up(tmp_path: Path) -> None:
    stale = tmp_path / f"{writer_swap.TEMP_PREFIX}build-abc12345"  # mkdtemp adds 8 characters
    stale.mkdir()
    (stale / "index.html").write_bytes(b"half")
    write_site([out_file("index.html")], tmp_path / "build")
    assert not stale.exists()


def test_a_folder_of_someone_elses_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(UsageError, match="holds files kursk-site did not write"):
        check_out_dir(out, ())


def test_an_empty_folder_and_a_previous_build_are_accepted(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    check_out_dir(empty, ())
    built = tmp_path / "build"
    write_site([out_file("index.html")], built)
    check_out_dir(built, ())
    check_out_dir(tmp_path / "new", ())


@pytest.mark.parametrize("which", ["source", "parent", "home", "root"])
def test_protected_folders_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: str) -> None:
    source = tmp_path / "site"
    (source / "content").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    out = {"source": source, "parent": tmp_path, "home": tmp_path / "home", "root": Path("/")}[which]
    with pytest.raises(UsageError, match="refusing to use"):
        check_out_dir(out, (source, source / "content"))


def test_an_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "build").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="is a file"):
        check_out_dir(tmp_path / "build", ())


def test_an_output_beside_the_site_is_not_confused_with_it(tmp_path: Path) -> None:
    source = tmp_path / "site"
    source.mkdir()
    check_out_dir(tmp_path / "site2", (source,))


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site([out_file("index.html")], out)
    assert os.stat(out).st_mode & 0o755 == 0o755


@pytest.mark.parametrize("inside", ["content", "content/articles", "templates/static"])
def test_an_output_inside_an_input_folder_is_refused(tmp_path: Path, inside: str) -> None:
    source = tmp_path / "site"
    for name in ("content/articles", "templates/static"):
        (source / name).mkdir(parents=True)
    with pytest.raises(UsageError, match=r"refusing to use .* it is inside "):
        check_out_dir(source / inside / "build", (source,), inputs=(source / "content", source / "templates"))


def test_the_default_output_inside_the_site_folder_is_accepted(tmp_path: Path) -> None:
    source = tmp_path / "site"
    (source / "content").mkdir(parents=True)
    check_out_dir(source / "build", (source,), inputs=(source / "content",))


def test_a_second_build_writing_the_same_output_at_once_is_refused(tmp_path: Path) -> None:
    import fcntl

    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(UsageError, match="another kursk-site build is writing"):
            write_site([out_file("index.html")], tmp_path / "build")
    finally:
        os.close(fd)
    assert not (tmp_path / "build").exists()


PATHS_TO_CHECK = (
    "articles/a.html",
    "articles/b.html",
    "articles/A.html",  # one file with a.html on a case-insensitive disk
    "articles/b.html",  # twice
    "articles",  # a file where the output has a folder
    "articles/a.html/inside.html",  # inside a file of the output
    "articles/../outside.html",
    "articles/./c.html",  # (a PurePosixPath drops `.` and empty segments)
    "articles//d.html",
    "articles/sub/e.html",
    "sections/s.html",
    "top.html",
    MARKER,
    "articles/f.html",
    "Articles/g.html",
)


def test_reserving_places_for_other_processes_checks_each_path_as_writing_does(tmp_path: Path) -> None:
    def fill_with(method: str) -> tuple[list[str], list[str | None]]:
        folder = tmp_path / method
        folder.mkdir()
        fill = writer_fill.Fill(folder, tmp_path / "out", {}, {})
        placed: list[str | None] = []
        for number, path in enumerate(PATHS_TO_CHECK):
            origin = f"page {number}"
            if method == "reserve":
                target = fill.reserve(PurePosixPath(path), origin)
                placed.append(None if target is None else os.path.relpath(target, folder))
            else:
                before = len(fill.errors)
                fill.write(OutputFile(PurePosixPath(path), b"x", origin))
                placed.append(None if len(fill.errors) > before else os.path.normpath(path))
        return [str(e) for e in fill.errors], placed

    reserved, written = fill_with("reserve"), fill_with("write")
    assert reserved == written
    errors, placed = reserved
    assert placed[:2] == ["articles/a.html", "articles/b.html"] and placed[2:7] == [None] * 5
    assert len(errors) == sum(p is None for p in placed) == 6


def test_the_manifest_is_written_in_columns_sorted_by_path_and_read_back() -> None:
    manifest: writer_manifest.Manifest = {
        "b/x.html": ["d2", 20, 2_000],
        "a.html": ["d1", 10, 1_000],
        "z.css": ["d3", 0, 3],
    }
    data = writer_manifest.manifest_bytes(manifest)
    assert json.loads(data) == {
        "format": writer_manifest.MANIFEST_FORMAT,
        "paths": ["a.html", "b/x.html", "z.css"],
        "digests": ["d1", "d2", "d3"],
        "sizes": [10, 20, 0],
        "mtimes": [1_000, 2_000, 3],
    }
    assert writer_manifest.manifest_bytes(dict(reversed(manifest.items()))) == data  # the same files, the same bytes
    assert writer_manifest.parse_manifest(data) == manifest


@pytest.mark.parametrize(
    "data",
    [
        b'{"a.html":["d1",10,1000]}',  # the format before columns
        b'{"format":1,"paths":["a.html"],"digests":["d1"],"sizes":[10],"mtimes":[1000]}',
        b'{"format":2,"paths":["a.html","b.html"],"digests":["d1"],"sizes":[10],"mtimes":[1000]}',
        b'{"format":2,"paths":["a.html"],"digests":["d1"],"sizes":[true],"mtimes":[1000]}',
        b'{"format":2,"paths":[1],"digests":["d1"],"sizes":[10],"mtimes":[1000]}',
        b'{"format":2,"paths":"a.html","digests":"d","sizes":[10],"mtimes":[1000]}',
        b'{"format":2,"paths":["a.html"],"digests":["d1"],"sizes":[10]}',
        b"[" * 100_000,
        b"\xff\xfe not text",
        b"",
    ],
)
def test_a_marker_that_is_not_a_manifest_of_this_format_counts_as_none(data: bytes) -> None:
    assert writer_manifest.parse_manifest(data) == {}


def test_an_output_folder_holding_files_its_marker_does_not_list_is_refused_and_kept(tmp_path: Path) -> None:
    out = tmp_path / "www"
    write_site([out_file("index.html", b"site")], out)
    (out / "othersite").mkdir()
    (out / "othersite" / "index.html").write_bytes(b"precious")
    (out / ".DS_Store").write_bytes(b"finder")  # (a desktop's own file does not count)
    with pytest.raises(UsageError, match="it holds othersite, which kursk-site did not write"):
        write_site([out_file("index.html", b"new")], out)
    assert (out / "othersite" / "index.html").read_bytes() == b"precious"
    (out / "othersite" / "index.html").unlink()
    (out / "othersite").rmdir()
    write_site([out_file("index.html", b"new")], out)
    assert (out / "index.html").read_bytes() == b"new"
    assert not (out / ".DS_Store").exists()
