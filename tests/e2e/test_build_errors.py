"""End to end: bad input gives exactly `path:line: message` on stderr, exit 1, every error, and no change to build/."""

from __future__ import annotations

import pytest

from kursk_site.cache import CACHE_DIR
from kursk_site.cli import main
from tests.conftest import SITE_YAML, MakeSite
from tests.support import tree_bytes

GOOD = """\
---
title: Good
date: 2024-11-05
---

The lede.

## Troops arrive

Text.
"""


def run(root: object, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(["build", "--source", str(root)])
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), captured.out


def assert_errors(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], files: dict[str, str | bytes], expected: list[str]
) -> None:
    code, err, out = run(make_site(files), capsys)
    assert code == 1
    assert out == ""
    n = len(expected)
    assert err == [*expected, f"build failed: {n} error{'s' if n != 1 else ''}; the previous output is unchanged"]


def test_bad_yaml_is_reported_at_the_line_of_the_problem(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = GOOD.replace("date: 2024-11-05\n", "date: 2024-11-05\nsummary: [unclosed\nauthor: x\n")
    assert_errors(
        make_site,
        capsys,
        {"content/articles/a.md": bad},
        [
            "content/articles/a.md:5: invalid YAML: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence on line 4)"
        ],
    )


def test_bad_yaml_in_site_yaml_is_reported_at_its_line(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    broken = SITE_YAML.replace("language: en\n", "language: en\n  bad indent: here\n")
    assert_errors(
        make_site,
        capsys,
        {"content/site.yaml": broken, "content/articles/a.md": GOOD},
        ["content/site.yaml:4: invalid YAML: mapping values are not allowed here"],
    )


def test_a_missing_title_is_reported(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    assert_errors(
        make_site,
        capsys,
        {"content/articles/a.md": GOOD.replace("title: Good\n", "")},
        ["content/articles/a.md:2: title: required, but missing"],
    )


def test_an_unknown_section_key_lists_the_valid_keys(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    assert_errors(
        make_site,
        capsys,
        {"content/articles/a.md": GOOD.replace("## Troops arrive", "## Troops arrive {section: logistics}")},
        [
            "content/articles/a.md:8: unknown section 'logistics'; "
            "expected one of: deployment, casualties, economics, outlook"
        ],
    )


def test_two_articles_with_one_slug_name_both_files(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    assert_errors(
        make_site,
        capsys,
        {
            "content/articles/a.md": GOOD.replace("date:", "slug: same\ndate:"),
            "content/articles/b.md": GOOD.replace("date:", "slug: same\ndate:"),
        },
        [
            "content/articles/a.md:3: slug 'same' is also used by content/articles/b.md",
            "content/articles/b.md:3: slug 'same' is also used by content/articles/a.md",
        ],
    )


def test_file_names_that_make_one_slug_name_both_files(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    assert_errors(
        make_site,
        capsys,
        {"content/articles/Kursk Report.md": GOOD, "content/articles/kursk-report.md": GOOD},
        [
            "content/articles/Kursk Report.md:1: slug 'kursk-report' is also used by content/articles/kursk-report.md",
            "content/articles/kursk-report.md:1: slug 'kursk-report' is also used by content/articles/Kursk Report.md",
        ],
    )


def test_a_file_that_is_not_utf8_is_reported_at_the_bad_byte(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    data = GOOD.replace("Text.", "Caf\udce9 text.").encode("utf-8", "surrogateescape")
    assert_errors(
        make_site,
        capsys,
        {"content/articles/a.md": data},
        ["content/articles/a.md:10: not valid UTF-8 (byte 0xe9); save the file as UTF-8"],
    )


def test_a_missing_site_yaml_is_reported(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/articles/a.md": GOOD})
    (root / "content" / "site.yaml").unlink()
    code, err, _ = run(root, capsys)
    assert code == 1
    assert err[0] == "content/site.yaml: not found: every site needs content/site.yaml"


def test_several_errors_in_several_files_are_all_reported_in_order(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_errors(
        make_site,
        capsys,
        {
            "content/articles/a.md": GOOD.replace("title: Good\n", "").replace(
                "## Troops arrive", "## Troops arrive {section: x}"
            ),
            "content/articles/b.md": GOOD.replace("2024-11-05", "2024-11-31"),
            "content/articles/c.md": GOOD,
            "content/articles/d.md": b"---\ntitle: D\ndate: 2024-11-05\n---\n\n\xff\n",
            "content/articles/e.md": GOOD.replace("title: Good", "title: [x"),
        },
        [
            "content/articles/a.md:2: title: required, but missing",
            "content/articles/a.md:7: unknown section 'x'; expected one of: deployment, casualties, economics, outlook",
            "content/articles/b.md:3: date: no such date: '2024-11-31'",
            "content/articles/d.md:6: not valid UTF-8 (byte 0xff); save the file as UTF-8",
            "content/articles/e.md:3: invalid YAML: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence on line 2)",
        ],
    )


def test_a_failed_build_leaves_the_previous_build_byte_identical(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({"content/articles/a.md": GOOD})
    assert main(["build", "--source", str(root)]) == 0
    before = tree_bytes(root / "build")
    stamps = {p: p.stat().st_mtime_ns for p in (root / "build").rglob("*")}
    (root / "content" / "articles" / "a.md").write_text(GOOD.replace("title: Good\n", ""), encoding="utf-8")
    (root / "content" / "articles" / "b.md").write_text(GOOD.replace("Good", "New"), encoding="utf-8")
    assert main(["build", "--source", str(root)]) == 1
    assert tree_bytes(root / "build") == before
    assert {p: p.stat().st_mtime_ns for p in (root / "build").rglob("*")} == stamps
    assert sorted(p.name for p in root.iterdir()) == [
        CACHE_DIR,
        "build",
        "content",
    ]  # the cache is the only other write
    capsys.readouterr()


def test_a_template_error_is_reported_in_the_template(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(
        {
            "content/articles/a.md": GOOD,
            "templates/404.html": '{% extends "base:404.html" %}\n{% block main %}\n{{ page.nope }}\n{% endblock %}\n',
        }
    )
    code, err, _ = run(root, capsys)
    assert code == 1
    assert err[0].startswith("templates/404.html:3: template: UndefinedError: ")
    assert "Traceback" not in "\n".join(err)


@pytest.mark.parametrize("cache", [True, False])
def test_a_template_file_that_is_not_utf8_is_reported_at_its_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], cache: bool
) -> None:
    root = make_site(
        {"content/articles/a.md": GOOD, "templates/404.html": b'{% extends "base:404.html" %}\n{# caf\xe9 #}\n'}
    )
    code = main(["build", "--source", str(root), *([] if cache else ["--no-cache"])])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err == [
        "templates/404.html:2: template is not UTF-8 text (byte 0xe9 cannot be read); save it as UTF-8",
        "build failed: 1 error; the previous output is unchanged",
    ]


def test_binary_and_hidden_files_beside_the_templates_do_not_stop_a_build(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """An image among the templates' static files, or a .DS_Store a file manager left, is no template: the build
    copies the image and renders as before, and a rebuild keeps every page."""
    root = make_site({"content/articles/a.md": GOOD})
    assert main(["build", "--source", str(root)]) == 0
    (root / "templates" / "static").mkdir(parents=True)
    (root / "templates" / "static" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff")
    (root / "templates" / ".DS_Store").write_bytes(b"Bud1\x00\x00\xff\xfe")
    assert main(["build", "--source", str(root)]) == 0
    built = tree_bytes(root / "build")
    (root / "templates" / ".DS_Store").write_bytes(b"Bud1\x00\x00\xff\xfd")
    assert main(["build", "--source", str(root)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert built["assets/logo.png"].startswith(b"\x89PNG")
    assert tree_bytes(root / "build") == built


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('{% extends "base:404.html" %}\n{% block main %}\n{% include "nosuch.html" %}\n{% endblock %}\n', 3),
        ('{% extends "nosuch.html" %}\n', 1),
    ],
)
def test_a_template_that_names_a_missing_one_is_reported_at_that_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], template: str, expected: int
) -> None:
    assert_errors(
        make_site,
        capsys,
        {"content/articles/a.md": GOOD, "templates/404.html": template},
        [f"templates/404.html:{expected}: template not found: nosuch.html"],
    )
