"""sections: marker > keywords > previous section; the lede; every block lands in exactly one part."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kursk_site.config import load_config
from kursk_site.content.markdown import make_parser, parse_markdown
from kursk_site.model import Block, BlockKind, Part, SiteConfig
from kursk_site.sections import classify_heading, split_parts
from tests.conftest import SITE_YAML
from tests.support import FixtureCase, fixture_params

TITLE = "What comes next"  # classifies as outlook, for the cases without a classified heading


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SiteConfig:
    path = tmp_path_factory.mktemp("config") / "site.yaml"
    path.write_text(SITE_YAML, encoding="utf-8")
    return load_config(path, "content/site.yaml")


def describe(part: Part) -> str:
    lines = [b.line for b in ((part.heading,) if part.heading else ()) + part.blocks]
    explicit = " explicit" if part.explicit else ""
    return f"{part.section} #{part.anchor}{explicit}: {' '.join(map(str, lines))}"


def all_ids(parts: tuple[Part, ...]) -> list[str]:
    ids = [p.anchor for p in parts]
    ids += [b.slug for p in parts for b in p.blocks if b.kind is BlockKind.HEADING]
    return ids


@pytest.mark.parametrize("case", fixture_params("sections.md"))
def test_sections(case: FixtureCase, config: SiteConfig) -> None:
    blocks = parse_markdown(make_parser(False), case.input, 1).blocks
    parts = split_parts(blocks, TITLE, config)
    assert "".join(describe(p) + "\n" for p in parts) == case.expected
    ids = all_ids(parts)
    assert len(ids) == len(set(ids)), ids


def test_classify_heading_returns_nothing_when_no_keyword_matches(config: SiteConfig) -> None:
    assert classify_heading("Background", config.sections) == ""


def test_classify_heading_ignores_case_and_punctuation(config: SiteConfig) -> None:
    assert classify_heading("THE ECONOMY: who pays?", config.sections) == "economics"


def test_an_article_without_blocks_has_no_parts(config: SiteConfig) -> None:
    assert split_parts((), TITLE, config) == ()


block_specs = st.lists(
    st.one_of(
        st.tuples(st.just("p"), st.sampled_from(["text", "more"])),
        st.tuples(
            st.sampled_from(["h1", "h2", "h3"]),
            st.sampled_from(["Troops", "Money", "Background", "Outlook", "Lede", "Sources", "Casualties"]),
        ),
        st.tuples(st.just("marked"), st.sampled_from(["deployment", "casualties", "economics", "outlook"])),
    ),
    max_size=25,
)


def make_blocks(specs: list[tuple[str, str]]) -> tuple[Block, ...]:
    out = []
    for line, (kind, value) in enumerate(specs, 1):
        if kind == "p":
            out.append(Block(BlockKind.PARAGRAPH, f"<p>{value}</p>", value, line))
        elif kind == "marked":
            out.append(Block(BlockKind.HEADING, "Marked", "Marked", line, 3, value, "marked"))
        else:
            out.append(Block(BlockKind.HEADING, value, value, line, int(kind[1]), "", value.lower()))
    return tuple(out)


@settings(database=None, deadline=None)
@given(block_specs)
def test_every_block_lands_in_exactly_one_part_in_order(config: SiteConfig, specs: list[tuple[str, str]]) -> None:
    blocks = make_blocks(specs)
    parts = split_parts(blocks, "Anything", config)
    lines = [b.line for p in parts for b in ((p.heading,) if p.heading else ()) + p.blocks]
    assert lines == [b.line for b in blocks]
    assert all(p.section in config.section_keys for p in parts)
    ids = all_ids(parts)
    assert len(ids) == len(set(ids))


@settings(database=None, deadline=None)
@given(block_specs)
def test_a_marked_part_is_always_in_its_marked_section(config: SiteConfig, specs: list[tuple[str, str]]) -> None:
    for part in split_parts(make_blocks(specs), "Anything", config):
        if part.heading and part.heading.section:
            assert part.section == part.heading.section
            assert part.explicit
