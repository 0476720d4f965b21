"""config: content/site.yaml -> SiteConfig, with every problem reported at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kursk_site.config import load_config, read_bytes
from kursk_site.errors import BuildFailed
from kursk_site.model import SiteConfig
from tests.conftest import REPO, SITE_YAML


def load(tmp_path: Path, text: str, base_url: str | None = None) -> SiteConfig:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, "content/site.yaml", base_url)


def errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        load(tmp_path, text)
    return [str(e) for e in caught.value.errors]


def test_the_shipped_site_yaml_has_the_four_sections_in_order() -> None:
    config = load_config(REPO / "content" / "site.yaml", "content/site.yaml")
    assert config.section_keys == ("deployment", "casualties", "economics", "outlook")
    assert config.language == "en"
    assert config.base_url == ""
    assert config.allow_raw_html is False


def test_keywords_become_lower_case_word_tuples(tmp_path: Path) -> None:
    config = load(tmp_path, SITE_YAML.replace("[future, outlook, next]", "[Future, Where This Goes]"))
    assert config.section("outlook").keywords == (("future",), ("where", "this", "goes"))


def test_optional_settings_have_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, "title: T\nsections:\n  - key: a\n    title: A\n")
    assert (config.language, config.author, config.description, config.base_url) == ("en", "T", "", "")
    assert (config.per_page, config.section_per_page) == (20, 10)


def test_a_section_page_shows_at_most_ten_articles_or_what_site_yaml_says(tmp_path: Path) -> None:
    minimal = "title: T\nsections:\n  - key: a\n    title: A\n"
    assert load(tmp_path, minimal + "per_page: 3\n").section_per_page == 3  # (never more than a listing)
    assert load(tmp_path, minimal + "per_page: 50\nsection_per_page: 25\n").section_per_page == 25
    # letters of two bytes or more: half as many, to keep the page as light
    assert load(tmp_path, minimal + "language: uk\n").section_per_page == 5
    assert load(tmp_path, minimal + "language: en-GB\n").section_per_page == 10


def test_base_url_gets_a_trailing_slash(tmp_path: Path) -> None:
    config = load(tmp_path, SITE_YAML + "base_url: https://example.org/kursk\n")
    assert config.base_url == "https://example.org/kursk/"


def test_the_command_line_base_url_overrides_site_yaml(tmp_path: Path) -> None:
    config = load(tmp_path, SITE_YAML + "base_url: https://example.org/kursk/\n", base_url="https://other.example/x")
    assert config.base_url == "https://other.example/x/"


def test_missing_title_and_sections_are_both_reported(tmp_path: Path) -> None:
    assert errors(tmp_path, "description: d\n") == [
        "content/site.yaml:1: sections: required, but missing (a list of key, title, summary, keywords)",
        "content/site.yaml:1: title: required, but missing",
    ]


def test_every_problem_is_reported_at_its_own_line(tmp_path: Path) -> None:
    text = (
        "title: T\n"
        "language: english please\n"
        "base_url: example.org\n"
        "per_page: 0\n"
        "colour: red\n"
        "sections:\n"
        "  - key: Bad Key\n"
        "    title: A\n"
        "  - key: b\n"
        "    titel: B\n"
        "  - key: b\n"
        "    title: B2\n"
    )
    assert errors(tmp_path, text) == [
        "content/site.yaml:2: language: expected a language tag such as 'en' or 'en-GB', got 'english please'",
        "content/site.yaml:3: base_url: expected an absolute http(s) URL such as 'https://example.org/news/', "
        "got 'example.org'",
        "content/site.yaml:4: per_page: expected a whole number from 1 to 1000, got 0",
        "content/site.yaml:5: unknown site.yaml key 'colour'; expected one of: title, description, language, author, "
        "base_url, allow_raw_html, per_page, section_per_page, sections, search",
        "content/site.yaml:7: key: expected up to 40 lower-case letters, digits and '-', starting with a letter, "
        "got 'Bad Key'",
        "content/site.yaml:9: title: required, but missing",
        "content/site.yaml:10: unknown section key 'titel'; did you mean 'title'?",
        "content/site.yaml:11: key: section 'b' is defined twice",
    ]


def test_sections_must_be_a_non_empty_list(tmp_path: Path) -> None:
    assert errors(tmp_path, "title: T\nsections: []\n") == [
        "content/site.yaml:2: sections: expected a non-empty list of sections"
    ]


def test_a_section_that_is_not_a_mapping_is_reported_at_its_item(tmp_path: Path) -> None:
    assert errors(tmp_path, "title: T\nsections:\n  - just a name\n") == [
        "content/site.yaml:3: sections: item 1: expected a mapping with key, title, summary, keywords"
    ]


def test_a_file_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, "- a\n- b\n") == [
        "content/site.yaml:1: site.yaml must be a mapping of settings (title: ..., sections: ...)"
    ]


def test_bad_yaml_is_reported_at_the_line_of_the_problem(tmp_path: Path) -> None:
    assert errors(tmp_path, "title: T\ndescription: 'open\nsections: []\n") == [
        "content/site.yaml:4: invalid YAML: found unexpected end of stream (while scanning a quoted scalar on line 2)"
    ]


def test_a_site_yaml_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_bytes(b"title: T\ndescription: caf\xe9\n")
    with pytest.raises(BuildFailed) as caught:
        load_config(path, "content/site.yaml")
    assert [str(e) for e in caught.value.errors] == [
        "content/site.yaml:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_a_byte_order_mark_and_windows_line_ends_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SITE_YAML.replace("\n", "\r\n").encode("utf-8"))
    assert load_config(path, "content/site.yaml").title == "Test Desk"


def test_read_bytes_reads_a_file_whole_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    for size in (0, 1, 99, 100):
        path.write_bytes(b"x" * size)
        assert read_bytes(path, "a.md", limit=100) == b"x" * size
    path.write_bytes(b"x" * 101)
    with pytest.raises(BuildFailed, match="larger than"):
        read_bytes(path, "a.md", limit=100)


def test_read_bytes_reads_a_file_whose_size_is_not_known_ahead() -> None:
    status = Path("/proc/self/status")  # (Linux) its size shows as 0
    assert status.stat().st_size == 0
    assert read_bytes(status, "status").startswith(b"Name:")
    with pytest.raises(BuildFailed, match="larger than"):
        read_bytes(status, "status", limit=10)


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl"), ("he-IL", "rtl"), ("FA", "rtl")])
def test_a_language_written_right_to_left_sets_the_pages_direction(
    tmp_path: Path, language: str, direction: str
) -> None:
    config = load(tmp_path, f"title: T\nlanguage: {language}\nsections:\n  - key: a\n    title: A\n")
    assert config.text_direction == direction
