"""Folders reached through symbolic links (a shared articles folder) count as inputs everywhere: in the build,
in the check that nothing changed, and in serve's watcher; a link that loops back is followed once."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from kursk_site.cli import main
from kursk_site.serve import snapshot
from kursk_site.walk import VISITS, walk_once
from tests.conftest import MakeSite

ARTICLE = "---\ntitle: A\ndate: 2024-11-05\n---\n\n{text}\n"


@pytest.fixture
def linked_site(make_site: MakeSite, tmp_path: Path) -> tuple[Path, Path]:
    shared = tmp_path / "shared-articles"
    (shared / "desk").mkdir(parents=True)
    (shared / "desk" / "a.md").write_text(ARTICLE.format(text="First version."))
    root = make_site({})
    (root / "content" / "articles").symlink_to(shared, target_is_directory=True)
    return root, shared


def test_an_edit_in_a_linked_articles_folder_is_built(linked_site: tuple[Path, Path]) -> None:
    root, shared = linked_site
    assert main(["build", "--source", str(root)]) == 0
    assert "First version." in (root / "build/articles/a.html").read_text()
    (shared / "desk" / "a.md").write_text(ARTICLE.format(text="Second version."))
    assert main(["build", "--source", str(root)]) == 0
    assert "Second version." in (root / "build/articles/a.html").read_text()


def test_a_link_that_loops_back_is_followed_once(linked_site: tuple[Path, Path]) -> None:
    root, shared = linked_site
    (shared / "desk" / "again").symlink_to(shared, target_is_directory=True)
    assert main(["build", "--source", str(root), "-q"]) == 0
    assert sorted(p.name for p in (root / "build/articles").iterdir()) == ["a.html"]


def test_serve_watches_a_linked_folder(linked_site: tuple[Path, Path]) -> None:
    root, shared = linked_site
    before = snapshot([root / "content"])
    (shared / "desk" / "b.md").write_text(ARTICLE.format(text="New."))
    assert snapshot([root / "content"]) != before


def test_a_link_to_another_folder_of_the_site_is_copied_under_its_own_name_too(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE.format(text="Text."), "static/img/map.png": "png"})
    (root / "static" / "img2").symlink_to(root / "static" / "img", target_is_directory=True)
    (root / "static" / "img" / "up").symlink_to(root / "static", target_is_directory=True)  # (loops: not followed)
    assert main(["build", "--source", str(root), "-q"]) == 0
    assert (root / "build/img/map.png").read_text() == (root / "build/img2/map.png").read_text() == "png"
    assert not (root / "build/img/up").exists()


def test_links_that_fan_out_again_and_again_are_walked_in_linear_time(tmp_path: Path) -> None:
    levels = [tmp_path / f"level{n}" for n in range(20)]
    for level in levels:
        level.mkdir()
    for level, below in pairwise(levels):
        for name in ("left", "right"):  # 2**19 ways down to the last level, followed naively
            (level / name).symlink_to(below, target_is_directory=True)
    walked = sum(1 for _ in walk_once(levels[0], aliases=True))
    assert walked <= VISITS * len(levels)


def test_a_link_to_a_folder_of_the_articles_reads_each_article_once(make_site: MakeSite) -> None:
    root = make_site({"content/articles/desk/a.md": ARTICLE.format(text="Text.")})
    (root / "content/articles/old-desk-name").symlink_to(root / "content/articles/desk", target_is_directory=True)
    assert main(["build", "--source", str(root), "-q"]) == 0  # (not two articles with one slug)
    assert sorted(p.name for p in (root / "build/articles").iterdir()) == ["a.html"]
