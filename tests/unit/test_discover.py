"""content/discover: article files, sorted, kind from the suffix, hidden and backup files skipped."""

from __future__ import annotations

from pathlib import Path

from kursk_site.content.discover import discover_articles
from kursk_site.model import SourceKind


def test_articles_are_listed_sorted_with_their_kind_and_display_path(tmp_path: Path) -> None:
    articles = tmp_path / "content" / "articles"
    for name in ("b.md", "a.TXT", "sub/c.md", ".hidden.md", "_draft/x.md", "d.md~", "notes.rtf", ".git/e.md"):
        (articles / name).parent.mkdir(parents=True, exist_ok=True)
        (articles / name).write_text("x", encoding="utf-8")
    (articles / "folder.md").mkdir()
    found = discover_articles(articles, tmp_path)
    assert [(f.display, f.kind) for f in found] == [
        ("content/articles/a.TXT", SourceKind.WIRE),
        ("content/articles/b.md", SourceKind.MARKDOWN),
        ("content/articles/sub/c.md", SourceKind.MARKDOWN),
    ]


def test_a_missing_articles_folder_has_no_articles(tmp_path: Path) -> None:
    assert discover_articles(tmp_path / "nope", tmp_path) == ()
