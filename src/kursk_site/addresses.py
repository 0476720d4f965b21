"""Link and image addresses in HTML of an article's text, found and replaced (pure: the loader makes links to the
article itself lead to its page, the pages make relative ones lead from wherever the text is shown)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

MAYBE_ADDRESS = re.compile(r"(?:href|src|srcset|poster)\s*=", re.IGNORECASE)
"""Found in any raw HTML (a site that allows it) that has an address."""
_ADDRESS = re.compile(r'( (?:href|src)=")([^"]*)"')
"""An address in the Markdown parser's HTML (it writes ` href="..."` and ` src="..."`, escaping `"` in values)."""
_RAW_TAG = re.compile(r"""<[A-Za-z][^\s/<>]*(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""")
"""A start tag of raw HTML, its attribute values quoted either way or not at all. (No name holds `<`: a `<` that
opens no tag ends the try at once, so text such as `<a <a <a ...` takes linear time, not quadratic.)"""
_RAW_ADDRESS = re.compile(r"""(\s(href|src|poster|srcset)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)


def map_addresses(html: str, change: Callable[[str], str], *, raw: bool = False) -> str:
    """`html` with the address of each link and image replaced by `change(address)`. `raw`: the HTML may hold HTML
    an author wrote (a site that allows it): also a picture's source list and a video's poster, the attribute named
    in any case, its value quoted either way or not at all."""
    if not raw:
        return _ADDRESS.sub(lambda m: f'{m.group(1)}{change(m.group(2))}"', html)
    return _RAW_TAG.sub(lambda tag: _RAW_ADDRESS.sub(partial(_raw_attribute, change), tag.group()), html)


def _raw_attribute(change: Callable[[str], str], match: re.Match[str]) -> str:
    start, name, value = match.groups()
    quote = value[0] if value[0] in "\"'" else ""
    inner = value[1:-1] if quote else value
    if name.lower() == "srcset":  # "a.png 1x, b.png 2x"
        new = ", ".join(" ".join((change(w[0]), *w[1:])) for w in (i.split() for i in inner.split(",")) if w)
    else:
        new = change(inner)
    if not quote and (not new or any(c in new for c in " \t\n\"'=<>`")):
        quote = '"'
    return f"{start}{quote}{new}{quote}"
