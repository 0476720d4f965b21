"""Reading the built sites in Chromium: every link, the section walk, search, the skip link, JavaScript off."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from kursk_site.cli import main
from tests.browser.conftest import BuiltSite
from tests.browser.newsroom import SPECIAL_TERM, write_newsroom_site
from tests.browser.watch import Watch

SECTION_ORDER = ("Deployment", "Casualties", "Economics", "Outlook")


def resource_exists(page: Page, url: str) -> bool:
    if url.startswith("file:"):
        return Path(unquote(urlsplit(url).path)).is_file()
    return page.request.get(url).status == 200


def crawl(page: Page, root: str) -> tuple[set[str], list[str]]:
    """Open index.html, then every internal link found, breadth first; returns (pages seen, broken links)."""
    queue, seen = deque([root + "index.html"]), {root + "index.html"}
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []  # (from page, target page, fragment)
    broken: list[str] = []
    while queue:
        url = queue.popleft()
        if not url.endswith(".html"):  # the feed: fetched, not opened (a browser tab would ask for /favicon.ico)
            if not resource_exists(page, url):
                broken.append(f"{url}: not found")
            continue
        try:
            page.goto(url)
        except Exception as e:  # Chromium raises on a missing file: report it as a broken link
            broken.append(f"{url}: {e}")
            continue
        ids[url] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            target, _, fragment = href.partition("#")
            if not target.startswith(root):
                continue
            if fragment:
                anchors.append((url, target, fragment))
            if target not in seen:
                seen.add(target)
                queue.append(target)
    broken.extend(
        f"{source} links to #{fragment} on {target}, which has no such id"
        for source, target, fragment in anchors
        if target in ids and fragment not in ids[target]
    )
    return seen, broken


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_every_internal_link_opens_a_page_without_errors(browser: Browser, site: BuiltSite, scheme: str) -> None:
    root = site.file_root if scheme == "file" else site.http_root
    watch = Watch(root)
    context = browser.new_context()
    page = watch.attach(context.new_page())
    seen, broken = crawl(page, root)
    context.close()
    assert broken == []
    assert watch.problems == []
    reached = {url.removeprefix(root) for url in seen}
    unreachable = set(site.pages()) - reached - {"404.html"}
    assert unreachable == set(), "pages no link leads to"


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_the_section_walk_goes_forward_through_all_four_sections_and_back(
    browser: Browser, site: BuiltSite, scheme: str
) -> None:
    root = site.file_root if scheme == "file" else site.http_root
    watch = Watch(root)
    context = browser.new_context()
    page = watch.attach(context.new_page())
    page.goto(root + "index.html")
    page.locator(".site-nav").get_by_role("link", name="Deployment", exact=True).click()
    forward = [page.locator("h1").inner_text()]
    for _ in SECTION_ORDER[1:]:
        page.locator(".section-walk a[rel=next]").click()
        forward.append(page.locator("h1").inner_text())
    expect(page.locator(".section-walk a[rel=next]")).to_have_count(0)
    backward = [page.locator("h1").inner_text()]
    for _ in SECTION_ORDER[1:]:
        page.locator(".section-walk a[rel=prev]").click()
        backward.append(page.locator("h1").inner_text())
    expect(page.locator(".section-walk a[rel=prev]")).to_have_count(0)
    context.close()
    assert tuple(forward) == SECTION_ORDER
    assert tuple(backward) == tuple(reversed(SECTION_ORDER))
    assert watch.problems == []


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_typing_a_query_in_the_masthead_box_finds_the_article(browser: Browser, site: BuiltSite, scheme: str) -> None:
    root = site.file_root if scheme == "file" else site.http_root
    query, title = (
        ("sappers", "Kursk Deployment: A Deep Dive")
        if site.name == "shipped"
        else (SPECIAL_TERM, "Report 3: supply lines near")
    )
    watch = Watch(root)
    context = browser.new_context()
    page = watch.attach(context.new_page())
    page.goto(root + "index.html")
    page.get_by_role("searchbox", name="Search articles").fill(query)
    page.get_by_role("searchbox", name="Search articles").press("Enter")
    page.wait_for_url("**/search.html?q=*")
    results = page.locator("#search-results > li")
    expect(results).to_have_count(1)
    expect(page.get_by_role("status")).to_contain_text("1 article matches")
    results.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text(title)
    context.close()
    assert watch.problems == []


def test_search_on_the_search_page_narrows_as_the_reader_types(browser: Browser, newsroom_site: BuiltSite) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(newsroom_site.file_root + "search.html")
    box = page.get_by_role("searchbox", name="Search the articles")
    expect(box).to_be_focused()
    box.fill("report")
    expect(page.locator("#search-results > li")).to_have_count(7)
    box.fill("report SUDŽHA")  # case and accents are folded
    expect(page.locator("#search-results > li")).to_have_count(1)
    expect(page.locator("#search-results > li a")).to_have_text("Report 7: supply lines near Sudzha")
    box.fill("no-such-word-anywhere")
    expect(page.locator("#search-results > li")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("No article matches")
    context.close()


def test_the_skip_link_is_the_first_stop_and_is_visible_when_focused(browser: Browser, site: BuiltSite) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.file_root + "articles/" + sorted((site.out / "articles").iterdir())[0].name)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    context.close()
    assert outline == "solid"


def test_with_javascript_off_every_page_shows_the_same_text(browser: Browser, site: BuiltSite) -> None:
    on, off = browser.new_context(), browser.new_context(java_script_enabled=False)
    page_on, page_off = on.new_page(), off.new_page()
    differences = []
    for rel in site.pages():
        if rel == "search.html":
            continue
        page_on.goto(site.file_root + rel)
        page_off.goto(site.file_root + rel)
        if page_on.locator("main").inner_text() != page_off.locator("main").inner_text():
            differences.append(rel)
    page_off.goto(site.file_root + "search.html")
    fallback = page_off.get_by_role("status").inner_text()
    on.close()
    off.close()
    assert differences == []
    assert "Search needs JavaScript" in fallback


def test_every_keyboard_stop_shows_a_focus_outline(browser: Browser, newsroom_site: BuiltSite) -> None:
    context = browser.new_context()
    page = context.new_page()
    missing = []
    for rel in ("index.html", "articles/report-3.html", "sections/economics.html", "search.html"):
        page.goto(newsroom_site.file_root + rel)
        page.locator("body").focus()
        stops = page.evaluate("document.querySelectorAll('a[href], input, button').length")
        for _ in range(stops):
            page.keyboard.press("Tab")
            style = page.evaluate(
                """() => { const el = document.activeElement, s = getComputedStyle(el);
                  return [el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 30),
                          s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
            )
            if style[0].startswith("BODY "):  # past the last stop (search.html starts in its box)
                break
            if style[1] == "none" or style[2] < 2:
                missing.append(f"{rel}: {style[0]}")
    context.close()
    assert missing == []


