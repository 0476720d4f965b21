"""Page names and anchors made from text by python-slugify, remembered: a desk's articles share their topics,
sources and subheadings, and slugify takes about 15 us a call (a cold build of 10,000 articles made 50,000)."""

from __future__ import annotations

import functools

from slugify import slugify


@functools.lru_cache(maxsize=4096)
def slug(text: str, max_length: int = 0, word_boundary: bool = False) -> str:
    """slugify's page name for `text` ("" when it has no letters or digits); a plain apostrophe is left out as
    slugify leaves out a typographic one (both spellings of `Russia's economy` make `russias-economy`)."""
    return str(slugify(text.replace("'", ""), max_length=max_length, word_boundary=word_boundary))


def heading_slug(text: str) -> str:
    """A heading's anchor."""
    return slug(text, 60, True) or "section"
