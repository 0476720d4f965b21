"""The sitemap's url sets are written as text: byte for byte what ElementTree writes for them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from pathlib import PurePosixPath

from hypothesis import given, settings
from hypothesis import strategies as st

from kursk_site import sitemap


def element_tree(base_url: str, pages: list[tuple[PurePosixPath, datetime | None]]) -> bytes:
    root = ET.Element("urlset", {"xmlns": sitemap.SITEMAP_NS})
    for path, moment in pages:
        entry = ET.SubElement(root, "url")
        ET.SubElement(entry, "loc").text = sitemap._loc(base_url, path)
        if moment is not None:
            ET.SubElement(entry, "lastmod").text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return sitemap._xml(root)


names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda s: "/" not in s and s not in (".", "..")
)
moments = st.none() | st.datetimes(  # the dates articles have (the year 1 at UTC+3 has no UTC time)
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(timezone(timedelta(hours=3)))
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["", "https://example.org/", "https://example.org/a&b/"]),
    st.lists(st.tuples(names.map(lambda n: PurePosixPath(f"articles/{n}.html")), moments), max_size=5),
)
def test_the_text_is_what_element_tree_writes(
    base_url: str, pages: list[tuple[PurePosixPath, datetime | None]]
) -> None:
    assert sitemap._urlset(base_url, pages) == element_tree(base_url, pages)
