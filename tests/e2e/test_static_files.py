"""static/: files copied as they are, streamed (never whole in memory), links out of the site folder refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kursk_site.cli import main
from tests.conftest import MakeSite

ARTICLE = "---\ntitle: A\ndate: 2024-11-05\n---\n\nText.\n"


def build(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["build", "--source", str(root)])
    return code, capsys.readouterr().err


def test_static_files_are_copied_byte_for_byte_and_kept_when_unchanged(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    big = os.urandom(3 * 1024 * 1024 + 7)  # several blocks of the copy
    root = make_site({"content/articles/a.md": ARTICLE, "static/docs/report.pdf": big, "static/logo.svg": "<svg/>"})
    assert build(root, capsys)[0] == 0
    out = root / "build"
    assert (out / "docs/report.pdf").read_bytes() == big
    assert (out / "logo.svg").read_text() == "<svg/>"
    before = (out / "docs/report.pdf").stat()
    (root / "content/articles/a.md").write_text(ARTICLE + "\nMore.\n")
    assert build(root, capsys)[0] == 0
    after = (out / "docs/report.pdf").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not rewritten


def test_a_link_to_a_file_outside_the_site_folder_is_refused(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for publishing")
    root = make_site({"content/articles/a.md": ARTICLE, "static/ok.txt": "fine"})
    (root / "static/leak.txt").symlink_to(secret)
    (root / "inside.txt").write_text("shared")
    (root / "static/shared.txt").symlink_to(root / "inside.txt")
    code, err = build(root, capsys)
    assert code == 1
    assert "static/leak.txt: refusing to copy: it links to a file outside the site folder" in err
    assert not (root / "build").exists()
    (root / "static/leak.txt").unlink()
    assert build(root, capsys)[0] == 0
    assert (root / "build/shared.txt").read_text() == "shared"  # a link inside the site folder is followed


def test_a_link_to_a_folder_is_followed_inside_the_site_folder_and_refused_outside_it(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "private.txt").write_text("not for publishing")
    root = make_site({"content/articles/a.md": ARTICLE, "media/maps/front.svg": "<svg/>", "static/ok.txt": "fine"})
    (root / "static/maps").symlink_to(root / "media/maps", target_is_directory=True)
    (root / "static/loop").symlink_to(root / "static", target_is_directory=True)
    (root / "static/leak").symlink_to(elsewhere, target_is_directory=True)
    code, err = build(root, capsys)
    assert code == 1
    assert "static/leak: refusing to copy: it links to a folder outside the site folder" in err
    assert "private" not in err
    (root / "static/leak").unlink()
    assert build(root, capsys)[0] == 0
    assert (root / "build/maps/front.svg").read_text() == "<svg/>"  # a link inside the site folder is followed
    assert not (root / "build/loop").exists()  # (each real folder once)


def test_an_unreadable_static_file_is_a_positioned_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site({"content/articles/a.md": ARTICLE, "static/locked.txt": "x"})
    locked = root / "static/locked.txt"
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object) -> object:  # as chmod 0 would for any user but root
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", deny)
    code, err = build(root, capsys)
    assert code == 1
    assert "static/locked.txt: cannot read: Permission denied" in err
    assert not (root / "build").exists()


def test_the_site_s_own_static_file_takes_the_place_of_the_theme_s(make_site: MakeSite) -> None:
    root = make_site({"content/articles/a.md": ARTICLE, "static/assets/style.css": "body { color: teal }\n"})
    assert main(["build", "--source", str(root), "-q"]) == 0
    assert (root / "build/assets/style.css").read_text() == "body { color: teal }\n"
    assert "color" in (root / "build/assets/analysis.css").read_text()  # (the theme's others stay)
