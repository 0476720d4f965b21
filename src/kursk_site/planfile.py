"""The stored page plan's file: its head (read whole) and each page's value (read when a build asks for it)."""

from __future__ import annotations

import mmap
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from kursk_site.codec import OtherFormat, decode, encode, pack, unpack
from kursk_site.errors import Unavailable
from kursk_site.pagestore import LoadedPlan, PagePlan, ShownOn, Stored, StoredPage

HEAD_LENGTH = 8
"""Bytes of the head's length, at the file's end."""


def plan_pieces(token: str, shape: Stored, pages: Iterable[StoredPage]) -> Iterator[bytes]:
    """The plan's file in pieces to write one after the other, each made as its page comes (a build that stores
    the plan holds none of them: tens of MB at 10,000 articles): each page's value, then the head (the token, the
    site's shape, each page's path and template, which pages show each article, where each page's value starts
    and its checksum), then the head's length (8 bytes). A build reads the head, then only the values it needs."""
    paths: list[str] = []
    templates: list[str] = []
    starts = [0]
    sums: list[int] = []
    shown = ShownOn()
    for page in pages:
        data = pack((page.value.data, page.value.refs))
        shown.add(len(paths), page.value.refs)
        paths.append(page.path)
        templates.append(page.template)
        starts.append(starts[-1] + len(data))
        sums.append(zlib.crc32(data))
        yield data
    head = (token, shape.data, shape.refs, tuple(paths), tuple(templates), tuple(starts), tuple(sums), shown.packed())
    data = encode(head)
    yield data
    yield len(data).to_bytes(HEAD_LENGTH, "little")


def encode_plan(token: str, plan: PagePlan) -> list[bytes]:
    """`plan` in pieces to write one after the other (see plan_pieces)."""
    return list(plan_pieces(token, plan.shape, plan.pages))


def read_plan(path: Path, token: str) -> LoadedPlan | None:
    """The plan stored at `path` by the build named `token`, or None (missing, or of another build); raises
    ValueError when it is damaged. A page's value that cannot be read raises Unavailable when asked for."""
    try:
        with path.open("rb") as handle:
            view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)  # stays open once the file is closed
    except FileNotFoundError:
        return None
    except Exception as e:
        raise ValueError(f"cannot be read: {e}") from None
    try:
        size = int.from_bytes(view[-HEAD_LENGTH:], "little")
        end = len(view) - HEAD_LENGTH
        stored_token, shape, shape_refs, paths, templates, starts, sums, shown_on = decode(view[end - size : end])
        if stored_token != token:
            return None  # (a later build stored its plan and failed before it stored its index)
        if not len(paths) == len(templates) == len(sums) == len(starts) - 1 or starts[-1] != end - size:
            raise ValueError("its parts do not agree, or it was cut short")
    except OtherFormat:  # written by another version of kursk-site: stale, not damaged
        return None
    except Exception as e:  # any problem: the build plans the pages again
        raise ValueError(str(e) or type(e).__name__) from None

    def value(number: int) -> Stored:
        data = view[starts[number] : starts[number + 1]]
        try:
            if zlib.crc32(data) != sums[number]:
                raise ValueError("checksum mismatch")
            stored, refs = unpack(data)
        except Exception as e:
            raise Unavailable(f"page {number} of the stored plan: {e}") from None
        return Stored(stored, refs)

    return LoadedPlan(Stored(shape, shape_refs), paths, templates, shown_on, value)
