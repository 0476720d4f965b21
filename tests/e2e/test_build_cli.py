"""End to end: the `kursk-site build` command on small sites and on the shipped site."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kursk_site.cli import main
from tests.conftest import REPO, MakeSite

ARTICLE = """\
---
title: Sappers arrive
date: 2024-11-05
tags: [Kursk]
---

The lede.

## Troops arrive

Deployment text.
"""


def test_build_writes_every_kind_of_page(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE})
    assert main(["build", "--source", str(root)]) == 0
    out = root / "build"
    for rel in (
        "index.html",
        "articles/a.html",
        "sections/deployment.html",
        "sections/outlook.html",
        "topics/index.html",
        "topics/kursk.html",
        "sources.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "assets/style.css",
    ):
        assert (out / rel).is_file(), rel


def test_the_console_script_builds_the_shipped_site(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "kursk_site", "build", "--source", str(REPO), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built ")
    assert (out / "articles" / "north-korea-kursk-deployment.html").is_file()
