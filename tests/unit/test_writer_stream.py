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
