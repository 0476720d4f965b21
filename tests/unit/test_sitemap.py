"""sitemap: absolute URLs with a base_url, the 404 page left out, an index past the URL limit, robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import PurePosixPath as P

from kursk_site.sitemap import render_sitemap

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
WHEN = datetime(2024, 11, 5, 14, 30, tzinfo=UTC)


def test_locations_are_absolute_and_the_404_page_is_left_out() -> None:
    files = render_sitemap(
        "https://example.org/sub/", [(P("index.html"), WHEN), (P("a/b.html"), None), (P("404.html"), None)]
    )
    assert [str(f.path) for f in files] == ["sitemap.xml", "robots.txt"]
    root = ET.fromstring(files[0].data)
    assert [e.text for e in root.iter(f"{NS}loc")] == ["https://example.org/sub/", "https://example.org/sub/a/b.html"]
    assert [e.text for e in root.iter(f"{NS}lastmod")] == ["2024-11-05T14:30:00Z"]
    assert files[1].data == b"User-agent: *\nAllow: /\n\nSitemap: https://example.org/sub/sitemap.xml\n"


def test_without_a_base_url_robots_names_no_sitemap() -> None:
    files = render_sitemap("", [(P("index.html"), None)])
    assert files[1].data == b"User-agent: *\nAllow: /\n"


def test_past_the_url_limit_the_sitemap_becomes_an_index_of_numbered_files() -> None:
    pages = [(P(f"p{i}.html"), None) for i in range(5)]
    files = render_sitemap("https://example.org/", pages, max_urls=2)
    assert [str(f.path) for f in files] == [
        "sitemap.xml",
        "sitemap-1.xml",
        "sitemap-2.xml",
        "sitemap-3.xml",
        "robots.txt",
    ]
    index = ET.fromstring(files[0].data)
    assert index.tag == f"{NS}sitemapindex"
    assert [e.text for e in index.iter(f"{NS}loc")] == [f"https://example.org/sitemap-{n}.xml" for n in (1, 2, 3)]
    assert sum(len(list(ET.fromstring(f.data).iter(f"{NS}url"))) for f in files[1:4]) == 5
