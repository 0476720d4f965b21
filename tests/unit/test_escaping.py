"""escaping: templates escape what they output exactly as markupsafe.escape does."""

from __future__ import annotations

from typing import Any

import jinja2
import markupsafe
from hypothesis import given
from hypothesis import strategies as st

from kursk_site.escaping import Environment, escape_output


class Html:
    def __init__(self, text: str) -> None:
        self.text = text

    def __html__(self) -> str:
        return self.text


class Text:
    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


class Sub(str):
    pass


def values() -> st.SearchStrategy[Any]:
    text = st.text(alphabet=st.sampled_from("ab<>&'\"é \n"), max_size=30)
    return st.one_of(
        text,
        text.map(markupsafe.Markup),
        text.map(Html),
        text.map(Text),
        text.map(Sub),
        st.integers(),
        st.floats(allow_nan=False),
        st.none(),
        st.booleans(),
    )


@given(values())
def test_escape_output_is_markupsafe_escape(value: Any) -> None:
    expected = markupsafe.escape(value)
    got = escape_output(value)
    assert type(got) is markupsafe.Markup
    assert str.__str__(got) == str.__str__(expected)


@given(st.lists(values(), max_size=4))
def test_templates_compiled_here_write_what_jinja_writes(items: list[Any]) -> None:
    source = "{% for x in items %}<p title='{{ x }}'>{{ x }}</p>{% endfor %}{{ items | length }}"
    ours = Environment(autoescape=True).from_string(source).render(items=items)
    jinjas = jinja2.Environment(autoescape=True).from_string(source).render(items=items)
    assert ours == jinjas


def test_templates_without_autoescape_are_left_alone() -> None:
    template = Environment(autoescape=False).from_string("{{ x }}")
    assert template.render(x="<b>") == "<b>"
    assert "escape_output" not in Environment(autoescape=False).compile("{{ x }}", raw=True)
    assert "escape_output" in Environment(autoescape=True).compile("{{ x }}", raw=True)
    volatile = Environment(autoescape=True).from_string("{% autoescape false %}{{ x }}{% endautoescape %}{{ x }}")
    assert volatile.render(x="<b>") == "<b>&lt;b&gt;"


def test_without_markupsafes_inner_escaping_the_text_is_escaped_all_the_same() -> None:
    from kursk_site.escaping import _escaped_text

    assert _escaped_text("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"
    assert type(_escaped_text("plain")) is str
