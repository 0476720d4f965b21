"""JSON-LD text is safe inside <script> and reads back as the same data."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from kursk_site.structured import script_json


def test_script_breaking_characters_become_unicode_escapes() -> None:
    text = script_json({"headline": "</script><!-- & \u2028"})
    assert text == '{"headline":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"}'


@given(st.recursive(st.text(), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner)))
def test_escaped_json_decodes_to_the_same_value_and_never_holds_markup(value: object) -> None:
    text = script_json(value)
    assert json.loads(text) == value
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
