"""Blocks + section rules -> Parts: an explicit marker wins, then the heading's words, then the previous section."""

from __future__ import annotations

import re
from dataclasses import replace

from kursk_site.model import Block, BlockKind, Part, SectionRule, SiteConfig

PART_LEVEL = 2
"""Headings of this level or above (h1, h2) start a part; a marked heading of any level does too."""
RESERVED_IDS = frozenset(
    {"top", "main", "content", "toc", "toc-title", "lede", "title", "meta", "sources", "topics", "related"}
    | {"figures-title", "notes-title", "related-title", "entities-title", "site-search-q", "lead-title"}
    | {"articles-title", "sections-title", "lead-notes-title", "search-form", "search-q", "search-results"}
    | {"search-status"}
)
"""Element ids the pages of the theme use themselves; each section key and `<key>-title` are taken too, and the
ids of the article's notes and of the citations of them."""
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def heading_words(text: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(text.lower()))


def score(words: tuple[str, ...], rule: SectionRule) -> int:
    """How many of the rule's keywords occur in `words`; a keyword word matches any word it begins."""
    spaced = " " + " ".join(words)  # words hold no spaces: " " + k occurs in it when a word begins with k
    hits = 0
    for keyword in rule.keywords:
        if " " + keyword[0] not in spaced:  # the first keyword word begins no word (the common case, found in C)
            continue
        if len(keyword) == 1:
            hits += 1
            continue
        size = len(keyword)
        for start in range(len(words) - size + 1):
            if all(words[start + i].startswith(keyword[i]) for i in range(size)):
                hits += 1
                break
    return hits


def classify_heading(text: str, rules: tuple[SectionRule, ...]) -> str:
    """The key of the best-matching section, or "" when no keyword matches (ties go to the earlier section)."""
    words = heading_words(text)
    best, best_score = "", 0
    for rule in rules:
        hits = score(words, rule)
        if hits > best_score:
            best, best_score = rule.key, hits
    return best


def split_parts(
    blocks: tuple[Block, ...], title: str, config: SiteConfig, taken_ids: frozenset[str] = frozenset()
) -> tuple[Part, ...]:
    """Cut the blocks into parts and give each a section; every block lands in exactly one part. Headings get
    anchors unique in the article and apart from RESERVED_IDS and `taken_ids` (the ids of its notes)."""
    groups: list[list[Block]] = [[]]
    for block in blocks:
        if block.kind is BlockKind.HEADING and (block.level <= PART_LEVEL or block.section):
            groups.append([block])
        else:
            groups[-1].append(block)
    if not groups[0]:
        groups.pop(0)
    rules = config.sections
    sections: list[str] = []
    previous = ""
    for group in groups:
        head = group[0] if _is_heading_group(group) else None
        if head is None:
            sections.append("")
            continue
        key = head.section or classify_heading(head.text, rules) or previous
        sections.append(key)
        previous = key
    fallback = next((k for k in sections if k), "") or classify_heading(title, rules) or rules[0].key
    sections = _fill_leading(sections, fallback)
    taken = {*RESERVED_IDS, *taken_ids, *config.section_keys, *(f"{key}-title" for key in config.section_keys)}
    tried: dict[str, int] = {}
    parts: list[Part] = []
    for group, key in zip(groups, sections, strict=True):
        group = [_unique_anchor(b, taken, tried) if b.kind is BlockKind.HEADING else b for b in group]
        is_headed = _is_heading_group(group)
        heading = group[0] if is_headed else None
        body = tuple(group[1:] if is_headed else group)
        anchor = heading.slug if heading else "lede"
        words = sum(len(block.text.split()) for block in group)
        parts.append(Part(key, heading, body, anchor, bool(heading and heading.section), words))
    return tuple(parts)


def _is_heading_group(group: list[Block]) -> bool:
    head = group[0]
    return head.kind is BlockKind.HEADING and (head.level <= PART_LEVEL or bool(head.section))


def _fill_leading(sections: list[str], fallback: str) -> list[str]:
    """Parts before any classified part (the lede) join the first classified part's section."""
    out: list[str] = []
    for key in sections:
        out.append(key or (out[-1] if out and out[-1] else fallback))
    return out


def _unique_anchor(block: Block, taken: set[str], tried: dict[str, int]) -> Block:
    """`tried` keeps the last number used for each base, so a thousand equal headings take linear time."""
    base = block.slug or "section"
    n = tried.get(base, 1)
    slug = base if n == 1 else f"{base}-{n}"
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    tried[base] = n
    return block if slug == block.slug else replace(block, slug=slug)
