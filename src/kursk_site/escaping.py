"""A Jinja environment whose templates escape what they output as markupsafe.escape does, at less cost per value.

Every `{{ value }}` of an autoescaped template becomes `escape(value)`: markupsafe's escape wraps its C escaping
in a Python-level Markup constructor (and copies a Markup given to it). A page outputs a few hundred values and a
site has thousands of pages, so the templates compiled here call `escape_output` instead: the same result (equal
text, a Markup), made without those steps. Jinja's own extension points do it: the environment's code generator
writes the call, and the environment carries the function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator, Frame
from markupsafe import Markup

_new = str.__new__


def _escaped_text(text: str) -> str:
    return str.__str__(markupsafe.escape(text))


_escape_inner: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _escaped_text)
"""markupsafe's escaping of a str to a str (its C code), where this version of markupsafe has it."""


def escape_output(value: Any) -> Markup:
    """markupsafe.escape(value): a Markup of the value's text with &, <, >, ' and " escaped, unless the value
    is markup already (has __html__), which is taken as it is."""
    if type(value) is str:
        return _new(Markup, _escape_inner(value))
    if type(value) is Markup:
        return value  # immutable: the same text as the copy markupsafe makes
    if hasattr(value, "__html__"):
        html = value.__html__()
        return html if type(html) is Markup else Markup(html)
    return _new(Markup, _escape_inner(str(value)))


class _Generator(CodeGenerator):
    def _output_child_pre(self, node: jinja2.nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escape_output(")
        else:
            super()._output_child_pre(node, frame, finalize)


class Environment(jinja2.Environment):
    """jinja2.Environment, its templates escaping through escape_output."""

    code_generator_class = _Generator
    escape_output = staticmethod(escape_output)
