"""pagestore and planfile: which stored pages show each article, written with the plan and read back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kursk_site.errors import Unavailable
from kursk_site.pagestore import LoadedPlan, PagePlan, Stored, StoredPage
from kursk_site.planfile import encode_plan, plan_pieces, read_plan


def _plan() -> PagePlan:
    def page(path: str, *refs: tuple[str, ...]) -> StoredPage:
        return StoredPage(path, "t.html", Stored(b"value of " + path.encode(), refs))

    return PagePlan(
        Stored(b"shape", ()),
        (
            page("articles/a.html", ("article", "content/articles/a.md"), ("config",)),
            page("index.html", ("article", "content/articles/b.md"), ("article", "content/articles/a.md")),
            page("sections/x.html", ("part", "content/articles/a.md", "0"), ("part", "content/articles/a.md", "1")),
            page("topics/t.html", ("topic", "0")),
        ),
    )


def _loaded(shown_on: dict[str, bytes]) -> LoadedPlan:
    return LoadedPlan(Stored(b"", ()), (), (), shown_on, lambda number: Stored(b"", ()))


def test_each_article_is_shown_on_the_pages_that_refer_to_it_or_its_parts() -> None:
    loaded = _loaded(_plan().shown_on())
    assert loaded.showing("content/articles/a.md") == (0, 1, 2)  # each page once, in order
    assert loaded.showing("content/articles/b.md") == (1,)
    assert loaded.showing("content/articles/none.md") == ()


def test_the_pages_of_each_article_are_stored_with_the_plan_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "plan.bin"
    path.write_bytes(b"".join(encode_plan("token", _plan())))
    loaded = read_plan(path, "token")
    assert loaded is not None
    assert loaded.showing("content/articles/a.md") == (0, 1, 2)
    assert loaded.page(2).path == "sections/x.html"
    assert loaded.page(2).value.data == b"value of sections/x.html"
    assert read_plan(path, "another build") is None


@pytest.mark.parametrize("damaged", [b"\x01\x00\x00", (1, 2)])
def test_a_damaged_entry_makes_the_plan_unavailable(damaged: object) -> None:
    loaded = _loaded({"content/articles/a.md": damaged})  # type: ignore[dict-item]
    with pytest.raises(Unavailable):
        loaded.showing("content/articles/a.md")


def test_the_plan_is_written_as_its_pages_come_none_is_held() -> None:
    taken: list[str] = []

    def pages() -> Iterator[StoredPage]:
        for page in _plan().pages:
            taken.append(page.path)
            yield page

    pieces = plan_pieces("token", Stored(b"shape", ()), pages())
    first = next(pieces)
    assert taken == ["articles/a.html"]  # the first page's value is written before the second page is made
    assert b"value of articles/a.html" in first
    rest = list(pieces)
    assert len(taken) == 4 and len(rest) == 3 + 2  # the other values, the head and its length


def test_a_plan_cut_short_or_too_short_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "plan.bin"
    whole = b"".join(encode_plan("token", _plan()))
    for damaged in (whole[:-3], whole[5:], b"\x00" * 4):
        path.write_bytes(damaged)
        with pytest.raises(ValueError):
            read_plan(path, "token")
