"""The same input gives byte-identical output, whatever the file order, folder, time zone, locale or hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kursk_site.cli import main
from tests.hardening.builds import Snapshot, snapshot
from tests.hardening.conftest import write_files

FILES = {
    "content/articles/b-second.md": (
        "---\ntitle: Émigrés and engineers\ndate: 2024-11-05T23:30-05:00\ntags: [kursk, Émigrés, North Korea]\n"
        "sources: [Reuters, {name: reuters, url: 'https://example.org/r'}]\n---\n"
        "Lede.\n\n## Casualties mount\n\nText.\n\n## Next steps\n\nMore.\n"
    ),
    "content/articles/a-first.md": (
        "---\ntitle: Sappers arrive\ndate: 2024-11-06T04:30Z\ntags: [Kursk, emigres, north korea]\n"
        "sources: [Yonhap, Reuters]\n---\nLede.\n\n## Troops deploy\n\nText.\n\n## Economic gains\n\nMore.\n"
    ),
    "content/articles/Zeta.md": "---\ntitle: Same day\ndate: 2024-11-06\ntags: [Zeta, alpha]\n---\nText.\n",
    "content/articles/alpha.md": "---\ntitle: Same day too\ndate: 2024-11-06\ntags: [ALPHA]\n---\nText.\n",
    "content/articles/deep/nested.md": "---\ntitle: Nested\ndate: 2023-01-01\n---\nText.\n",
    "static/b.txt": "b\n",
    "static/a/a.txt": "a\n",
}


def build(root: Path, env: dict[str, str] | None = None) -> Snapshot:
    if env is None:
        assert main(["build", "--source", str(root)]) == 0
    else:
        result = subprocess.run(
            [sys.executable, "-m", "kursk_site", "build", "--source", str(root)],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    return snapshot(root / "build")


def test_output_is_the_same_in_any_time_zone_locale_and_hash_seed(tmp_path: Path) -> None:
    root = write_files(tmp_path / "site", FILES)
    first = build(root, {"TZ": "UTC", "LC_ALL": "C", "PYTHONHASHSEED": "0"})
    second = build(root, {"TZ": "Pacific/Chatham", "LC_ALL": "C.UTF-8", "LANG": "tr_TR.UTF-8", "PYTHONHASHSEED": "4"})
    assert first == second
    assert build(root) == first


def test_output_does_not_depend_on_the_order_files_are_created_in_or_the_folder(tmp_path: Path) -> None:
    forward = write_files(tmp_path / "forward", FILES)
    backward = tmp_path / "elsewhere" / "backward"
    for rel in reversed(list(FILES)):
        write_files(backward, {rel: FILES[rel]})
    assert build(forward) == build(backward)


def test_output_does_not_depend_on_the_order_the_disk_lists_files_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_files(tmp_path / "site", FILES)
    listed_in_order = build(root)
    rglob = Path.rglob

    def reversed_rglob(self: Path, pattern: str) -> Iterator[Path]:
        return iter(sorted(rglob(self, pattern), reverse=True))

    monkeypatch.setattr(Path, "rglob", reversed_rglob)
    assert build(root) == listed_in_order
