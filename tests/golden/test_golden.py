"""Golden files: each case in tests/golden/ is built and compared with its expected/ folder byte for byte.

A case folder is a site folder (content/, optional static/ and templates/) beside expected/. The `shipped`
case has no content of its own: it builds the repository's own site, so the golden output follows the
shipped article. Rewrite the expected folders with `pytest --update-golden`, then review the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support import build_site, tree_bytes, tree_diff

GOLDEN = Path(__file__).resolve().parent
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def test_there_is_a_case_for_the_shipped_site_and_a_small_one() -> None:
    assert {"shipped", "desk"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_golden_output(case: str, tmp_path: Path, update_golden: bool) -> None:
    source = REPO if case == "shipped" else GOLDEN / case
    out = tmp_path / "build"
    build_site(source, out)
    expected_dir = GOLDEN / case / "expected"
    actual = tree_bytes(out)
    if update_golden:
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(out, expected_dir, ignore=shutil.ignore_patterns(".kursk-site-build"))
        return
    assert expected_dir.is_dir(), f"no expected output yet: run pytest --update-golden -k {case}"
    expected = tree_bytes(expected_dir)
    if expected != actual:
        pytest.fail(f"output of tests/golden/{case} differs:\n{tree_diff(expected, actual)}", pytrace=False)
