"""In a real browser: the open page reloads itself after a save, shows a broken save's errors, then recovers."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from kursk_site.model import BuildOptions, Project
from kursk_site.serve import DevServer
from tests.conftest import MakeSite

ARTICLE = """\
---
title: Sappers arrive
date: 2024-11-05
---

{lede}

## Troops arrive

Deployment text.
"""
TIMEOUT_MS = 10_000


def test_the_open_page_follows_every_save_and_shows_errors_until_fixed(make_site: MakeSite, browser: Browser) -> None:
    site = make_site({"content/articles/a.md": ARTICLE.format(lede="The first lede.")})
    article = site / "content" / "articles" / "a.md"
    project = Project(site, site / "content", (), site / "build")
    with DevServer(project, BuildOptions(), host="127.0.0.1", port=0, notify=lambda m, e: None) as server:
        page: Page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "articles/a.html")
        main = page.locator("main")
        expect(main).to_contain_text("The first lede.", timeout=TIMEOUT_MS)

        article.write_text(ARTICLE.format(lede="A lede saved a moment ago."), encoding="utf-8")
        expect(main).to_contain_text("A lede saved a moment ago.", timeout=TIMEOUT_MS)

        article.write_text("---\ntitle: Broken\ndate: 2024-13-01\n---\n\nText.\n", encoding="utf-8")
        expect(page.get_by_role("heading", name="The site did not build")).to_be_visible(timeout=TIMEOUT_MS)
        expect(main).to_contain_text("content/articles/a.md:3: date: no such date", timeout=TIMEOUT_MS)

        article.write_text(ARTICLE.format(lede="Fixed and back."), encoding="utf-8")
        expect(main).to_contain_text("Fixed and back.", timeout=TIMEOUT_MS)
        page.close()
        assert errors == []


def test_many_preview_tabs_all_load_and_follow_a_save(make_site: MakeSite, browser: Browser) -> None:
    site = make_site({"content/articles/a.md": ARTICLE.format(lede="The first lede.")})
    article = site / "content" / "articles" / "a.md"
    project = Project(site, site / "content", (), site / "build")
    with DevServer(project, BuildOptions(), host="127.0.0.1", port=0, notify=lambda m, e: None) as server:
        context = browser.new_context()
        pages = [context.new_page() for _ in range(8)]  # (a browser opens six connections at most to one host)
        for page in pages:
            page.goto(server.url + "articles/a.html", timeout=TIMEOUT_MS)
            expect(page.locator("main")).to_contain_text("The first lede.", timeout=TIMEOUT_MS)
        article.write_text(ARTICLE.format(lede="Saved with eight tabs open."), encoding="utf-8")
        for page in (pages[0], pages[-1]):
            expect(page.locator("main")).to_contain_text("Saved with eight tabs open.", timeout=TIMEOUT_MS)
        context.close()
