"""The built site as a reader opens it from disk: links and anchors resolve, every page is well formed,
every paragraph of the source article is there once, and the feed, sitemap and robots.txt are right."""

from __future__ import annotations

import json
import posixpath
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from kursk_site import urls
from tests.conftest import REPO, MakeSite
from tests.support import FIXTURES, PageFacts, build_site, read_page

GOLDEN_DESK = REPO / "tests" / "golden" / "desk"
BASE = "https://example.org/sub/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SECTIONS = ("deployment", "casualties", "economics", "outlook")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shipped") / "build"
    build_site(REPO, out)
    return out


@pytest.fixture(scope="module")
def shipped_with_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shipped-base") / "build"
    build_site(REPO, out, base_url=BASE)
    return out


@pytest.fixture(scope="module")
def small_with_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small") / "build"
    build_site(GOLDEN_DESK, out, base_url=BASE, drafts=True)
    return out


@pytest.fixture(scope="module")
def small_paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small site with one article a listing page, so every listing has a second page."""
    root = tmp_path_factory.mktemp("paged") / "site"
    shutil.copytree(GOLDEN_DESK / "content", root / "content")
    with (root / "content" / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("per_page: 1\n")
    build_site(root, root / "build", drafts=True)
    assert (root / "build" / "page" / "2.html").is_file()
    return root / "build"


AWKWARD = {
    "a.md": "---\ntitle: Same\ndate: 2024-01-01\ntags: [Index, Topic Index]\n---\n\nOnly a lede.\n",
    "b.md": "---\ntitle: Same\ndate: 2024-01-02\ntags: [index]\n---\n\n### A small heading\n\nText.\n",
    "d.md": "---\ntitle: Outlook\ndate: 2024-01-03\n---\n\nAn article titled like a section.\n",
    "e.md": "---\ntitle: Sources\ndate: 2024-01-03\n---\n\nAn article titled like a fixed page.\n",
    "c.md": "---\ntitle: same\ndate: 2024-01-02\n---\n\n## Outlook title\n\nText.\n\n## Lede [linked](https://example.org/)\n\nMore.\n",
}


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Repeated titles, a topic named Index, articles that are only a lede, headings that want taken ids."""
    root = tmp_path_factory.mktemp("awkward") / "site"
    shutil.copytree(GOLDEN_DESK / "content", root / "content", ignore=shutil.ignore_patterns("*.md"))
    for name, text in AWKWARD.items():
        (root / "content" / "articles" / name).write_text(text, encoding="utf-8")
    build_site(root, root / "build")
    return root / "build"


LINKING = """---
title: Links in the text
date: 2024-01-05
---

A lede that links [further down](#the-detail), to [another article](b.html),
to [a part of it](c.html#outlook-title), [to itself]() and [with a query](?print=1), and cites a note.[^1]

### In the lede ![a map](../img/front.svg)

## Outlook, with a map

![The front line](../img/front.svg) and [the map again](../img/front.svg "A map"),
[the overview](../index.html), [a topic](../topics/index.html) and [this page](links.html#outlook-with-a-map).

## The detail

Back [up](#outlook-with-a-map), [off the site](https://example.org/elsewhere) and [by mail](mailto:desk@example.org).

### Deeper still

Down to [a subheading](#deeper-still), to [the rifles](#fn-2000-rifles)
and [a heading named like a note](#fn-links-1-2).

### FN 2000 rifles

### Fn links 1

### Site search q

[^1]: A note with [a link to another article](b.html) and [a place here](#the-detail).
"""


