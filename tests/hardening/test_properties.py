"""Property-based tests: the loader and the section parser never raise a traceback, whatever they are given."""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kursk_site.build import build
from kursk_site.config import load_config
from kursk_site.content import ArticleFile, make_parser, parse_article
from kursk_site.content.article import FRONT_MATTER_KEYS, SLUG_RE
from kursk_site.errors import BuildFailed
from kursk_site.model import Block, BlockKind, BuildOptions, Project, RawArticle, SiteConfig, SourceKind
from kursk_site.sections import split_parts
from tests.conftest import SITE_YAML
from tests.hardening.conftest import write_files
from tests.hardening.safety import html_problems

DISPLAY = "content/articles/x.md"
FILE = ArticleFile(Path(DISPLAY), DISPLAY, SourceKind.MARKDOWN)
PROPERTIES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _config_from_text() -> SiteConfig:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "site.yaml"
        path.write_text(SITE_YAML, encoding="utf-8")
        return load_config(path, "content/site.yaml")


CONFIG = _config_from_text()
MARKDOWN = make_parser(False)

# Pieces of Markdown and YAML that matter to the parsers, joined at random.
FRAGMENTS = (
    "#",
    "## ",
    "### ",
    "> ",
    "- ",
    "* ",
    "1. ",
    "```",
    "    ",
    "\t",
    "---",
    "...",
    "|",
    "|---|",
    "[",
    "]",
    "(",
    ")",
    "![",
    "<",
    ">",
    "&#",
    ";",
    "{section: deployment}",
    "{section: nope}",
    "{section:",
    "LSI Keyword: Kursk",
    "*",
    "_",
    "`",
    "\\",
    "é",
    "&#12;",
    "&#x1b;",
    "\u200b",
    "\r",
    "\r\n",
    "\n",
    "\n\n",
    " ",
    "a",
    "Troops",
    "casualties",
    "<script>",
    "javascript:",
)
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["2024-11-05", "2024-13-01", "0001-01-01T00:00+01:00", "../x", "a-b"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(FRONT_MATTER_KEYS) | st.text(max_size=8)
TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12) | st.sampled_from(
    ["<script>alert(1)</script>", '" onmouseover="x', "javascript:alert(1)", "&amp;", "]]>", "Kursk"]
)


@st.composite
def article_texts(draw: st.DrawFn) -> bytes:
    body = "".join(draw(st.lists(st.sampled_from(FRAGMENTS), max_size=60)))
    if draw(st.booleans()):  # valid front matter with random text in it: the body decides
        meta = {"title": draw(TEXTS) or "T", "date": "2024-11-05", "tags": draw(st.lists(TEXTS, max_size=3))}
        meta |= {"sources": [{"name": draw(TEXTS) or "S", "url": "https://example.org/" + draw(TEXTS)}]}
        body = f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\nLede.\n\n{body}"
    elif draw(st.booleans()):
        meta = draw(st.dictionaries(KEYS, VALUES, max_size=8))
        front = yaml.safe_dump(meta, allow_unicode=True) if draw(st.booleans()) else draw(st.text(max_size=40))
        body = f"---\n{front}---\n{body}"
    return body.encode("utf-8", "surrogatepass") if draw(st.booleans()) else body.encode("utf-8", "replace")


def line_count(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") + 1


def check_loaded(data: bytes) -> None:
    try:
        article = parse_article(data, FILE, CONFIG, MARKDOWN)
    except BuildFailed as failed:
        assert failed.errors
        for error in failed.errors:
            assert error.path == DISPLAY
            assert 0 <= error.line <= line_count(data), error
            assert error.message and "\n" not in error.message
        return
    assert isinstance(article, RawArticle)
    assert SLUG_RE.match(article.slug)
    lines = [block.line for block in article.blocks]
    assert lines == sorted(lines)
    assert all(1 <= line <= line_count(data) for line in lines)


@PROPERTIES
@given(article_texts())
def test_the_loader_gives_an_article_or_positioned_errors_for_markdown(data: bytes) -> None:
    check_loaded(data)


@PROPERTIES
@given(st.binary(max_size=200))
def test_the_loader_gives_an_article_or_positioned_errors_for_any_bytes(data: bytes) -> None:
    check_loaded(data)


HEADINGS = st.builds(
    lambda level, text, section, line: Block(
        BlockKind.HEADING, text, text, line, level, section, re.sub(r"\W", "", text)
    ),
    st.integers(1, 6),
    st.sampled_from(["Troops deploy", "Casualties", "Economic gains", "Outlook", "Other", "", "top", "lede"]),
    st.sampled_from(["", "", "deployment", "outlook", "economics"]),
    st.integers(1, 10_000),
)
OTHERS = st.builds(
    lambda kind, line: Block(kind, "<p>x</p>", "x", line),
    st.sampled_from([k for k in BlockKind if k is not BlockKind.HEADING]),
    st.integers(1, 10_000),
)


@PROPERTIES
@given(st.lists(HEADINGS | OTHERS, max_size=40), st.text(max_size=30))
def test_every_block_lands_in_exactly_one_part_with_a_known_section(blocks: list[Block], title: str) -> None:
    parts = split_parts(tuple(blocks), title, CONFIG)
    flat = [b for part in parts for b in ((part.heading,) if part.heading else ()) + part.blocks]
    assert [(b.kind, b.line, b.text, b.level) for b in flat] == [(b.kind, b.line, b.text, b.level) for b in blocks]
    assert all(part.section in CONFIG.section_keys for part in parts)
    anchors = [part.anchor for part in parts if part.heading] + [
        b.slug for part in parts for b in part.blocks if b.kind is BlockKind.HEADING
    ]
    assert len(anchors) == len(set(anchors))
    for part in parts:
        if part.heading and part.heading.section:
            assert part.section == part.heading.section and part.explicit


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(article_texts(), min_size=1, max_size=3))
def test_whole_builds_of_random_articles_give_safe_pages_or_positioned_errors(
    texts: list[bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("site")
    write_files(root, {f"content/articles/a{n}.md": text for n, text in enumerate(texts)})
    try:
        build(Project(root, root / "content", (), root / "build"), BuildOptions())
    except BuildFailed as failed:
        event("refused with positioned errors")
        assert all(error.path.startswith("content/articles/a") for error in failed.errors)
        return
    event("built")
    for path in (root / "build").rglob("*"):
        if path.suffix == ".html":
            assert html_problems(path.read_text(encoding="utf-8")) == [], path
        elif path.suffix == ".xml":
            ET.fromstring(path.read_bytes())  # well-formed


SITE_KEYS = st.sampled_from(["title", "description", "language", "author", "base_url", "allow_raw_html", "per_page"])


@PROPERTIES
@given(
    st.dictionaries(SITE_KEYS | st.text(max_size=6), VALUES, max_size=6), st.lists(VALUES, max_size=3), st.booleans()
)
def test_the_config_loader_gives_settings_or_positioned_errors(
    settings_: dict[object, object], sections: list[object], dump: bool
) -> None:
    data = {**settings_, "sections": [*sections, {"key": "deployment", "title": "Deployment", "keywords": ["deploy"]}]}
    text = yaml.safe_dump(data, allow_unicode=True) if dump else str(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "site.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            config = load_config(path, "content/site.yaml")
        except BuildFailed as failed:
            assert all(0 <= e.line <= text.count("\n") + 1 and e.path == "content/site.yaml" for e in failed.errors)
            return
    assert isinstance(config, SiteConfig)
    assert config.sections and all(re.fullmatch(r"[a-z][a-z0-9-]{0,39}", rule.key) for rule in config.sections)
