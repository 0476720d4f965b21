"""Each wire-copy fixture gives the title, sections, paragraphs, figures, sources and claims its .expected lists."""

from __future__ import annotations

import difflib

import pytest

from tests.unit.wire_cases import FIXTURES, case_names, run_case


def test_there_are_the_source_article_and_at_least_four_other_cases() -> None:
    names = case_names()
    assert "kursk-source" in names
    assert len(names) >= 5
    for name in names:
        assert (FIXTURES / f"{name}.expected").is_file(), name


@pytest.mark.parametrize("name", case_names())
def test_wire_fixture_gives_its_expected_summary(name: str) -> None:
    expected = (FIXTURES / f"{name}.expected").read_text(encoding="utf-8")
    actual = run_case(name)
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "expected", "actual"))
    assert actual == expected, f"tests/fixtures/wire/{name}.txt:\n{diff}"
