"""errors: `path:line: message`, sorted and without repeats."""

from __future__ import annotations

import pickle

from kursk_site.errors import BuildFailed, ContentError, SourcePos


def test_a_content_error_reads_path_line_message() -> None:
    assert str(ContentError("content/articles/a.md", 7, "date: bad")) == "content/articles/a.md:7: date: bad"


def test_line_zero_means_the_whole_file() -> None:
    assert str(ContentError("content/site.yaml", 0, "not found")) == "content/site.yaml: not found"
    assert str(SourcePos("a.md", 0)) == "a.md"


def test_build_failed_sorts_by_path_then_line_and_drops_repeats() -> None:
    failed = BuildFailed(
        [
            ContentError("b.md", 1, "x"),
            ContentError("a.md", 10, "y"),
            ContentError("a.md", 2, "z"),
            ContentError("a.md", 2, "z"),
        ]
    )
    assert str(failed) == "a.md:2: z\na.md:10: y\nb.md:1: x"


def test_errors_survive_pickling_for_parallel_builds() -> None:
    failed = pickle.loads(pickle.dumps(BuildFailed([ContentError("a.md", 3, "m")])))
    assert [str(e) for e in failed.errors] == ["a.md:3: m"]
