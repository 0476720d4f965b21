"""JSON-LD text is safe inside <script> and reads back as the same data."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from kursk_site.cli import main
from kursk_site.structured import _people, script_json
from tests.conftest import MakeSite


def test_script_breaking_characters_become_unicode_escapes() -> None:
    text = script_json({"headline": "</script><!-- & \u2028"})
    assert text == '{"headline":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"}'


@given(st.recursive(st.text(), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner)))
def test_escaped_json_decodes_to_the_same_value_and_never_holds_markup(value: object) -> None:
    text = script_json(value)
    assert json.loads(text) == value
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}


def test_each_person_a_byline_names_is_an_author_of_the_structured_data(make_site: MakeSite) -> None:
    article = "---\ntitle: T\ndate: 2024-11-05\nauthor: {}\n---\n\nText.\n"
    root = make_site(
        {
            "content/articles/a.md": article.format("Tom Balmforth and Olena Harmash"),
            "content/articles/b.md": article.format("Smith & Co"),
        }
    )
    assert main(["build", "--source", str(root)]) == 0

    def authors(name: str) -> object:
        page = (root / f"build/articles/{name}.html").read_text()
        found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        return next(data["author"] for data in map(json.loads, found) if "author" in data)

    assert authors("a") == [{"@type": "Person", "name": "Tom Balmforth"}, {"@type": "Person", "name": "Olena Harmash"}]
    assert authors("b") == {"@type": "Person", "name": "Smith & Co"}


def test_a_post_or_an_outlet_after_a_name_is_no_person() -> None:
    assert _people("Anna Smith, Moscow Bureau Chief") == ["Anna Smith"]
    assert _people("Paul Kirby, BBC News") == ["Paul Kirby"]
    assert _people("Tom Balmforth and Olena Harmash") == ["Tom Balmforth", "Olena Harmash"]
