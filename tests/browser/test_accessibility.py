"""axe-core in every page of the built sites: no WCAG 2.2 AA violation, in light and dark schemes."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import BuiltSite

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({
    id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)})))"""


def violations(page: Page, axe_script: str) -> list[dict[str, object]]:
    page.add_script_tag(content=axe_script)
    result: list[dict[str, object]] = page.evaluate(RUN_AXE, list(WCAG_TAGS))
    return result


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_has_an_axe_violation_at_wcag_22_aa(
    browser: Browser, site: BuiltSite, axe_script: str, scheme: str
) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    found = {}
    for rel in site.pages():
        page.goto(site.file_root + rel)
        if problems := violations(page, axe_script):
            found[rel] = problems
    context.close()
    assert found == {}, json.dumps(found, indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_results_have_no_axe_violation(
    browser: Browser, newsroom_site: BuiltSite, axe_script: str, scheme: str
) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(newsroom_site.file_root + "search.html?q=report")
    page.wait_for_selector("#search-results > li")
    problems = violations(page, axe_script)
    context.close()
    assert problems == []


def test_phone_width_pages_have_no_axe_violation(browser: Browser, newsroom_site: BuiltSite, axe_script: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    found = {}
    for rel in ("index.html", "articles/report-1.html", "sections/economics.html", "search.html"):
        page.goto(newsroom_site.file_root + rel)
        if problems := violations(page, axe_script):
            found[rel] = problems
    context.close()
    assert found == {}, json.dumps(found, indent=1)
