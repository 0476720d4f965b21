"""Hostile content reaches pages only as text: checked with an HTML parser, and the checker is checked too."""

from __future__ import annotations

from pathlib import Path

import pytest

from kursk_site.cli import main
from tests.conftest import SITE_YAML
from tests.hardening.conftest import write_files
from tests.hardening.corpus import CASES, read_case
from tests.hardening.safety import html_problems, site_problems, url_problem

ALLOW_RAW = "allow_raw_html: true\n"


def build_case(root: Path, name: str, extra_site_yaml: str = "") -> Path:
    case = read_case(CASES / f"{name}.txt")
    files = dict(case.files)
    if extra_site_yaml:
        files["content/site.yaml"] = SITE_YAML + extra_site_yaml
    write_files(root, files)
    assert main(["build", "--source", str(root)]) == 0
    return root / "build"


def test_the_checker_finds_scripts_handlers_and_dangerous_urls() -> None:
    page = (
        '<script>x</script><script type="application/ld+json">{}</script><script src="assets/s.js"></script>'
        '<img src=x onerror=alert(1)><a href=" java\tscript:x">a</a><a href="data:text/html,x">b</a>'
        '<a href="https://example.org/">ok</a><a href="../page.html#x">ok</a><iframe src="x"></iframe>'
    )
    problems = html_problems(page)
    assert len(problems) == 5
    assert url_problem("\x01 JAVASCRIPT:x") == "a javascript: URL"
    assert url_problem("mailto:desk@example.org") == ""


def test_raw_html_goes_live_only_when_site_yaml_allows_it(tmp_path: Path) -> None:
    escaped = build_case(tmp_path / "off", "raw-html-is-text-by-default")
    live = build_case(tmp_path / "on", "raw-html-is-text-by-default", ALLOW_RAW)
    assert site_problems(escaped) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (escaped / "articles/a.html").read_text(encoding="utf-8")
    problems = site_problems(live)
    assert any("<script>" in p for p in problems)
    assert any("onclick" in p for p in problems)


def test_markdown_links_with_script_urls_stay_text_even_when_raw_html_is_allowed(tmp_path: Path) -> None:
    out = build_case(tmp_path, "hostile-body", ALLOW_RAW)
    page = (out / "articles/a.html").read_text(encoding="utf-8")
    for source in ("[a](javascript:alert(1))", "[c](vbscript:msgbox(1))", "![j](javascript:alert(1))", "[r1]"):
        assert source in page
    url_problems = [p for p in site_problems(out) if p.startswith("articles/a.html") and " URL " in p]
    # Only the raw <a> and <iframe> tags the site chose to allow carry a script URL.
    assert sorted(p.split(":")[1].strip() for p in url_problems) == ["<a> href", "<iframe> src"]


def test_markup_in_front_matter_is_shown_as_text(tmp_path: Path) -> None:
    out = build_case(tmp_path, "hostile-front-matter")
    page = (out / "articles/a.html").read_text(encoding="utf-8")
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &#34;onmouseover=alert(1)</h1>" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert '<title>&lt;script&gt;alert(1)&lt;/script&gt; "onmouseover=alert(1)</title>' in feed


def test_markup_in_site_yaml_is_shown_as_text(tmp_path: Path) -> None:
    out = build_case(tmp_path, "hostile-site-yaml")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in home
    assert '<link rel="canonical" href="https://example.org/desk/">' in home
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;: &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>" in home


def test_a_base_url_with_markup_is_refused_in_site_yaml_and_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = 'https://example.org/"><script>alert(1)</script>/'
    root = write_files(tmp_path / "site", {"content/site.yaml": SITE_YAML + f"base_url: '{url}'\n"})
    assert main(["build", "--source", str(root)]) == 1
    problem = f"must not hold spaces or any of '\"<>' (percent-encode them), got {url!r}"
    line = SITE_YAML.count("\n") + 1
    assert capsys.readouterr().err.splitlines()[0] == f"content/site.yaml:{line}: base_url: {problem}"
    assert main(["build", "--source", str(root), "--base-url", url]) == 2
    assert capsys.readouterr().err == f"kursk-site: error: --base-url: {problem}\n"


def test_the_search_page_and_index_carry_hostile_titles_as_data(tmp_path: Path) -> None:
    out = build_case(tmp_path, "hostile-search")
    index = (out / "search-index.js").read_text(encoding="utf-8")
    assert "\\u003cscript>alert(1)\\u003c/script>" in index
    assert site_problems(out) == []
