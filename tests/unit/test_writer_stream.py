"""The writer takes files as they come and still reports every bad path before swapping anything in."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from kursk_site.errors import BuildFailed
from kursk_site.model import OutputFile
from kursk_site.placement import Places
from kursk_site.writer import files as writer_files
from kursk_site.writer import fill as writer_fill
from kursk_site.writer import write_site


def test_a_generator_of_files_is_written_and_unchanged_files_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "build"

    def files(text: bytes) -> Iterator[OutputFile]:
        yield OutputFile(PurePosixPath("index.html"), b"home")
        yield OutputFile(PurePosixPath("a/b.html"), text)

    first = write_site(files(b"one"), out)
    assert (first.files, first.written) == (2, 2)
    home = (out / "index.html").stat()
    second = write_site(files(b"two"), out)
    assert (second.files, second.written) == (2, 1)
    assert (out / "a" / "b.html").read_bytes() == b"two"
    assert (out / "index.html").stat().st_mtime_ns == home.st_mtime_ns
    assert set(second.digests) == {"index.html", "a/b.html"}


def test_every_bad_path_is_reported_and_the_previous_output_stays(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site([OutputFile(PurePosixPath("index.html"), b"old")], out)
    files = [
        OutputFile(PurePosixPath("index.html"), b"new", "home.html"),
        OutputFile(PurePosixPath("../escape.html"), b"x", "evil.html"),
        OutputFile(PurePosixPath("INDEX.html"), b"y", "other.html"),
    ]
    with pytest.raises(BuildFailed) as failed:
        write_site(iter(files), out)
    assert [str(e) for e in failed.value.errors] == [
        "evil.html: refusing to write '../escape.html': outside the output folder",
        "other.html: INDEX.html is written twice: also by home.html",
    ]
    assert (out / "index.html").read_bytes() == b"old"
    assert not (tmp_path / "escape.html").exists()


def test_kept_files_are_carried_over_and_their_paths_checked_like_new_ones(tmp_path: Path) -> None:
    out = tmp_path / "build"
    first = write_site([OutputFile(PurePosixPath("a/b.html"), b"b"), OutputFile(PurePosixPath("c.html"), b"c")], out)
    kept = {"a/b.html": first.digests["a/b.html"], "c.html": first.digests["c.html"]}
    before = (out / "a/b.html").stat()
    second = write_site([OutputFile(PurePosixPath("d.html"), b"d")], out, kept)
    assert (second.files, second.written) == (3, 1)
    after = (out / "a/b.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    with pytest.raises(BuildFailed) as failed:
        write_site([OutputFile(PurePosixPath("C.html"), b"x", "other.html")], out, {"c.html": kept["c.html"]})
    assert [str(e) for e in failed.value.errors] == ["other.html: C.html is written twice: also by c.html"]
    with pytest.raises(BuildFailed) as failed:
        write_site([], out, {"../c.html": kept["c.html"]})
    assert [str(e) for e in failed.value.errors] == [
        "../c.html: refusing to write '../c.html': outside the output folder"
    ]
    assert (out / "c.html").read_bytes() == b"c"  # the previous output stays


def test_a_file_the_writer_thread_cannot_write_fails_the_build_and_the_previous_output_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "build"
    write_site([OutputFile(PurePosixPath("index.html"), b"home")], out)
    before = sorted(p.name for p in tmp_path.iterdir())

    real = writer_files.write_file

    def full_disk(path: str, data: bytes, places: Places | None = None) -> os.stat_result:
        if str(path).endswith("bad.html"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, places)

    monkeypatch.setattr(writer_files, "write_file", full_disk)
    monkeypatch.setattr(writer_fill, "write_file", full_disk)

    def files() -> Iterator[OutputFile]:
        for n in range(100):  # more than the writer's queue holds: the error comes back while pages still come
            yield OutputFile(PurePosixPath(f"pages/{n}.html"), b"page")
        yield OutputFile(PurePosixPath("bad.html"), b"bad")
        for n in range(100):
            yield OutputFile(PurePosixPath(f"more/{n}.html"), b"page")

    with pytest.raises(OSError, match="No space left"):
        write_site(files(), out)
    assert (out / "index.html").read_bytes() == b"home"
    assert not (out / "pages").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no half-filled folder left beside it


@pytest.mark.parametrize(
    "paths",
    [("articles/a.html", "articles"), ("articles", "articles/a.html"), ("Topics/x/y.html", "topics/X")],
    ids=["file-after-folder", "folder-after-file", "case-insensitive"],
)
def test_a_file_where_a_folder_goes_is_reported_not_a_crash(tmp_path: Path, paths: tuple[str, str]) -> None:
    out = tmp_path / "build"
    write_site([OutputFile(PurePosixPath("index.html"), b"home")], out)
    files = [OutputFile(PurePosixPath(p), b"x", f"static/{p}") for p in paths]
    with pytest.raises(BuildFailed) as failed:
        write_site(files, out)
    (error,) = failed.value.errors
    assert error.path == f"static/{paths[1]}"
    assert "a folder of the output" in error.message or "is a file of the output" in error.message
    assert (out / "index.html").read_bytes() == b"home"


def test_files_written_by_the_writer_thread_are_all_in_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "build"
    files = [OutputFile(PurePosixPath(f"p/{n}.html"), str(n).encode()) for n in range(500)]
    stats = write_site(iter(files), out)
    assert (stats.files, stats.written, stats.bytes) == (500, 500, sum(len(f.data) for f in files))
    assert all((out / "p" / f"{n}.html").read_bytes() == str(n).encode() for n in range(500))
    again = write_site(iter(files), out)
    assert (again.files, again.written) == (500, 0)
