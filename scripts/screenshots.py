#!/usr/bin/env python3
"""Screenshots of the built site for the README: the home page and a section page, phone and desktop.

    .venv/bin/kursk-site build && .venv/bin/python scripts/screenshots.py [--site build] [--out docs]

Uses Debian's Chromium through Playwright (never a downloaded browser).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = (
    # (file name, page, viewport width, height, colour scheme)
    ("home.png", "index.html", 1024, 800, "light"),
    ("section.png", "sections/casualties.html", 1024, 800, "light"),
    ("section-phone-dark.png", "sections/economics.html", 375, 760, "dark"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("build"), help="the built site (default: build)")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="where the PNG files go (default: docs)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"screenshots: no {args.site / 'index.html'}; run `kursk-site build` first", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for name, page_path, width, height, scheme in SHOTS:
            context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
            page = context.new_page()
            page.goto((args.site / page_path).resolve().as_uri())
            page.screenshot(path=str(args.out / name))
            context.close()
            print(f"{args.out / name}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
