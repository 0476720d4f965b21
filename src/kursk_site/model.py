"""The shared vocabulary: frozen values that pass between the stages. No I/O."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from kursk_site.errors import SourcePos


class SourceKind(enum.Enum):
    """The format of an article file, chosen by its suffix."""

    MARKDOWN = ".md"
    WIRE = ".txt"


class BlockKind(enum.Enum):
    """What a top-level block of an article body is."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST = "list"
    QUOTE = "quote"
    TABLE = "table"
    CODE = "code"
    RULE = "rule"
    HTML = "html"
    FOOTNOTES = "footnotes"


@dataclass(frozen=True, slots=True)
class SectionRule:
    """One analysis section as site.yaml defines it."""

    key: str
    """Short id used in URLs and explicit markers, e.g. `deployment`."""
    title: str
    summary: str
    keywords: tuple[tuple[str, ...], ...]
    """Each keyword as a tuple of lower-case words; a phrase has several."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Site settings from content/site.yaml (and command-line overrides)."""

    title: str
    description: str
    language: str
    author: str
    base_url: str
    """Absolute URL the site is published at, ending in `/`; empty when unknown."""
    allow_raw_html: bool
    per_page: int
    """How many articles a listing page (home, section, topic) shows before it continues on the next page."""
    sections: tuple[SectionRule, ...]
    search: bool = False
    """Whether the build writes the search page and its index (site.yaml `search: true`, or `build --search`)."""
    source: SourcePos = field(default=SourcePos("content/site.yaml", 0), compare=False)

    def section(self, key: str) -> SectionRule:
        for rule in self.sections:
            if rule.key == key:
                return rule
        raise KeyError(key)

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(rule.key for rule in self.sections)


@dataclass(frozen=True, slots=True)
class Project:
    """Where things are: the site folder, its parts, and the output."""

    root: Path
    content_dir: Path
    template_dirs: tuple[Path, ...]
    """Searched in order; the first folder holding a template wins."""
    out_dir: Path


@dataclass(frozen=True, slots=True)
class BuildOptions:
    base_url: str | None = None
    """Overrides site.yaml's base_url when given."""
    drafts: bool = False
    cache: bool = True
    """Reuse and update the build cache in SOURCE/.kursk-cache; False builds everything from scratch."""
    search: bool = False
    """Switches search on even when site.yaml does not."""


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level block of an article body."""

    kind: BlockKind
    html: str
    """Rendered HTML; for headings the inline content only (the page chooses the tag)."""
    text: str
    """Plain text, for word counts, summaries and classification."""
    line: int
    """Line in the source file, counted from 1."""
    level: int = 0
    """Heading level (1-6) for headings, else 0."""
    section: str = ""
    """Explicit section key written on a heading by the editor, if any."""
    slug: str = ""
    """For headings: the element id (made unique within its article when sectioned)."""


@dataclass(frozen=True, slots=True)
class Source:
    """A source an article names."""

    name: str
    slug: str
    url: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """A number an article states and what it counts ("6,000 people sent to Kursk")."""

    value: str
    """The number as written, e.g. `6,000` or `over 6,000`."""
    amount: float | None
    """The number itself, for sorting and checks; None when it cannot be read as one."""
    label: str
    """What it counts, e.g. `construction workers`."""
    section: str = ""
    """Section key the figure belongs to; empty when unknown."""
    source: str = ""
    """The source named for it; empty when none is named."""
    as_of: str = ""
    """YYYY, YYYY-MM or YYYY-MM-DD; empty when not given."""
    sentence: str = ""
    """The sentence the figure was found in (empty for figures given in front matter)."""
    line: int = 0
    """Line in the article file, counted from 1."""


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class RawArticle:
    """An article as read from its file, before sectioning."""

    origin: SourcePos
    kind: SourceKind
    slug: str
    title: str
    published: datetime
    updated: datetime | None
    summary: str
    author: str
    topics: tuple[Topic, ...]
    """In the order given, marker topics last, without duplicates."""
    sources: tuple[Source, ...]
    draft: bool
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Part:
    """A run of an article's blocks that belongs to one section."""

    section: str
    heading: Block | None
    """None for the lede, the text before the first heading."""
    blocks: tuple[Block, ...]
    anchor: str
    """Element id of the part, unique within its article page."""
    explicit: bool
    """True when the editor chose the section with a marker."""

    @property
    def line(self) -> int:
        return self.heading.line if self.heading else (self.blocks[0].line if self.blocks else 0)


@dataclass(frozen=True, slots=True)
class Article:
    """An article ready to render: sectioned and linked."""

    origin: SourcePos
    slug: str
    title: str
    published: datetime
    updated: datetime | None
    summary: str
    author: str
    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    draft: bool
    parts: tuple[Part, ...]
    words: int

    @property
    def lede(self) -> Part | None:
        return self.parts[0] if self.parts and self.parts[0].heading is None else None

    @property
    def body_parts(self) -> tuple[Part, ...]:
        return self.parts[1:] if self.lede else self.parts

    def parts_in(self, key: str) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.section == key)

    @property
    def modified(self) -> datetime:
        return self.updated or self.published


@dataclass(frozen=True, slots=True)
class TopicIndex:
    """A topic and the articles tagged with it, newest first."""

    topic: Topic
    articles: tuple[str, ...]
    """Article slugs."""


@dataclass(frozen=True, slots=True)
class SourceIndex:
    """A source and the articles that cite it, newest first."""

    source: Source
    articles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the pages show, fully assembled."""

    config: SiteConfig
    articles: tuple[Article, ...]
    """Newest first."""
    topics: tuple[TopicIndex, ...]
    """Sorted by name."""
    sources: tuple[SourceIndex, ...]
    """Sorted by name."""
    by_slug: Mapping[str, Article] = field(compare=False, repr=False)

    def article(self, slug: str) -> Article:
        return self.by_slug[slug]

    @property
    def updated(self) -> datetime | None:
        return max((a.modified for a in self.articles), default=None)


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site."""

    path: PurePosixPath
    """Relative to the output folder."""
    data: bytes
    origin: str = ""
    """What made it, for collision messages."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    pages: int
    """HTML pages in the site."""
    files: int
    """All files in the output."""
    written: int
    """Files whose bytes changed since the previous build."""
    bytes: int
    seconds: float
    articles: int
    warnings: tuple[str, ...] = ()
    """Problems that did not stop the build, e.g. a damaged build cache that was ignored."""
