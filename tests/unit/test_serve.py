"""The preview server's pure parts: which file a URL names, the reload script, the error page, the watcher."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kursk_site.serve import (
    BUILD_PATH,
    Preview,
    as_reached,
    error_page,
    inject_reload,
    is_folder_request,
    resolve_request,
    snapshot,
)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    (root / "articles").mkdir(parents=True)
    (root / "topics").mkdir()
    (root / "index.html").write_text("<html><body>home</body></html>")
    (root / "articles" / "a.html").write_text("a")
    (root / "topics" / "index.html").write_text("topics")
    (root / ".kursk-site-build").write_text("{}")
    (tmp_path / "secret.txt").write_text("secret")
    return root


def test_root_and_folders_serve_their_index_html(out: Path) -> None:
    assert resolve_request(out, "/") == (out / "index.html").resolve()
    assert resolve_request(out, "/topics/") == (out / "topics" / "index.html").resolve()


def test_a_page_is_found_by_its_path_with_escapes_decoded(out: Path) -> None:
    assert resolve_request(out, "/articles/a.html") == (out / "articles" / "a.html").resolve()
    assert resolve_request(out, "/articles/%61.html") == (out / "articles" / "a.html").resolve()


@pytest.mark.parametrize(
    "url",
    [
        "/../secret.txt",
        "/articles/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/articles/..%5c..%5csecret.txt",
        "/index.html%00.css",
        "/.kursk-site-build",
        "/articles/missing.html",
        "/articles",
    ],
)
def test_no_url_reaches_a_file_outside_the_output_or_a_hidden_file_or_a_folder(out: Path, url: str) -> None:
    assert resolve_request(out, url) is None


def test_a_symlink_out_of_the_output_folder_is_not_followed(out: Path) -> None:
    (out / "leak.txt").symlink_to(out.parent / "secret.txt")
    (out / "leakdir").symlink_to(out.parent, target_is_directory=True)
    assert resolve_request(out, "/leak.txt") is None
    assert resolve_request(out, "/leakdir/secret.txt") is None


def test_a_folder_without_its_slash_is_recognised_for_a_redirect(out: Path) -> None:
    assert is_folder_request(out, "/topics")
    assert not is_folder_request(out, "/articles/a.html")
    assert not is_folder_request(out, "/articles")


def test_the_reload_script_goes_before_the_closing_body_tag() -> None:
    page = inject_reload(b"<html><body><p>x</p></body></html>", 7)
    assert page.startswith(b"<html><body><p>x</p><script>")
    assert page.endswith(b"</script></body></html>")
    assert BUILD_PATH.encode() in page
    assert b'built="7"' in page


def test_the_reload_script_is_appended_to_a_page_without_a_body_tag() -> None:
    page = inject_reload(b"<p>x</p>", 1)
    assert page.startswith(b"<p>x</p><script>")


def test_the_error_page_lists_every_error_escaped() -> None:
    page = error_page(["content/a.md:3: bad <script>alert(1)</script>", "content/b.md:1: also & bad"]).decode()
    assert "content/a.md:3: bad &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "content/b.md:1: also &amp; bad" in page
    assert "<script>" not in page
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page


def test_the_watcher_snapshot_changes_when_a_file_is_edited_added_or_removed(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("one")
    first = snapshot([tmp_path])
    assert snapshot([tmp_path]) == first
    (tmp_path / "a.md").write_text("one and two")
    edited = snapshot([tmp_path])
    assert edited != first
    (tmp_path / "b.md").write_text("b")
    added = snapshot([tmp_path])
    assert added != edited
    os.remove(tmp_path / "b.md")
    assert snapshot([tmp_path]) == edited


def test_the_watcher_ignores_editor_swap_and_backup_files_and_missing_folders(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("one")
    first = snapshot([tmp_path, tmp_path / "missing"])
    (tmp_path / ".a.md.swp").write_text("swap")
    (tmp_path / "a.md~").write_text("backup")
    (tmp_path / "#a.md#").write_text("autosave")
    assert snapshot([tmp_path, tmp_path / "missing"]) == first


def test_the_watcher_skips_the_output_folder_inside_a_watched_folder(tmp_path: Path) -> None:
    (tmp_path / "preview").mkdir()
    first = snapshot([tmp_path], skip=tmp_path / "preview")
    (tmp_path / "preview" / "index.html").write_text("built")
    assert snapshot([tmp_path], skip=tmp_path / "preview") == first


def test_the_preview_address_in_a_page_becomes_the_one_the_reader_reached() -> None:
    page = b'<link href="http://0.0.0.0:8000/assets/style.css"><a href="http://0.0.0.0:8000/">home</a>'
    assert as_reached(page, "http://0.0.0.0:8000/", "desk-laptop.local:8000") == page.replace(
        b"0.0.0.0:8000", b"desk-laptop.local:8000"
    )
    assert as_reached(page, "http://0.0.0.0:8000/", "[fe80::1]:8000").count(b"http://[fe80::1]:8000/") == 2
    assert as_reached(page, "http://0.0.0.0:8000/", 'evil"><script>') == page  # (not a host name: left as it is)
    assert as_reached(page, "http://0.0.0.0:8000/", "") == page


def test_each_run_of_serve_counts_its_builds_from_its_own_number() -> None:
    # a page left open while serve was stopped, an article edited and serve started again, must see a change
    first, second = Preview(), Preview()
    assert first.outcome.generation != second.outcome.generation
    assert first.publish(()).generation == first.outcome.generation != second.publish(()).generation
