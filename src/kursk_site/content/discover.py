"""Lists the article files in content/articles, sorted, with their kind taken from the suffix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from kursk_site.model import SourceKind

SUFFIXES = MappingProxyType({kind.value: kind for kind in SourceKind})


@dataclass(frozen=True, slots=True)
class ArticleFile:
    path: Path
    display: str
    """The path shown in messages, relative to the site folder."""
    kind: SourceKind


def discover_articles(articles_dir: Path, root: Path) -> tuple[ArticleFile, ...]:
    """Every .md and .txt file below `articles_dir`; hidden files and folders are skipped."""
    if not articles_dir.is_dir():
        return ()
    found: list[ArticleFile] = []
    for path in articles_dir.rglob("*"):
        rel = path.relative_to(articles_dir)
        if any(part.startswith((".", "_")) or part.endswith("~") for part in rel.parts):
            continue
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None or not path.is_file():
            continue
        found.append(ArticleFile(path, display_path(path, root), kind))
    return tuple(sorted(found, key=lambda f: f.display))


def display_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
