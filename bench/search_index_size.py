#!/usr/bin/env python3
"""Prints how large a site's search index is, and how long it takes to make.

    .venv/bin/python bench/search_index_size.py SITE_DIR

SITE_DIR holds content/site.yaml and content/articles/ (a generated corpus works: put its articles/ under
SITE_DIR/content/ beside a copy of content/site.yaml). Nothing is written.
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

from kursk_site.build import load_site
from kursk_site.model import BuildOptions, Project
from kursk_site.search import render_search_index


def main() -> int:
    parser = argparse.ArgumentParser(description="Size of a site's search-index.js.")
    parser.add_argument("site", type=Path, help="the site folder holding content/")
    root = parser.parse_args().site.resolve()
    start = time.perf_counter()
    site = load_site(Project(root, root / "content", (), root / "build"), BuildOptions(search=True))
    loaded = time.perf_counter()
    index = render_search_index(site)
    made = time.perf_counter()
    articles = len(site.articles)
    print(f"articles:          {articles}")
    print(f"search-index.js:   {len(index.data):,} bytes ({len(index.data) / max(articles, 1):.0f} per article)")
    print(f"gzip -9:           {len(gzip.compress(index.data, 9)):,} bytes")
    print(f"load content:      {loaded - start:.1f} s")
    print(f"make the index:    {made - loaded:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
