"""Lists the article files in content/articles, sorted, with their kind taken from the suffix."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from kursk_site.errors import ContentError
from kursk_site.model import SourceKind
from kursk_site.values import Value
from kursk_site.walk import walk_once

SUFFIXES = MappingProxyType({kind.value: kind for kind in SourceKind})


@dataclass(frozen=True, slots=True, repr=False)
class ArticleFile(Value):
    path: Path
    display: str
    """The path shown in messages, relative to the site folder."""
    kind: SourceKind
    status: os.stat_result | None = None
    """The file's os.stat when it was found (None when not looked at)."""


def discover_articles(
    articles_dir: Path, root: Path, known: Mapping[str, os.stat_result] | None = None
) -> tuple[ArticleFile, ...]:
    """Every .md and .txt file below `articles_dir`; hidden files and folders are skipped. `known`: the status of
    files already looked at in this build, by path as text (see stamps.stamp_inputs)."""
    found: list[ArticleFile] = []
    folders: dict[str, Path] = {}
    for display, folder, name, kind, status in article_listing(articles_dir, root, known):
        base = folders.get(folder)
        if base is None:
            base = folders[folder] = Path(folder)
        found.append(ArticleFile(base / name, display, kind, status))
    return tuple(sorted(found, key=lambda f: f.display))


def article_listing(
    articles_dir: Path, root: Path, known: Mapping[str, os.stat_result] | None = None
) -> Iterator[tuple[str, str, str, SourceKind, os.stat_result]]:
    """What discover_articles finds, as (display path, folder, file name, kind, status), in no particular order."""
    if not articles_dir.is_dir():
        return
    known = known or {}
    prefix = display_path(articles_dir, root)
    suffixes, is_file = SUFFIXES, stat.S_ISREG  # (a loop over every article file: a rebuild after an edit runs it)
    for folder, shown, filenames in _folders(articles_dir, prefix):
        inside = os.path.join(folder, "")
        for name in filenames:
            if _hidden(name):
                continue
            dot = name.rfind(".")  # (the name does not start with one: the suffix os.path.splitext gives)
            kind = suffixes.get(name[dot:].lower()) if dot > 0 else None
            if kind is None:
                continue
            path = inside + name
            status = known.get(path)
            if status is None:
                try:
                    status = os.stat(path)
                except OSError:
                    continue
            if is_file(status.st_mode):
                yield shown + name, folder, name, kind, status


def unread_files(articles_dir: Path, root: Path) -> list[ContentError]:
    """The files of the articles folder that the build does not read, and why (for `check`): another suffix than
    .md or .txt, a link that leads nowhere, something that is not a file (hidden files are not named)."""
    found: list[ContentError] = []
    if not articles_dir.is_dir():
        return found
    for folder, shown, filenames in _folders(articles_dir, display_path(articles_dir, root)):
        for name in filenames:
            if _hidden(name):
                continue
            dot = name.rfind(".")  # (as article_listing reads a suffix)
            if (SUFFIXES.get(name[dot:].lower()) if dot > 0 else None) is None:
                problem = "not read: an article's file name ends in .md (Markdown) or .txt (wire copy)"
            else:
                try:
                    status = os.stat(os.path.join(folder, name))
                except OSError:
                    problem = "not read: a link that leads to no file"
                else:
                    if stat.S_ISREG(status.st_mode):
                        continue
                    problem = "not read: not a file"
            found.append(ContentError(shown + name, 0, problem))
    return found


def _folders(articles_dir: Path, prefix: str) -> Iterator[tuple[str, str, list[str]]]:
    """Each folder of the articles (hidden ones left out) as (path, its display path ending in `/`, file names)."""
    for folder, dirnames, filenames in walk_once(articles_dir):
        dirnames[:] = [d for d in dirnames if not _hidden(d)]
        rel = os.path.relpath(folder, articles_dir)
        yield folder, f"{prefix}/" if rel == "." else f"{prefix}/{Path(rel).as_posix()}/", filenames


def _hidden(name: str) -> bool:
    return name.startswith((".", "_")) or name.endswith("~")


def display_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
