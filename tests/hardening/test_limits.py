"""Huge, deep and repetitive input: a clean build or a positioned message, quickly, in bounded memory."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from kursk_site.cli import EXIT_CONTENT, EXIT_OK, main
from kursk_site.config import MAX_FILE_BYTES
from tests.hardening.conftest import write_files

HEAD = "---\ntitle: Limits\ndate: 2024-11-05\n---\n"
PARAGRAPH = "North Korean troops arrived in Kursk, with *emphasis* and [a link](https://example.org/).\n\n"


def build(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["build", "--source", str(root)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_a_50_mb_article_is_refused_at_once_without_being_read_into_memory(
    site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(site_root, {"content/articles/ok.md": HEAD + "Text.\n"})
    big = site_root / "content" / "articles" / "big.md"
    with big.open("w", encoding="utf-8") as file:
        file.write(HEAD)
        chunk = PARAGRAPH * 10_000
        while file.tell() < 50 * 2**20:
            file.write(chunk)
    tracemalloc.start()
    began = time.perf_counter()
    try:
        code, err = build(site_root, capsys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == EXIT_CONTENT
    assert err.splitlines()[0] == "content/articles/big.md:1: larger than 2 MB, the limit for one file; split it up"
    assert time.perf_counter() - began < 10
    assert peak < MAX_FILE_BYTES * 4


def test_an_article_of_a_quarter_megabyte_builds(site_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "".join(f"## Part {n}\n\n" + PARAGRAPH * 20 for n in range(2**18 // (len(PARAGRAPH) * 20)))
    write_files(site_root, {"content/articles/long.md": HEAD + body})
    assert build(site_root, capsys) == (EXIT_OK, "")


DEEP = {
    "quotes": (HEAD + ">" * 20_000 + " deep\n", ""),
    "quote-lines": (HEAD + "".join(">" * n + " x\n" for n in range(300)), ""),
    "lists": (HEAD + "- " * 20_000 + "deep\n", ""),
    "indented-lists": (HEAD + "".join("  " * n + "- x\n" for n in range(400)), ""),
    "brackets": (HEAD + "[" * 20_000 + "x" + "](y)" * 20_000 + "\n", ""),
    "emphasis": (HEAD + "*" * 20_000 + "x" + "*" * 20_000 + "\n", ""),
    "yaml-flow": (
        "---\ntitle: " + "[" * 100_000 + "]" * 100_000 + "\ndate: 2024-11-05\n---\nText.\n",
        "content/articles/a.md:2: invalid YAML: lists or mappings nested more than 50 deep\n",
    ),
    "yaml-block": (
        "---\ntitle: A\ndate: 2024-11-05\ntags:\n" + "".join(" " * n + "-\n" for n in range(1, 1_500)) + "---\nText.\n",
        "content/articles/a.md:2: invalid YAML: lists or mappings nested too deeply\n",
    ),
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_or_repetitive_markdown_and_yaml_build_or_fail_cleanly(
    name: str, site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = DEEP[name]
    write_files(site_root, {"content/articles/a.md": text})
    code, err = build(site_root, capsys)
    if expected:
        assert (code, err) == (EXIT_CONTENT, expected + "build failed: 1 error; the previous output is unchanged\n")
    else:
        assert (code, err) == (EXIT_OK, "")


def test_three_thousand_equal_headings_get_distinct_anchors(
    site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(site_root, {"content/articles/a.md": HEAD + "## Troops\n\nText.\n\n" * 3_000})
    assert build(site_root, capsys)[0] == EXIT_OK
    page = (site_root / "build" / "articles" / "a.html").read_text(encoding="utf-8")
    assert 'id="troops"' in page and 'id="troops-3000"' in page and 'id="troops-3001"' not in page