def test_the_search_query_stays_in_the_address_for_back_and_reload(browser: Browser, newsroom_site: BuiltSite) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(newsroom_site.file_root + "search.html")
    box = page.get_by_role("searchbox", name="Search the articles")
    box.fill(f"{SPECIAL_TERM}'s")  # (a possessive ending narrows nothing)
    expect(page.locator("#search-results > li")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"search\.html\?q={SPECIAL_TERM}"))
    expect(page.locator("#search-results time")).to_have_text(re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$"))
    page.reload()
    expect(page.get_by_role("searchbox", name="Search the articles")).to_have_value(f"{SPECIAL_TERM}'s")
    expect(page.locator("#search-results > li")).to_have_count(1)
    context.close()


def test_the_masthead_is_tabbed_through_in_the_order_it_is_seen(browser: Browser, newsroom_site: BuiltSite) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(newsroom_site.file_root + "sources.html")
    stops = []
    for _ in range(4):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert stops == ["Skip to content", "Border Desk", "site-search-q", "Search"]
    context.close()


def test_a_search_result_in_another_language_is_marked_with_it(browser: Browser, tmp_path: Path) -> None:
    arabic = "---\ntitle: \u062a\u0642\u0631\u064a\u0631 \u0643\u0648\u0631\u0633\u0643\ndate: 2024-11-06\n"
    arabic += "language: ar\nsummary: \u0645\u0644\u062e\u0635 kursk\n---\n\n\u0646\u0635.\n"
    root = write_newsroom_site(tmp_path / "source", articles=2)
    (root / "content" / "articles" / "ar.md").write_text(arabic, encoding="utf-8")
    assert main(["build", "--source", str(root), "--out", str(tmp_path / "out"), "-q"]) == 0
    context = browser.new_context()
    page = context.new_page()
    page.goto((tmp_path / "out" / "search.html").as_uri() + "?q=kursk")
    result = page.locator("#search-results > li")
    expect(result).to_have_count(1)
    expect(result.locator("a")).to_have_attribute("lang", "ar")
    expect(result.locator("a")).to_have_attribute("dir", "rtl")
    expect(result.locator(".item-summary")).to_have_attribute("lang", "ar")
    expect(result.locator(".item-meta")).not_to_have_attribute("lang", "ar")  # (the site's labels)
    context.close()
