"""Each file in cases/ is a site that must build cleanly and safely, or fail with exactly the messages it lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from kursk_site.cli import EXIT_CONTENT, EXIT_OK, main
from tests.hardening.conftest import write_files
from tests.hardening.corpus import Case, all_cases
from tests.hardening.safety import site_problems

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case_gives_exactly_its_messages_or_a_safe_site(
    case: Case, site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(site_root, case.files)
    code = main(["build", "--source", str(site_root)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if case.stderr:
        assert captured.err == case.stderr
        assert code == EXIT_CONTENT
        assert not (site_root / "build").exists()
    else:
        assert captured.err == ""
        assert code == EXIT_OK
        assert site_problems(site_root / "build") == []


def test_the_corpus_holds_both_failing_and_hostile_cases() -> None:
    failing = [case for case in CASES if case.stderr]
    clean = [case for case in CASES if not case.stderr]
    assert len(failing) >= 20
    hostile = {"hostile-body", "hostile-front-matter", "hostile-site-yaml", "hostile-search", "hostile-analysis"}
    assert hostile <= {case.name for case in clean}
