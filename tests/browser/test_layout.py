"""How the pages lay out: phone and desktop widths, light and dark schemes, print."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import BuiltSite

LUMINANCE = """(value) => {
  const [r, g, b] = value.match(/[\\d.]+/g).slice(0, 3).map(Number).map(c => {
    c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def luminance(page: Page, selector: str, prop: str) -> float:
    value = page.eval_on_selector(selector, f"el => getComputedStyle(el).{prop}")
    result: float = page.evaluate(LUMINANCE, value)
    return result


@pytest.mark.parametrize("width", [320, 375, 768, 1280])
def test_no_page_scrolls_sideways(browser: Browser, site: BuiltSite, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    wide = []
    for rel in site.pages():
        page.goto(site.file_root + rel)
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client:
            wide.append(f"{rel}: {scroll}px of content in {client}px")
    context.close()
    assert wide == []


def test_on_a_phone_the_text_column_uses_the_width(browser: Browser, site: BuiltSite) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site.file_root + "index.html")
    box = page.locator("main").bounding_box()
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    context.close()
    assert box is not None and box["width"] >= 340
    assert font_size >= 16


def test_on_a_desktop_the_prose_keeps_a_readable_measure(browser: Browser, site: BuiltSite) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(site.file_root + "sections/deployment.html")
    width = page.locator(".prose").first.bounding_box()
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    context.close()
    assert width is not None
    characters_per_line = width["width"] / (font_size * 0.5)
    assert 55 <= characters_per_line <= 90


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_colour_scheme_follows_the_readers_setting(browser: Browser, site: BuiltSite, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(site.file_root + "index.html")
    background = luminance(page, "body", "backgroundColor")
    text = luminance(page, "body", "color")
    context.close()
    if scheme == "dark":
        assert background < 0.05 < 0.6 < text
    else:
        assert text < 0.05 < 0.8 < background


def test_print_drops_the_navigation_and_keeps_the_article(browser: Browser, site: BuiltSite) -> None:
    context = browser.new_context()
    page = context.new_page()
    article = sorted((site.out / "articles").iterdir())[0].name
    page.goto(site.file_root + "articles/" + article)
    page.emulate_media(media="print")
    hidden = {
        selector: page.locator(selector).first.is_hidden()
        for selector in (".site-nav", ".skip-link", ".toc", ".site-footer")
    }
    shown = page.locator("article h1").is_visible() and page.locator(".prose").is_visible()
    pdf = page.pdf(format="A4")
    context.close()
    assert hidden == dict.fromkeys(hidden, True)
    assert shown
    assert pdf.startswith(b"%PDF")


def test_print_shows_where_external_links_go(browser: Browser, newsroom_site: BuiltSite) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(newsroom_site.file_root + "articles/report-1.html")
    page.emulate_media(media="print")
    notes = page.eval_on_selector_all(
        ".prose a[href^='http'], .sources a[href^='http']",
        "els => els.map(e => getComputedStyle(e, '::after').content)",
    )
    context.close()
    assert notes == ['" <https://example.org/budget/1>"', '" <https://example.org/monitor/1>"']


CONTRAST = """([fg, bg]) => {
  const lum = (value) => { const [r, g, b] = value.match(/[\\d.]+/g).slice(0, 3).map(Number).map(c => {
    c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_box_placeholder_is_readable(browser: Browser, newsroom_site: BuiltSite, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(newsroom_site.file_root + "index.html")
    colours = page.eval_on_selector(
        "#site-search-q", "el => [getComputedStyle(el, '::placeholder').color, getComputedStyle(el).backgroundColor]"
    )
    ratio: float = page.evaluate(CONTRAST, colours)
    context.close()
    assert ratio >= 4.5, colours
