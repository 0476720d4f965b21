"""frontmatter: the `---` block split from the body, with the first line of each."""

from __future__ import annotations

import pytest

from kursk_site.content.frontmatter import split_front_matter
from kursk_site.errors import ContentError


def test_front_matter_and_body_are_split_with_their_first_lines() -> None:
    split = split_front_matter("---\ntitle: A\ndate: 2024-01-01\n---\nBody\n", "a.md")
    assert split.meta == "title: A\ndate: 2024-01-01"
    assert split.meta_line == 2
    assert split.body == "Body\n"
    assert split.body_line == 5


def test_a_file_without_front_matter_is_all_body() -> None:
    split = split_front_matter("Just text\n---\n", "a.md")
    assert split.meta is None
    assert split.body == "Just text\n---\n"
    assert split.body_line == 1


def test_three_dots_also_close_the_front_matter() -> None:
    split = split_front_matter("---\ntitle: A\n...\nBody", "a.md")
    assert split.meta == "title: A"
    assert split.body == "Body"


def test_trailing_spaces_on_the_fences_are_allowed() -> None:
    split = split_front_matter("---  \ntitle: A\n--- \nBody", "a.md")
    assert split.meta == "title: A"
    assert split.body_line == 4


def test_empty_front_matter_is_empty_text() -> None:
    split = split_front_matter("---\n---\nBody\n", "a.md")
    assert split.meta == ""
    assert split.body_line == 3


def test_an_unclosed_front_matter_is_an_error_at_line_one() -> None:
    with pytest.raises(ContentError) as caught:
        split_front_matter("---\ntitle: A\n\nBody\n", "content/articles/a.md")
    assert str(caught.value) == "content/articles/a.md:1: front matter starts with '---' but has no closing '---' line"
