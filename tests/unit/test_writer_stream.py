"""The writer takes files as they come and still reports every bad path before swapping anything in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from kursk_site.errors import BuildFailed
from kursk_site.model import OutputFile
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
