"""Checks that built pages carry no live markup from content: scripts, event handlers, dangerous URLs."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "cite", "background", "xlink:href", "data"}
)
FORBIDDEN_TAGS = frozenset({"iframe", "object", "embed", "base", "frame", "frameset", "applet", "svg", "math"})
ALLOWED_SCRIPT_TYPES = frozenset({"application/ld+json"})
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):")
# Browsers drop leading C0 controls and spaces, and every tab and line break, before reading a URL's scheme.
JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
URL_NOISE_RE = re.compile(r"[\t\n\r]|^[\x00-\x20]+")


def url_problem(value: str) -> str:
    url = URL_NOISE_RE.sub("", value).lower()
    match = SCHEME_RE.match(url)
    if match and match.group(1) not in SAFE_SCHEMES:
        return f"a {match.group(1)}: URL"
    return ""


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"<{tag}>"
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"{where} element")
        if tag == "script" and (values.get("type") not in ALLOWED_SCRIPT_TYPES and not _local_script(values)):
            self.problems.append(f"{where} that is neither JSON-LD nor a local file: {attrs}")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append(f"{where} refresh")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"{where} event handler {name}={value!r}")
            if name in URL_ATTRIBUTES and (problem := url_problem(value)):
                self.problems.append(f"{where} {name}: {problem} ({value!r})")
            if name == "srcset" and any(url_problem(item.strip()) for item in value.split(",")):
                self.problems.append(f"{where} srcset with a dangerous URL ({value!r})")
            if name == "style" and re.search(r"expression\(|url\(\s*['\"]?\s*(javascript|data):", value, re.I):
                self.problems.append(f"{where} style with script ({value!r})")

    handle_startendtag = handle_starttag


def _local_script(values: dict[str, str]) -> bool:
    src = values.get("src", "")
    return bool(src) and not SCHEME_RE.match(src.lower()) and not src.startswith("//")


def html_problems(html: str) -> list[str]:
    """Every piece of live markup in `html` that content could have smuggled in."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems


def site_problems(out: Path) -> list[str]:
    """Problems in every page of a built site, and in the HTML the feed carries; the XML files must parse."""
    problems: list[str] = []
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.suffix == ".html":
            page = path.read_text(encoding="utf-8")
            problems += [f"{rel}: {p}" for p in html_problems(page)]
            for data in JSON_LD_RE.findall(page):
                if "<" in data:
                    problems.append(f"{rel}: a raw '<' in JSON-LD")
                try:
                    json.loads(data)
                except ValueError as e:
                    problems.append(f"{rel}: JSON-LD that does not parse: {e}")
        elif path.name == "search-index.js" and "<" in path.read_text(encoding="utf-8"):  # content as data
            problems.append(f"{rel}: a raw '<' that could close a <script> if the file were inlined")
        elif path.suffix == ".xml":
            try:
                root = ET.fromstring(path.read_bytes())
            except ET.ParseError as e:
                problems.append(f"{rel}: not well-formed XML: {e}")
                continue
            for element in root.iter():
                if element.get("type") == "html" and element.text:
                    problems += [f"{rel}: {p}" for p in html_problems(element.text)]
                for name in ("href", "src"):
                    if (value := element.get(name)) and (problem := url_problem(value)):
                        problems.append(f"{rel}: <{element.tag}> {name}: {problem}")
    return problems
