"""The wire-copy fixture cases: each tests/fixtures/wire/<case>.txt and the summary it must give (<case>.expected)."""

from __future__ import annotations

from pathlib import Path

from kursk_site.config import load_config
from kursk_site.errors import BuildFailed
from kursk_site.importer import Imported, import_wire
from kursk_site.model import BlockKind, SiteConfig
from tests.conftest import REPO

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wire"
DEFAULT_DATE = "2024-11-05"


def repo_config() -> SiteConfig:
    """The shipped site's settings: its four sections and their keywords."""
    return load_config(REPO / "content" / "site.yaml", "content/site.yaml")


def describe(imported: Imported) -> str:
    """A readable summary of what a wire file gives: title, date, topics, parts with their blocks, figures, claims."""
    article = imported.article
    out = [
        f"title: {article.title}",
        f"date: {article.published.date().isoformat()}",
        f"topics: {'; '.join(t.name for t in article.topics) or '(none)'}",
        f"slug: {imported.slug}",
    ]
    for part, reason in zip(imported.parts, imported.reasons, strict=True):
        heading = part.heading.text if part.heading else "(lede)"
        out.append(f"part {part.section} ({reason}): {heading}")
        for block in part.blocks:
            kind = "subheading" if block.kind is BlockKind.HEADING else "p"
            text = block.text if len(block.text) <= 60 else block.text[:60] + "…"
            out.append(f"  {block.line} {kind}: {text} ({len(block.text.split())} words)")
    for figure in imported.figures:
        extra = (f" | source: {figure.source}" if figure.source else "") + (
            f" | as of {figure.as_of}" if figure.as_of else ""
        )
        out.append(f"figure {figure.line} [{figure.section}]: {figure.value} | {figure.label or '-'}{extra}")
    out += [f"source {s.line}: {s.name}" for s in imported.sources]
    out += [f"claim {c.line}: {c.phrase}" for c in imported.claims]
    return "\n".join(out) + "\n"


def run_case(name: str) -> str:
    """The summary of one fixture, or its error lines when it does not load."""
    path = FIXTURES / f"{name}.txt"
    try:
        imported = import_wire(path.read_bytes(), f"wire/{name}.txt", repo_config(), default_date=DEFAULT_DATE)
    except BuildFailed as e:
        return "".join(f"error: {error}\n" for error in e.errors)
    return describe(imported)


def case_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.txt"))
