"""Shared fixtures: a whole site written from a dict, and the repository's own site."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

SITE_YAML = textwrap.dedent(
    """\
    title: Test Desk
    description: A desk for tests.
    language: en
    author: Test Desk
    sections:
      - key: deployment
        title: Deployment
        summary: Who goes where.
        keywords: [deploy, troop, sapper, reinforce]
      - key: casualties
        title: Casualties
        summary: The human cost.
        keywords: [casualt, killed, wounded, human]
      - key: economics
        title: Economics
        summary: Money and labor.
        keywords: [econom, money, labor, gains]
      - key: outlook
        title: Outlook
        summary: What comes next.
        keywords: [future, outlook, next]
    """
)

MakeSite = Callable[[Mapping[str, str | bytes]], Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site from {relative path: text or bytes}; content/site.yaml defaults to SITE_YAML."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        root = tmp_path / "site"
        all_files: dict[str, str | bytes] = {"content/site.yaml": SITE_YAML, **files}
        for rel, data in all_files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(textwrap.dedent(data), encoding="utf-8")
        return root

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*/expected/ from the current output (review the diff before committing)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
