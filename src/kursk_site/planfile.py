"""The stored page plan's file: its head (read whole) and each page's value (read when a build asks for it)."""

from __future__ import annotations

import mmap
import zlib
from pathlib import Path

from kursk_site.codec import OtherFormat, decode, encode, pack, unpack
from kursk_site.errors import Unavailable
from kursk_site.pagestore import LoadedPlan, PagePlan, Stored


def encode_plan(token: str, plan: PagePlan) -> list[bytes]:
    """The plan, in pieces to write one after the other: the length of its head, the head (the token, the site's
    shape, each page's path and template, which pages show each article, where each page's value starts and its
    checksum), then the pages' values (a build reads only the values it needs)."""
    values = [pack((page.value.data, page.value.refs)) for page in plan.pages]
    starts = [0]
    for data in values:
        starts.append(starts[-1] + len(data))
    sums = tuple(zlib.crc32(data) for data in values)
    paths = tuple(page.path for page in plan.pages)
    templates = tuple(page.template for page in plan.pages)
    head = encode((token, plan.shape.data, plan.shape.refs, paths, templates, tuple(starts), sums, plan.shown_on()))
    return [len(head).to_bytes(8, "little"), head, *values]


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
        size = int.from_bytes(view[:8], "little")
        stored_token, shape, shape_refs, paths, templates, starts, sums, shown_on = decode(view[8 : 8 + size])
        if stored_token != token:
            return None  # (a later build stored its plan and failed before it stored its index)
        base = 8 + size
        if not len(paths) == len(templates) == len(sums) == len(starts) - 1 or len(view) != base + starts[-1]:
            raise ValueError("its parts do not agree, or it was cut short")
    except OtherFormat:  # written by another version of kursk-site: stale, not damaged
        return None
    except Exception as e:  # any problem: the build plans the pages again
        raise ValueError(str(e) or type(e).__name__) from None

    def value(number: int) -> Stored:
        data = view[base + starts[number] : base + starts[number + 1]]
        try:
            if zlib.crc32(data) != sums[number]:
                raise ValueError("checksum mismatch")
            stored, refs = unpack(data)
        except Exception as e:
            raise Unavailable(f"page {number} of the stored plan: {e}") from None
        return Stored(stored, refs)

    return LoadedPlan(Stored(shape, shape_refs), paths, templates, shown_on, value)
