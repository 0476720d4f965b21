"""yamlsrc: safe YAML with the line of every key, and syntax errors at their line."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kursk_site import yamlsrc
from kursk_site.errors import ContentError
from kursk_site.yamlsrc import Fields, load_yaml


def test_every_key_and_list_item_has_its_line_counted_from_the_first_line() -> None:
    doc = load_yaml("title: A\ntags:\n  - x\n  - y\nsub:\n  key: 1\n", "f.md", first_line=2)
    assert doc.data == {"title": "A", "tags": ["x", "y"], "sub": {"key": 1}}
    assert doc.line("title") == 2
    assert doc.line("tags") == 3
    assert doc.line("tags", 1) == 5
    assert doc.line("sub", "key") == 7


def test_an_unknown_path_falls_back_to_its_deepest_known_parent() -> None:
    doc = load_yaml("a: 1\nb:\n  c: 2\n", "f.yaml")
    assert doc.line("b", "missing") == 2
    assert doc.line("nothing") == 1


def test_dates_stay_text_so_the_loader_can_check_them() -> None:
    assert load_yaml("date: 2024-11-05\n", "f.yaml").data == {"date": "2024-11-05"}


def test_a_syntax_error_is_reported_at_the_line_of_the_problem() -> None:
    with pytest.raises(ContentError) as caught:
        load_yaml("title: A\ndate: 2024-01-01\ntags: [a, b\nsummary: x\n", "content/articles/a.md", first_line=2)
    assert caught.value.path == "content/articles/a.md"
    assert caught.value.line == 5
    assert caught.value.message.startswith("invalid YAML: ")


def test_a_bad_indent_is_reported_at_its_line() -> None:
    with pytest.raises(ContentError) as caught:
        load_yaml("title: A\n  bad: indent\n", "site.yaml")
    assert str(caught.value) == "site.yaml:2: invalid YAML: mapping values are not allowed here"


def test_a_duplicate_key_is_an_error_at_the_second_occurrence() -> None:
    with pytest.raises(ContentError) as caught:
        load_yaml("title: A\nsummary: s\ntitle: B\n", "f.yaml")
    assert str(caught.value) == "f.yaml:3: duplicate key 'title'"


def test_python_tags_are_refused_by_the_safe_loader() -> None:
    with pytest.raises(ContentError) as caught:
        load_yaml("x: !!python/object/apply:os.system ['true']\n", "f.yaml")
    assert caught.value.line == 1
    assert "invalid YAML" in caught.value.message


def test_an_empty_document_loads_as_nothing() -> None:
    assert load_yaml("", "f.yaml").data is None


def test_an_alias_bomb_is_walked_once_per_node() -> None:
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8)
    )
    doc = load_yaml(text, "f.yaml")
    assert doc.line("i") == 9


def test_fields_collect_every_problem_with_the_line_of_its_key() -> None:
    doc = load_yaml("title: 1984\ndraft: maybe\ntags: x\nextra: 1\n", "f.md", first_line=2)
    fields = Fields(doc, "f.md", doc.data)
    fields.check_keys(("title", "draft", "tags"), "front matter")
    assert fields.text("title") == ""
    assert fields.flag("draft") is False
    assert fields.texts("tags") == ()
    assert [str(e) for e in fields.errors] == [
        "f.md:5: unknown front matter key 'extra'; expected one of: title, draft, tags",
        "f.md:2: title: expected text, got a number (1984); put it in quotes",
        "f.md:3: draft: expected true or false, got 'maybe'",
        "f.md:4: tags: expected a list (e.g. [a, b] or one '- item' a line), got text ('x')",
    ]


def test_an_unknown_key_close_to_a_known_one_gets_a_hint() -> None:
    doc = load_yaml("titel: A\n", "f.md")
    fields = Fields(doc, "f.md", doc.data)
    fields.check_keys(("title", "date"), "front matter")
    assert [e.message for e in fields.errors] == ["unknown front matter key 'titel'; did you mean 'title'?"]


def test_a_required_text_that_is_empty_is_an_error() -> None:
    doc = load_yaml("title: '  '\n", "f.md")
    fields = Fields(doc, "f.md", doc.data)
    assert fields.text("title", required=True) == ""
    assert [str(e) for e in fields.errors] == ["f.md:1: title: must not be empty"]


def test_nesting_too_deep_for_the_parser_is_an_error_not_a_crash() -> None:
    with pytest.raises(ContentError) as caught:
        load_yaml("tags: " + "[" * 20000 + "]" * 20000 + "\n", "a.md", first_line=2)
    assert (caught.value.path, caught.value.line) == ("a.md", 2)
    assert caught.value.message.startswith("invalid YAML: lists or mappings nested")


# The plain front matter of most articles is read without the YAML parser (yamlsrc._load_simple): whatever it
# reads must come out as the parser reads it, data, types and lines alike.

KEYS = st.sampled_from(["title", "date", "tags", "draft", "summary", "no", "on", "null", "y", "Title", "a_b", "x1"])
WORDS = st.one_of(
    st.text(alphabet=st.sampled_from(list("abcXYZ019 .,:#-'\"é/")), max_size=12),  # (mostly read without the parser)
    st.text(
        alphabet=st.sampled_from([*"abcXYZ019 .,:#-'\"[]{}&*!|>%@`\\/\t~=<?", "é", "\u00a0", "\u2028", "\ufeff"]),
        max_size=12,
    ),
)
PLAIN_WORDS = st.sampled_from(
    ["true", "False", "yes", "off", "null", "~", "12", "1_000", "0x1f", "1.5", ".inf", "1:30", "2024-05-01", "-5", "<<"]
)
VALUES = st.one_of(
    WORDS,
    PLAIN_WORDS,
    WORDS.map(lambda w: f'"{w}"'),
    WORDS.map(lambda w: f"'{w}'"),
    st.lists(st.one_of(WORDS.map(lambda w: f'"{w}"'), WORDS.map(lambda w: f"'{w}'"), WORDS), max_size=3).map(
        lambda items: "[" + ", ".join(items) + "]"
    ),
)
LINES = st.one_of(
    st.tuples(KEYS, st.sampled_from([": ", ":  ", ":", ": \t"]), VALUES, st.sampled_from(["", " ", " # note"])).map(
        "".join
    ),
    st.tuples(KEYS, VALUES).map(": ".join),
    st.sampled_from(["", "# a comment", "  - item", "  indented: 1", "---", "- x", "key:\n  - a"]),
)


def _parsed(loader: type[Any], text: str) -> tuple[Any, ...] | None:
    try:
        doc = yamlsrc._load(loader, text, "f.md", 2)
    except ContentError:
        return None
    return doc.data, doc.lines, [type(v) for v in (doc.data.values() if isinstance(doc.data, dict) else ())]


@settings(max_examples=1500, deadline=None)
@given(
    st.one_of(
        st.lists(LINES, min_size=1, max_size=6).map("\n".join),
        st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=4, unique_by=lambda pair: pair[0]).map(
            lambda pairs: "\n".join(f"{key}: {value}" for key, value in pairs)
        ),
    )
)
def test_front_matter_read_without_the_parser_is_what_the_parser_reads(text: str) -> None:
    simple = yamlsrc._load_simple(text, 2)
    if simple is None:
        return  # the parser reads it
    pure, fast = yamlsrc._loaders()
    expected = _parsed(pure, text)
    assert expected is not None, "read without the parser, but the parser refuses it"
    assert (simple.data, simple.lines, [type(v) for v in simple.data.values()]) == expected
    if fast is not None:
        assert _parsed(fast, text) == expected


def test_the_front_matter_of_the_shipped_articles_and_a_generated_archive_is_read_without_the_parser() -> None:
    text = 'title: "A title: with a colon"\ndate: 2024-11-02T08:00:00Z\ntags: ["Kursk", \'Seoul\']\ndraft: false'
    doc = yamlsrc._load_simple(text, 2)
    assert doc is not None
    assert doc.data == {
        "title": "A title: with a colon",
        "date": "2024-11-02T08:00:00Z",
        "tags": ["Kursk", "Seoul"],
        "draft": False,
    }
    assert doc.lines == {("title",): 2, ("date",): 3, ("tags", 0): 4, ("tags", 1): 4, ("tags",): 4, ("draft",): 5}
    assert load_yaml(text, "f.md", 2) == doc


def test_the_types_of_plain_scalars_are_pyyaml_s_but_timestamps() -> None:
    import yaml

    def spaced_out(pattern: re.Pattern[str]) -> str:  # (PyYAML writes them verbose)
        return re.sub(r"\s+", "", pattern.pattern) if pattern.flags & re.VERBOSE else pattern.pattern

    theirs = {
        first: [(tag, spaced_out(rx)) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    ours = {first: [(tag, rx.pattern) for tag, rx in found] for first, found in yamlsrc.PLAIN_BY_FIRST.items()}
    assert ours == {first: found for first, found in theirs.items() if found}
    assert dict(yamlsrc.BOOL_VALUES) == yaml.constructor.SafeConstructor.bool_values


def test_front_matter_read_without_the_parser_does_not_import_it() -> None:
    code = (
        "import sys; from kursk_site.yamlsrc import load_yaml; "
        "doc = load_yaml('title: \"A\"\\ndate: 2024-11-02\\ntags: [\"x\"]\\ndraft: false', 'a.md', 2); "
        "assert doc.data['draft'] is False and doc.data['date'] == '2024-11-02'; "
        "assert 'yaml' not in sys.modules, 'imported'; "
        "load_yaml('a:\\n  - 1', 'b.md'); assert 'yaml' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_quoted_true_or_false_is_reported_as_text_to_unquote() -> None:
    doc = load_yaml('draft: "false"\n', "f.md")
    fields = Fields(doc, "f.md", doc.data)
    assert fields.flag("draft") is False
    assert [str(e) for e in fields.errors] == [
        "f.md:1: draft: expected true or false, got the text 'false'; write it without quotes"
    ]