def linked_site(folder: Path, articles: dict[str, str], setting: str) -> Path:
    """The small site's settings with the awkward articles and `articles`, an image in static/img, one article a
    listing page and `setting`, built into build/."""
    root = folder / "site"
    shutil.copytree(GOLDEN_DESK / "content", root / "content", ignore=shutil.ignore_patterns("*.md"))
    for name, text in {**AWKWARD, **articles}.items():
        (root / "content" / "articles" / name).write_text(text, encoding="utf-8")
    (root / "static" / "img").mkdir(parents=True)
    (root / "static" / "img" / "front.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    with (root / "content" / "site.yaml").open("a", encoding="utf-8") as f:
        f.write(f"per_page: 1\n{setting}\n")
    build_site(root, root / "build")
    return root


@pytest.fixture(scope="module")
def linking(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An article whose text links to other articles, to places in itself and to an image, shown on section
    pages one article a page deep (sections/KEY/2.html), on the overview and in the feeds."""
    oldest = LINKING.replace("date: 2024-01-05", "date: 2023-12-01").replace("title: Links", "title: Older links")
    oldest = oldest.replace("#fn-links-1-2", "#fn-links-1")  # (its notes are fn-older-N)
    root = linked_site(tmp_path_factory.mktemp("linking"), {"links.md": LINKING, "older.md": oldest}, "search: true")
    deep = (root / "build" / "sections" / "outlook").glob("*.html")
    assert any("../../img/front.svg" in page.read_text(encoding="utf-8") for page in deep)
    return root / "build"


RAW_LINKING = """---
title: Raw links
date: 2024-01-06
---

Sent <strong>1,000</strong> sappers, <a href='b.html'>officials</a> said: <img src='../img/front.svg' alt="a">
<img src=../img/front.svg alt="b"> <img src="../img/front.svg" srcset="../img/front.svg 2x" alt="c">
<a HREF="c.html#outlook-title">upper</a>, <a
href = "b.html">spaced</a>, <a href='#here'>here</a> and <span id='here'>there</span>.

## Troops <a href="b.html">sent</a> north

<div class="box"><p>A box <a href="b.html">linking</a> &amp; more.</p></div>
"""


@pytest.fixture(scope="module")
def raw_linking(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site that allows raw HTML, whose article links in HTML quoted either way or not at all."""
    root = linked_site(tmp_path_factory.mktemp("raw-linking"), {"raw.md": RAW_LINKING}, "allow_raw_html: true")
    summary = (root / "build" / "index.html").read_text(encoding="utf-8")
    assert "Sent 1,000 sappers, officials said" in summary and "&lt;" not in summary  # the text, not the tags
    return root / "build"


BASES = {
    "shipped": "",
    "shipped_with_base": BASE,
    "small_with_base": BASE,
    "small_paged": "https://example.org/desk/",
    "awkward": "https://example.org/desk/",
    "linking": "https://example.org/desk/",
    "raw_linking": "https://example.org/desk/",
}
"""The base URL each build has (the small site's own site.yaml sets one)."""
BUILDS = list(BASES)


def pages(out: Path) -> dict[str, PageFacts]:
    return {p.relative_to(out).as_posix(): read_page(p) for p in sorted(out.rglob("*.html"))}


def local_target(page: str, href: str, base_url: str) -> str | None:
    """The site path a link from `page` points at (with its #fragment), or None for a link off the site."""
    if base_url and href.startswith(base_url):
        return href[len(base_url) :] or "index.html"
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    assert not href.startswith("/"), f"{page}: root-relative link {href!r} breaks from disk and under a sub-path"
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) if parts.path else page
    return f"{path}#{parts.fragment}" if parts.fragment else path


@pytest.mark.parametrize("build", BUILDS)
def test_every_internal_link_and_anchor_resolves_from_disk(build: str, request: pytest.FixtureRequest) -> None:
    out: Path = request.getfixturevalue(build)
    base = BASES[build]
    site = pages(out)
    checked = 0
    broken = []
    for name, facts in site.items():
        for href in facts.links:
            target = local_target(name, href, base)
            if target is None:
                continue
            path, _, fragment = target.partition("#")
            checked += 1
            if path.startswith("..") or not (out / path).is_file():
                broken.append(f"{name}: {href} -> missing file {path}")
            elif fragment and (path not in site or fragment not in site[path].ids):
                broken.append(f"{name}: {href} -> no element with id {fragment!r} in {path}")
    assert not broken, "\n".join(broken)
    assert checked > 100


@pytest.mark.parametrize("build", BUILDS)
def test_element_ids_are_unique_on_every_page(build: str, request: pytest.FixtureRequest) -> None:
    for name, facts in pages(request.getfixturevalue(build)).items():
        repeated = [i for i, n in Counter(facts.ids).items() if n > 1]
        assert not repeated, f"{name}: {repeated}"


@pytest.mark.parametrize("build", BUILDS)
def test_every_page_has_lang_a_unique_title_a_description_and_one_h1(
    build: str, request: pytest.FixtureRequest
) -> None:
    site = pages(request.getfixturevalue(build))
    titles: Counter[str] = Counter()
    for name, facts in site.items():
        html = facts.tags("html")
        assert len(html) == 1 and html[0].get("lang"), name
        assert len(facts.texts("title")) == 1 and facts.texts("title")[0], name
        titles[facts.texts("title")[0]] += 1
        descriptions = [m for m in facts.tags("meta") if m.get("name") == "description"]
        assert len(descriptions) == 1 and descriptions[0]["content"].strip(), name
        assert len(facts.tags("h1")) == 1, f"{name}: {len(facts.tags('h1'))} h1 elements"
        assert [m for m in facts.tags("meta") if m.get("name") == "viewport"], name
        scripts = [s for s in facts.tags("script") if s.get("type") != "application/ld+json"]  # JSON-LD is data
        if name == str(urls.SEARCH):  # search is the one page with a script, both files of the site's own
            assert [t["src"] for t in scripts] == ["search-index.js", "assets/search.js"]
        else:
            assert not scripts, f"{name}: the page needs no JavaScript"
        assert facts.nested_links == 0, f"{name}: a link inside a link"
    assert [t for t, n in titles.items() if n > 1] == []


@pytest.mark.parametrize("build", BUILDS)
def test_canonical_links_exist_only_with_a_base_url(build: str, request: pytest.FixtureRequest) -> None:
    out: Path = request.getfixturevalue(build)
    for name, facts in pages(out).items():
        canonical = [link["href"] for link in facts.tags("link") if link.get("rel") == "canonical"]
        robots = [meta["content"] for meta in facts.tags("meta") if meta.get("name") == "robots"]
        if name == "404.html":  # shown at any address: none of its own, and not for search engines
            assert (canonical, robots) == ([], ["noindex"])
        elif BASES[build]:
            expected = BASES[build] if name == "index.html" else BASES[build] + name
            assert canonical == [expected], name
        else:
            assert canonical == [], name


def nav_current(facts: PageFacts) -> list[tuple[str, str]]:
    """The href and aria-current value of each link marked as the current place."""
    return [(a["href"], a["aria-current"]) for a in facts.tags("a") if "aria-current" in a]


@pytest.mark.parametrize(
    ("page", "marked"),
    [
        ("index.html", [("index.html", "page")]),
        ("sections/deployment.html", [("deployment.html", "page")]),
        ("sections/outlook.html", [("outlook.html", "page")]),
        ("topics/index.html", [("index.html", "page")]),
        ("topics/kursk.html", [("index.html", "true")]),
        ("sources.html", [("sources.html", "page")]),
        ("articles/north-korea-kursk-deployment.html", []),
    ],
)
def test_the_navigation_marks_the_current_place(shipped: Path, page: str, marked: list[tuple[str, str]]) -> None:
    facts = read_page(shipped / page)
    assert nav_current(facts) == marked
    assert [n for n in facts.tags("nav") if n.get("aria-label") == "Site"]
    for key in SECTIONS:
        assert urls.relative_url(PurePosixPath(page), urls.section_path(key)) in facts.links, key


def test_section_pages_walk_the_four_sections_in_order_and_lead_home(shipped: Path) -> None:
    for index, key in enumerate(SECTIONS):
        facts = read_page(shipped / "sections" / f"{key}.html")
        rels = {a["rel"]: a["href"] for a in facts.tags("a") if a.get("rel") in ("prev", "next")}
        expected = {}
        if index > 0:
            expected["prev"] = f"{SECTIONS[index - 1]}.html"
        if index < 3:
            expected["next"] = f"{SECTIONS[index + 1]}.html"
        assert rels == expected, key
        assert "../index.html" in facts.links


def source_paragraphs() -> tuple[list[str], list[str]]:
    """The source article's lines after its title: (keyword marker lines, the other lines), quotes made uniform."""
    lines = (FIXTURES / "source-article.txt").read_text(encoding="utf-8").splitlines()[1:]
    lines = [line.strip().replace("\u2018s ", "\u2019s ") for line in lines if line.strip()]
    keywords = [line for line in lines if line.startswith("LSI Keyword: ")]
    return keywords, [line for line in lines if line not in keywords]


def paragraph_counts(facts: list[PageFacts]) -> Counter[str]:
    return Counter(text for f in facts for text in f.texts("p"))


def test_the_source_article_is_the_shipped_article_with_nothing_added_or_dropped(shipped: Path) -> None:
    keywords, lines = source_paragraphs()
    article = read_page(shipped / "articles" / "north-korea-kursk-deployment.html")
    headings = [line for line in lines if line in article.texts("h3")]
    paragraphs = [line for line in lines if line not in headings]
    assert len(headings) == 4
    assert len(paragraphs) == 13
    assert sorted(article.texts("h3")) == sorted(headings)
    assert sorted(article.texts("h4")) == sorted(k.removeprefix("LSI Keyword: ") for k in keywords)
    counts = paragraph_counts([article])
    assert {p: counts[p] for p in paragraphs} == dict.fromkeys(paragraphs, 1)
    body = list(prose(shipped / "articles" / "north-korea-kursk-deployment.html").texts("p"))
    assert sorted(t for t in body if not t.startswith("More in ")) == sorted(paragraphs)


def prose(path: Path) -> PageFacts:
    """The article text of an article page: what lies between its table of contents and its footer."""
    html = path.read_text(encoding="utf-8")
    facts = PageFacts()
    facts.feed(html[html.index('<div class="prose">') : html.index('<footer class="article-footer">')])
    return facts


def test_each_source_paragraph_appears_exactly_once_across_the_four_section_pages(shipped: Path) -> None:
    _, lines = source_paragraphs()
    article = read_page(shipped / "articles" / "north-korea-kursk-deployment.html")
    paragraphs = [line for line in lines if line not in article.texts("h3")]
    counts = paragraph_counts([read_page(shipped / "sections" / f"{key}.html") for key in SECTIONS])
    assert {p: counts[p] for p in paragraphs} == dict.fromkeys(paragraphs, 1)


def test_each_section_page_holds_its_part_of_the_shipped_article(shipped: Path) -> None:
    expected = {
        "deployment": "The Reinforcements Arrive: What\u2019s Being Sent to Kursk?",
        "casualties": "Casualties and Consequences: The Human Cost of Collaboration",
        "economics": "The Bigger Picture: Russia\u2019s Strategic Advantage and North Korea\u2019s Gains",
        "outlook": "Future Trends and Potential Implications",
    }
    for key, heading in expected.items():
        headings = [t for t in read_page(shipped / "sections" / f"{key}.html").texts("h3") if t != "Notes"]
        assert headings == [heading], key


def test_the_shipped_article_has_the_keyword_topics(shipped: Path) -> None:
    for slug in ("north-korean-labor", "military-technology", "geopolitical-tensions", "kim-jong-un"):
        assert (shipped / "topics" / f"{slug}.html").is_file(), slug


@pytest.mark.parametrize("build", BUILDS)
def test_the_feed_is_atom_with_the_full_text_of_each_article(build: str, request: pytest.FixtureRequest) -> None:
    out: Path = request.getfixturevalue(build)
    root = ET.parse(out / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    articles = sorted(p.stem for p in (out / "articles").glob("*.html"))
    assert len(entries) == len(articles)
    base = BASES[build]
    for entry in entries:
        for tag in ("id", "title", "updated", "published", "content"):
            assert (entry.findtext(f"{ATOM}{tag}") or "").strip(), tag
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None
        href = link.get("href", "")
        assert href.startswith(base) if base else not urlsplit(href).scheme
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        feed_text = PageFacts()
        feed_text.feed((content.text or "").partition('<section class="footnotes"')[0])  # the notes follow the text
        page = [p for p in prose(out / href.removeprefix(base)).texts("p") if not p.startswith("More in ")]
        assert page and feed_text.texts("p") == page


def test_links_and_images_in_the_feeds_are_absolute_and_resolve(linking: Path) -> None:
    """A feed reader resolves a relative address against the feed's own: the text's links and images, written
    from the article's page, are absolute in both feeds (footnote references stay in the entry)."""
    out, base = linking, BASES["linking"]
    site = pages(out)
    atom = ET.parse(out / "feed.xml").getroot()
    bodies = [entry.findtext(f"{ATOM}content") or "" for entry in atom.findall(f"{ATOM}entry")]
    bodies += [item["content_html"] for item in json.loads((out / "feed.json").read_text("utf-8"))["items"]]
    checked = 0
    for body in bodies:
        facts = PageFacts()
        facts.feed(body)
        for href in facts.links:
            if href.startswith("#"):
                assert href[1:] in facts.ids, href  # a footnote's reference or its way back
                continue
            assert urlsplit(href).scheme, href
            if href.startswith(base):
                parts = urlsplit(href[len(base) :])
                path, fragment = parts.path or "index.html", parts.fragment
                assert (out / path).is_file(), href
                assert not fragment or fragment in site[path].ids, href
                checked += 1
    assert checked >= 16  # (both articles, both feeds)


def test_the_shipped_feed_carries_every_paragraph(shipped: Path) -> None:
    _, lines = source_paragraphs()
    content = ET.parse(shipped / "feed.xml").getroot().findtext(f"{ATOM}entry/{ATOM}content") or ""
    feed = PageFacts()
    feed.feed(content)
    for line in lines:
        assert line in feed.texts("p") or line in feed.texts("h3"), line


@pytest.mark.parametrize("build", BUILDS)
def test_the_sitemap_lists_every_page_but_404_and_robots_names_it(build: str, request: pytest.FixtureRequest) -> None:
    out: Path = request.getfixturevalue(build)
    base = BASES[build]
    locs = [e.text or "" for e in ET.parse(out / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    if base:
        assert all(loc.startswith(base) for loc in locs)
    paths = {(loc.removeprefix(base) or "index.html") for loc in locs}
    html = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert paths == html - {"404.html", "search.html"}  # the search page is noindex
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert robots.startswith("User-agent: *\n")
    assert ("Sitemap: " + base + "sitemap.xml" in robots) == bool(base)


def test_a_draft_built_with_drafts_is_linked_like_any_article(small_with_base: Path) -> None:
    assert (small_with_base / "articles" / "unfinished.html").is_file()
    assert "articles/unfinished.html" in read_page(small_with_base / "index.html").links


@pytest.mark.parametrize("build", BUILDS)
def test_an_article_page_says_each_paragraph_once(build: str, request: pytest.FixtureRequest) -> None:
    out: Path = request.getfixturevalue(build)
    for path in sorted((out / "articles").glob("*.html")):
        counts = paragraph_counts([read_page(path)])
        repeated = [p for p in prose(path).texts("p") if counts[p] != 1]
        assert repeated == [], path.name


def test_an_article_in_another_language_is_marked_where_it_is_shown(make_site: MakeSite, tmp_path: Path) -> None:
    arabic = "---\ntitle: \u062a\u0642\u0631\u064a\u0631\ndate: 2024-11-06\nlanguage: ar\nsources: [Reuters]\n---\n\n"
    arabic += "\u0646\u0635.\n"
    english = "---\ntitle: Report\ndate: 2024-11-05\nlanguage: en\n---\n\nText.\n"
    root = make_site({"content/articles/ar.md": arabic, "content/articles/en.md": english})
    out = tmp_path / "out"
    build_site(root, out)
    page = (out / "articles" / "ar.html").read_text()
    assert '<h1 lang="ar" dir="rtl">' in page and '<div id="lede" class="lede" lang="ar" dir="rtl">' in page
    assert '<article class="article">' in page  # the site's own labels around it are in the site's language
    byline = page.index('<p class="byline" dir="auto">')  # (its dates and counts in their own direction)
    assert 'lang="ar"' not in page[byline : page.index("</p>", byline)]
    assert '<p class="figure-label" lang="ar" dir="rtl">' in page or "figure-label" not in page
    assert (out / "articles" / "en.html").read_text().count('lang="en"') == 1  # (the site's: html's alone)
    home = (out / "index.html").read_text()
    assert '<h2 id="lead-title" class="lead-title" lang="ar" dir="rtl">' in home and '<li lang="ar"' not in home
    assert '<a href="articles/ar.html" lang="ar" dir="rtl">' in (out / "sources.html").read_text()
    section = (out / "sections" / "deployment.html").read_text()
    assert '<h2 class="entry-title" lang="ar" dir="rtl">' in section and '<div lang="ar" dir="rtl">' in section
    assert '<entry xml:lang="ar">' in (out / "feed.xml").read_text()
    assert '"inLanguage":"ar"' in (out / "articles" / "ar.html").read_text().replace(": ", ":")
