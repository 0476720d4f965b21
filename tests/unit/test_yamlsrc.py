"""yamlsrc: safe YAML with the line of every key, and syntax errors at their line."""

from __future__ import annotations

import pytest

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
