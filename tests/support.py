"""Helpers shared by the tests: fixture-file cases, building a site in-process, reading built HTML."""

from __future__ import annotations

import difflib
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kursk_site.build import build
from kursk_site.model import BuildOptions, BuildReport, Project

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True, slots=True)
class FixtureCase:
    """One case of a fixture file: title line, `.`, input, `.`, expected, `.`."""

    line: int
    """Line of the title in the fixture file: the test id."""
    title: str
    input: str
    expected: str


def read_fixture_file(path: Path) -> tuple[FixtureCase, ...]:
    """The cases of a fixture file, in the format of markdown-it-py's test fixtures."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cases: list[FixtureCase] = []
    dots = [i for i, line in enumerate(lines) if line.rstrip("\n") == "."]
    if len(dots) % 3:
        raise ValueError(f"{path.name}: {len(dots)} '.' lines; each case needs three")
    for a, b, c in zip(dots[0::3], dots[1::3], dots[2::3], strict=True):
        cases.append(FixtureCase(a, lines[a - 1].strip(), "".join(lines[a + 1 : b]), "".join(lines[b + 1 : c])))
    return tuple(cases)


def fixture_params(name: str) -> list[object]:
    """pytest parameters for each case of `tests/fixtures/<name>`, with the title's line as the id."""
    return [
        pytest.param(case, id=f"{name}:{case.line}:{case.title[:40]}") for case in read_fixture_file(FIXTURES / name)
    ]


def build_site(
    root: Path, out: Path, *, base_url: str | None = None, drafts: bool = False, cache: bool = False
) -> BuildReport:
    """Build the site folder `root` into `out` in-process (its templates/ folder, if any, shadows the theme).

    Without the build cache unless asked: golden cases and the shipped site are built from the repository,
    and a test writes nothing there.
    """
    templates = root / "templates"
    project = Project(root, root / "content", (templates,) if templates.is_dir() else (), out)
    return build(project, BuildOptions(base_url=base_url, drafts=drafts, cache=cache))


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (the writer's marker file aside) by its relative POSIX path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".kursk-site-build"
    }


def tree_diff(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """A readable account of how two trees differ: missing and extra files, and a unified diff of each change."""
    out: list[str] = []
    for name in sorted(expected.keys() - actual.keys()):
        out.append(f"missing: {name}")
    for name in sorted(actual.keys() - expected.keys()):
        out.append(f"unexpected: {name}")
    for name in sorted(expected.keys() & actual.keys()):
        if expected[name] != actual[name]:
            out.extend(
                difflib.unified_diff(
                    expected[name].decode("utf-8", "replace").splitlines(),
                    actual[name].decode("utf-8", "replace").splitlines(),
                    f"expected/{name}",
                    f"actual/{name}",
                    lineterm="",
                )
            )
    return "\n".join(out)


@dataclass(slots=True)
class PageFacts(HTMLParser):
    """What the tests check in one HTML page: ids, links, headings, head elements."""

    ids: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    """Every href and src, in order."""
    starts: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    """Every start tag with its attributes."""
    text_by_tag: dict[str, list[str]] = field(default_factory=dict)
    nested_links: int = 0
    """How many <a> elements open inside another <a> (invalid HTML)."""
    _open: list[tuple[str, list[str]]] = field(default_factory=list)
    _links_open: int = 0
    _in_citation: int = 0
    """Depth inside a footnote citation mark (`<sup class="footnote-ref">`), whose "[1]" is not text."""

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.starts.append((tag, values))
        if tag == "a":
            self.nested_links += self._links_open > 0
            self._links_open += 1
        if "id" in values:
            self.ids.append(values["id"])
        for key in ("href", "src"):
            if key in values:
                self.links.append(values[key])
        if tag in ("title", "h1", "p", "h2", "h3", "h4"):
            self._open.append((tag, []))
        if tag == "sup" and (self._in_citation or "footnote-ref" in values.get("class", "").split()):
            self._in_citation += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup" and self._in_citation:
            self._in_citation -= 1
        if tag == "a":
            self._links_open = max(0, self._links_open - 1)
        if self._open and self._open[-1][0] == tag:
            name, parts = self._open.pop()
            self.text_by_tag.setdefault(name, []).append(" ".join("".join(parts).split()))

    def handle_data(self, data: str) -> None:
        if self._in_citation:
            return
        for _, parts in self._open:
            parts.append(data)

    def tags(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.starts if tag == name]

    def texts(self, tag: str) -> list[str]:
        return self.text_by_tag.get(tag, [])


def read_page(path: Path) -> PageFacts:
    facts = PageFacts()
    facts.feed(path.read_text(encoding="utf-8"))
    facts.close()
    return facts


def run_python(code: str, timeout: float = 120) -> str:
    """What `code` prints, run by this Python in a child process (that may crash, or is given up after `timeout`
    seconds), which must end well."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()
