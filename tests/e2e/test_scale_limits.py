"""Nothing grows with the archive: listings paginate, the feed keeps the newest items, the sitemap splits."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from kursk_site.build import build
from kursk_site.feeds import FEED_ITEMS
from kursk_site.model import BuildOptions, Project
from kursk_site.sitemap import render_sitemap
from tests.conftest import SITE_YAML, MakeSite


def article(number: int) -> str:
    return (
        f"---\ntitle: Report {number}\ndate: 2024-01-01T00:{number // 60:02d}:{number % 60:02d}Z\n"
        "tags: [Kursk]\n---\n\n"
        f"Lede {number}.\n\n## Troops arrive\n\nText {number}.\n"
    )


def test_listings_paginate_and_the_feed_keeps_only_the_newest_items(make_site: MakeSite) -> None:
    count = FEED_ITEMS + 5
    root = make_site(
        {
            "content/site.yaml": SITE_YAML + "per_page: 20\n",
            **{f"content/articles/r{n}.md": article(n) for n in range(count)},
        }
    )
    build(Project(root, root / "content", (), root / "build"), BuildOptions(cache=False))
    out = root / "build"
    for listing in ("index.html", "page/2.html", "page/3.html", "sections/deployment/3.html", "topics/kursk/3.html"):
        html = (out / listing).read_text(encoding="utf-8")
        assert html.count('class="item-title"') <= 20, listing
    assert not (out / "page" / "4.html").exists()
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == FEED_ITEMS
    assert f"Report {count - 1}</title>" in feed  # the newest
    assert "Report 0</title>" not in feed  # the oldest left out


def test_the_sitemap_becomes_an_index_of_numbered_sitemaps_past_the_limit() -> None:
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    pages = [(PurePosixPath(f"articles/a{n}.html"), moment) for n in range(5)]
    files = render_sitemap("https://example.org/", pages, max_urls=2)
    names = [f.path.as_posix() for f in files]
    assert names == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "robots.txt"]
    index = files[0].data.decode()
    assert "<sitemapindex" in index
    assert re.findall(r"<loc>(.*?)</loc>", index) == [f"https://example.org/sitemap-{n}.xml" for n in (1, 2, 3)]
    assert [f.data.decode().count("<url>") for f in files[1:4]] == [2, 2, 1]


def test_the_sitemap_stays_one_file_up_to_the_limit(tmp_path: Path) -> None:
    pages = [(PurePosixPath(f"articles/a{n}.html"), None) for n in range(3)]
    files = render_sitemap("https://example.org/", pages, max_urls=3)
    assert [f.path.as_posix() for f in files] == ["sitemap.xml", "robots.txt"]
    assert files[0].data.decode().count("<url>") == 3
