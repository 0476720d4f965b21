"""Fixtures for the hardening tests: a site written from bytes, and builds run in-process."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.conftest import SITE_YAML

WriteSite = Callable[[Path, Mapping[str, bytes | str]], Path]


def write_files(root: Path, files: Mapping[str, bytes | str]) -> Path:
    """Write `files` (path: bytes or text) under `root`; content/site.yaml defaults to the test desk's."""
    for rel, data in {"content/site.yaml": SITE_YAML, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    return tmp_path / "site"
