"""content/entities.yaml -> entity pages, mentions found by alias, first mention linked on text nodes only."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kursk_site.cli import main
from kursk_site.content.entities import alias_pattern, parse_entities
from kursk_site.content.markdown import make_parser
from kursk_site.entitylinks import MentionLinker
from kursk_site.errors import BuildFailed
from tests.conftest import MakeSite

ENTITIES = """\
- name: Kim Jong Un
  kind: person
  description: The decision maker.
- name: North Korea
  kind: state
  description: The sending state.
  aliases: [Pyongyang, North Korean]
- name: Sappers
  kind: term
  description: Combat engineers.
  aliases: [sapper, sappers, combat engineers]
"""


def _entities() -> MentionLinker:
    entities = parse_entities(ENTITIES, "content/entities.yaml")
    return MentionLinker(entities, lambda e: f"../entities/{e.slug}.html")


def test_aliases_match_whole_words_only() -> None:
    pattern = alias_pattern(("North Korea", "North Korean"))
    assert [m.group() for m in pattern.finditer("North Korean troops; North Korea; North Koreas")] == [
        "North Korean",
        "North Korea",
    ]


def test_a_lower_case_alias_matches_at_the_start_of_a_sentence_but_a_name_keeps_its_case() -> None:
    assert alias_pattern(("sappers",)).search("Sappers are engineers.")
    assert not alias_pattern(("Kim Jong Un",)).search("kim jong un")


def test_the_first_mention_on_a_page_is_linked_once() -> None:
    linker = _entities()
    first = linker.link("<p>Pyongyang sent sappers. North Korea again.</p>")
    assert first == (
        '<p><a class="entity-link" href="../entities/north-korea.html">Pyongyang</a> sent '
        '<a class="entity-link" href="../entities/sappers.html">sappers</a>. North Korea again.</p>'
    )
    assert linker.link("<p>Sappers and Pyongyang.</p>") == "<p>Sappers and Pyongyang.</p>"


def test_mentions_inside_links_code_attributes_and_footnote_marks_are_left_alone() -> None:
    body = (
        '<p><a href="https://example.org/Pyongyang" title="Pyongyang">Pyongyang</a> '
        '<code>sappers</code> <sup>Kim Jong Un</sup> <img alt="Kim Jong Un" src="k.png"> '
        "&lt;b&gt;Kim Jong Un&amp;co</p>"
    )
    out = _entities().link(body)
    assert out.startswith('<p><a href="https://example.org/Pyongyang" title="Pyongyang">Pyongyang</a> ')
    assert '<code>sappers</code> <sup>Kim Jong Un</sup> <img alt="Kim Jong Un" src="k.png">' in out
    assert '&lt;b&gt;<a class="entity-link" href="../entities/kim-jong-un.html">Kim Jong Un</a>&amp;co' in out


def test_entity_pages_list_every_part_that_mentions_it_and_articles_link_the_first_mention(
    make_site: MakeSite,
) -> None:
    article = (
        "---\ntitle: A\ndate: 2024-11-05\n---\n\nPyongyang acts.\n\n## Sappers sent {section: deployment}\n\n"
        "The sappers go.\n\n## Toll {section: casualties}\n\nNo names here.\n"
    )
    root = make_site({"content/articles/a.md": article, "content/entities.yaml": ENTITIES})
    assert main(["build", "--source", str(root)]) == 0
    page = (root / "build/entities/sappers.html").read_text()
    assert "Also found as: sapper, combat engineers</p>" in page
    assert '<a href="../articles/a.html#sappers-sent">Sappers sent</a>' in page
    assert "Toll" not in page
    html = (root / "build/articles/a.html").read_text()
    assert html.count('class="entity-link"') == 2
    assert '<h3 id="sappers-sent"><a class="heading-anchor" href="#sappers-sent">Sappers sent</a></h3>' in html
    assert 'The <a class="entity-link" href="../entities/sappers.html">sappers</a> go.' in html
    index = (root / "build/entities/index.html").read_text()
    assert "Kim Jong Un" in index and "(person; 0 passages)" in index
    assert "No article mentions it yet." in (root / "build/entities/kim-jong-un.html").read_text()
    assert 'class="entity-link"' not in (root / "build/sections/deployment.html").read_text()


def test_every_entity_problem_is_reported_with_its_line() -> None:
    text = (
        "- name: Kim\n  kind: leader\n  description: One.\n"
        "- name: Other\n  kind: person\n  aliases: [kim]\n"
        "- name: kim\n  kind: person\n  description: Two.\n  alias: [x]\n"
        "- name: Dots\n  kind: term\n  description: Three.\n  aliases: ['...']\n"
    )
    with pytest.raises(BuildFailed) as failed:
        parse_entities(text, "content/entities.yaml")
    assert [str(e) for e in failed.value.errors] == [
        "content/entities.yaml:2: kind: expected one of: person, state, place, organisation, unit, term, got 'leader'",
        "content/entities.yaml:4: description: required, but missing",
        "content/entities.yaml:6: alias 'kim' already names 'kim' (line 1)",
        "content/entities.yaml:7: slug 'kim' is also used by the entity at line 1",
        "content/entities.yaml:10: unknown entity key 'alias'; did you mean 'aliases'?",
        "content/entities.yaml:14: aliases: '...' has no letters or digits to find in the text",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Pyongyang", "sappers", "Kim Jong Un", "North Korean", "<b>", "&", "`code`", "[link](x)", "*"]
        ),
        max_size=12,
    ),
    st.text(alphabet="ab <>&\"'`*_[]()", max_size=20),
)
def test_linking_only_wraps_text_in_links_and_never_changes_it(words: list[str], noise: str) -> None:
    md = make_parser(False)
    source = " ".join(words) + noise
    body = md.md.render(source)
    linked = _entities().link(body)
    unwrapped = re.sub(r'<a class="entity-link" href="[^"]*">(.*?)</a>', r"\1", linked)
    assert unwrapped == body
    assert linked.count('class="entity-link"') <= 3
