"""The analysis layer end to end: structured data, sharing tags, JSON Feed, related articles, the shipped site."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kursk_site.cli import main
from tests.conftest import REPO, MakeSite

HOSTILE = """\
---
title: "Sappers </script><script>alert(1)</script> & more"
date: 2024-11-05
summary: "A <b>bold</b> & risky summary"
tags: [Kursk, Labor]
---

Lede about Kim.

## Troops arrive

Text.
"""

OTHER = "---\ntitle: Other\ndate: 2024-11-01\ntags: [Kursk]\n---\n\nAbout Kim too.\n"
UNRELATED = "---\ntitle: Unrelated\ndate: 2024-10-01\ntags: [Weather]\n---\n\nRain.\n"
ENTITIES = "- name: Kim\n  kind: person\n  description: A person.\n"


def _json_ld(html: str) -> list[dict[str, object]]:
    blocks = re.findall(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def _build(make_site: MakeSite, *extra: str) -> Path:
    root = make_site(
        {
            "content/articles/a.md": HOSTILE,
            "content/articles/b.md": OTHER,
            "content/articles/c.md": UNRELATED,
            "content/entities.yaml": ENTITIES,
        }
    )
    assert main(["build", "--source", str(root), *extra]) == 0
    return root / "build"


def test_json_ld_cannot_break_out_of_its_script_element(make_site: MakeSite) -> None:
    html = (_build(make_site) / "articles/a.html").read_text()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 2
    assert all("<" not in s and ">" not in s and "&" not in s for s in scripts)
    assert "\\u003c/script\\u003e" in scripts[0]
    article = _json_ld(html)[0]
    assert article["headline"] == "Sappers </script><script>alert(1)</script> & more"


def test_article_json_ld_describes_the_analysis(make_site: MakeSite) -> None:
    out = _build(make_site, "--base-url", "https://example.org/desk")
    article, crumbs = _json_ld((out / "articles/a.html").read_text())
    assert article["@type"] == "AnalysisNewsArticle"
    assert article["datePublished"] == "2024-11-05T00:00:00Z"
    assert article["dateModified"] == "2024-11-05T00:00:00Z"
    assert article["url"] == "https://example.org/desk/articles/a.html"
    assert article["keywords"] == ["Kursk", "Labor"]
    assert article["articleSection"] == ["Deployment"]
    assert article["about"] == [
        {
            "@type": "Person",
            "name": "Kim",
            "description": "A person.",
            "url": "https://example.org/desk/entities/kim.html",
        }
    ]
    assert crumbs["@type"] == "BreadcrumbList"
    assert [item["item"] for item in crumbs["itemListElement"]] == [  # type: ignore[attr-defined]
        "https://example.org/desk/",
        "https://example.org/desk/articles/a.html",
    ]
    home = _json_ld((out / "index.html").read_text())
    assert [d["@type"] for d in home] == ["WebSite"]


def test_pages_carry_open_graph_twitter_and_canonical_tags(make_site: MakeSite) -> None:
    html = (_build(make_site, "--base-url", "https://example.org/desk/") / "articles/a.html").read_text()
    assert '<link rel="canonical" href="https://example.org/desk/articles/a.html">' in html
    assert '<meta property="og:url" content="https://example.org/desk/articles/a.html">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:description" content="A &lt;b&gt;bold&lt;/b&gt; &amp; risky summary">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta property="article:tag" content="Labor">' in html


def test_json_feed_lists_the_articles_newest_first(make_site: MakeSite) -> None:
    out = _build(make_site, "--base-url", "https://example.org/desk/")
    feed = json.loads((out / "feed.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://example.org/desk/feed.json"
    assert [item["title"] for item in feed["items"]][1:] == ["Other", "Unrelated"]
    first = feed["items"][0]
    assert first["id"] == first["url"] == "https://example.org/desk/articles/a.html"
    assert first["date_published"] == "2024-11-05T00:00:00Z"
    assert "<p>Lede about Kim.</p>" in first["content_html"]
    assert first["tags"] == ["Kursk", "Labor"]


def test_related_articles_share_topics_or_entities(make_site: MakeSite) -> None:
    out = _build(make_site)
    html = (out / "articles/a.html").read_text()
    related = html[html.index('id="related-title"') :]
    assert '<a href="b.html">Other</a>' in related
    assert "Unrelated" not in related
    assert 'id="related-title"' not in (out / "articles/c.html").read_text()


def test_articles_and_sections_show_word_count_and_reading_time(make_site: MakeSite) -> None:
    out = _build(make_site)
    assert "<span>6 words · 1 min read</span>" in (out / "articles/a.html").read_text()
    section = (out / "sections/deployment.html").read_text()
    assert '<p class="item-meta" dir="auto">10 words · 1 min read</p>' in section
    assert "· 1 word · 1 min read</p>" in section


def test_the_shipped_site_uses_every_part_of_the_analysis_layer(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", "--source", str(REPO), "--out", str(out)]) == 0
    article = (out / "articles/north-korea-kursk-deployment.html").read_text()
    assert '<p class="figure-value">over 6,000</p>' in article
    assert article.count('<span class="unsourced">No source named</span>') == 4
    assert '<aside class="corrections"' in article
    assert 'id="fn-north-korea-kursk-deployment-1"' in article
    assert 'href="../entities/sappers.html">sappers</a>' in article
    assert '"@type":"AnalysisNewsArticle"' in article
    timeline = (out / "timeline.html").read_text()
    assert '<time datetime="2024">2024</time>' in timeline
    assert "Date not given" in timeline
    assert "combat engineers" in (out / "entities/sappers.html").read_text().lower()
    sources = (out / "sources.html").read_text()
    assert "Business Insider" in sources and "No address given." in sources
    assert "businessinsider.com" not in (out / "articles/north-korea-kursk-deployment.html").read_text()
    assert "By the numbers" in (out / "index.html").read_text()
    assert (out / "feed.json").is_file()


def test_articles_sharing_only_an_entity_are_related(make_site: MakeSite) -> None:
    root = make_site(
        {
            "content/articles/a.md": "---\ntitle: A\ndate: 2024-11-05\n---\n\nKim spoke.\n",
            "content/articles/b.md": "---\ntitle: B\ndate: 2024-11-04\n---\n\nKim again.\n",
            "content/entities.yaml": ENTITIES,
        }
    )
    assert main(["build", "--source", str(root)]) == 0
    html = (root / "build/articles/b.html").read_text()
    assert '<li><a href="a.html">A</a>' in html[html.index('id="related-title"') :]


def test_a_heading_named_like_a_page_block_does_not_duplicate_its_id(make_site: MakeSite) -> None:
    article = (
        "---\ntitle: A\ndate: 2024-11-05\nsources: [Wire]\nfigures:\n  - value: '1'\n    label: one\n---\n\n"
        "Kim.[^n]\n\n## Notes title\n\nText.\n\n## Figures title\n\nMore.\n\n[^n]: A note.\n"
    )
    root = make_site({"content/articles/a.md": article, "content/entities.yaml": ENTITIES})
    assert main(["build", "--source", str(root)]) == 0
    html = (root / "build/articles/a.html").read_text()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert 'id="notes-title-2"' in html and 'id="figures-title-2"' in html
