"""The shared vocabulary: frozen values that pass between the stages. No I/O."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from kursk_site.errors import ContentError, SourcePos
from kursk_site.values import Value


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


@dataclass(frozen=True, slots=True, repr=False)
class SectionRule(Value):
    """One analysis section as site.yaml defines it."""

    key: str
    """Short id used in URLs and explicit markers, e.g. `deployment`."""
    title: str
    summary: str
    keywords: tuple[tuple[str, ...], ...]
    """Each keyword as a tuple of lower-case words; a phrase has several."""


@dataclass(frozen=True, slots=True, repr=False)
class SiteConfig(Value):
    """Site settings from content/site.yaml (and command-line overrides)."""

    title: str
    description: str
    language: str
    author: str
    base_url: str
    """Absolute URL the site is published at, ending in `/`; empty when unknown."""
    allow_raw_html: bool
    per_page: int
    """How many articles a listing page (home, topic) shows before it continues on the next page."""
    section_per_page: int
    """How many articles' parts a section page shows before it continues on the next page."""
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

    @property
    def text_direction(self) -> str:
        """ "rtl" for a language written from right to left (Arabic, Hebrew, Persian, Urdu...), else "ltr"."""
        return text_direction(self.language)


def text_direction(language: str) -> str:
    """ "rtl" for a language (a BCP 47 tag) written from right to left, else "ltr"."""
    return "rtl" if language.split("-")[0].casefold() in RIGHT_TO_LEFT else "ltr"


RIGHT_TO_LEFT = frozenset(("ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi"))
"""Languages (BCP 47 primary subtags) written from right to left."""


@dataclass(frozen=True, slots=True, repr=False)
class Project(Value):
    """Where things are: the site folder, its parts, and the output."""

    root: Path
    content_dir: Path
    template_dirs: tuple[Path, ...]
    """Searched in order; the first folder holding a template wins."""
    out_dir: Path


@dataclass(frozen=True, slots=True, repr=False)
class BuildOptions(Value):
    base_url: str | None = None
    """Overrides site.yaml's base_url when given."""
    drafts: bool = False
    """Include articles marked `draft: true`."""
    future: bool = False
    """Include articles dated after `now`."""
    now: datetime | None = None
    """The build date (from the command line: SOURCE_DATE_EPOCH or the clock); None publishes every date."""
    cache: bool = True
    """Reuse and update the build cache in SOURCE/.kursk-cache; False builds everything from scratch."""
    search: bool = False
    """Switches search on even when site.yaml does not."""


@dataclass(frozen=True, slots=True, repr=False)
class Block(Value):
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
    notes: tuple[str, ...] = ()
    """Element ids of the footnote references in the block, in order (`fnref-SLUG-1`, `fnref-SLUG-1:1`)."""


@dataclass(frozen=True, slots=True, repr=False)
class Source(Value):
    """A source an article names."""

    name: str
    slug: str
    url: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True, repr=False)
class KeyFigure(Value):
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


@dataclass(frozen=True, slots=True, repr=False)
class Footnote(Value):
    """A footnote of an article: `[^label]` in the text, `[^label]: ...` below it."""

    number: int
    """1, 2, ... in the order of first citation."""
    label: str
    anchor: str
    """Element id of the note, `fn-SLUG-N`, unique on every page (the article slug is part of it)."""
    html: str
    """The note's rendered HTML (block elements)."""
    text: str
    line: int
    refs: tuple[str, ...]
    """Element ids of the places citing it, in order."""


@dataclass(frozen=True, slots=True, repr=False)
class Correction(Value):
    """A correction or update note an article carries at its top."""

    date: datetime
    text: str
    kind: str = "correction"
    """`correction` (something was wrong) or `update` (something was added or clarified)."""


@dataclass(frozen=True, slots=True, repr=False)
class TimelineEvent(Value):
    """One entry of content/timeline.yaml."""

    date: str
    """YYYY, YYYY-MM or YYYY-MM-DD; empty when the date is not known (written `undated`)."""
    event: str
    section: str = ""
    source: str = ""
    """The source named for it; empty when none is named."""
    source_slug: str = ""
    line: int = 0

    @property
    def sort_key(self) -> tuple[int, str]:
        """Dated events first, in date order (a partial date sorts before the full dates within it)."""
        return (0, self.date) if self.date else (1, "")


class EntityKind(enum.Enum):
    """What an entity of content/entities.yaml is."""

    PERSON = "person"
    STATE = "state"
    PLACE = "place"
    ORGANISATION = "organisation"
    UNIT = "unit"
    TERM = "term"


@dataclass(frozen=True, slots=True, repr=False)
class Entity(Value):
    """A person, state, place, unit or term, found in the text through its aliases."""

    slug: str
    name: str
    kind: EntityKind
    description: str
    aliases: tuple[str, ...]
    """Every spelling that names it: the name first, then the aliases in the order given."""
    pattern: re.Pattern[str] = field(compare=False, repr=False)
    """Matches any alias as whole words; an all-lower-case alias matches in any case."""
    line: int = 0

    @property
    def other_names(self) -> tuple[str, ...]:
        """The aliases that differ from the name by more than letter case."""
        seen = {self.name.casefold()}
        out = []
        for alias in self.aliases:
            if alias.casefold() not in seen:
                seen.add(alias.casefold())
                out.append(alias)
        return tuple(out)


@dataclass(frozen=True, slots=True, repr=False)
class Mention(Value):
    """A part of an article that mentions an entity."""

    article: str
    """Article slug."""
    anchor: str
    """The part's element id on the article page."""
    section: str


@dataclass(frozen=True, slots=True, repr=False)
class EntityIndex(Value):
    entity: Entity
    mentions: tuple[Mention, ...]
    """In article order (newest first), then reading order."""

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.article for m in self.mentions))


@dataclass(frozen=True, slots=True, repr=False)
class Topic(Value):
    name: str
    slug: str
    line: int = field(default=0, compare=False)
    """Line of the tag in the article's front matter; 0 for a topic from a keyword marker or an index."""


@dataclass(frozen=True, slots=True, repr=False)
class RawArticle(Value):
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
    figures: tuple[KeyFigure, ...] = ()
    corrections: tuple[Correction, ...] = ()
    """Oldest first."""
    footnotes: tuple[Footnote, ...] = ()
    slug_line: int = field(default=0, compare=False)
    """Line of the front matter's `slug:`; 0 when the slug is made from the file name."""
    language: str = ""
    """The article's language when it is not the site's (front matter `language:`); "" for the site's."""


@dataclass(frozen=True, slots=True, repr=False)
class Part(Value):
    """A run of an article's blocks that belongs to one section."""

    section: str
    heading: Block | None
    """None for the lede, the text before the first heading."""
    blocks: tuple[Block, ...]
    anchor: str
    """Element id of the part, unique within its article page."""
    explicit: bool
    """True when the editor chose the section with a marker."""
    words: int = 0
    """Words in the heading and the blocks (counted once, when the part is made)."""

    @property
    def line(self) -> int:
        return self.heading.line if self.heading else (self.blocks[0].line if self.blocks else 0)


@dataclass(frozen=True, slots=True, repr=False)
class Article(Value):
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
    figures: tuple[KeyFigure, ...] = ()
    corrections: tuple[Correction, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    slug_line: int = field(default=0, compare=False)
    """Line of the front matter's `slug:`; 0 when the slug is made from the file name."""
    language: str = ""
    """The article's language when it is not the site's (front matter `language:`); "" for the site's."""

    @property
    def lede(self) -> Part | None:
        return self.parts[0] if self.parts and self.parts[0].heading is None else None

    @property
    def body_parts(self) -> tuple[Part, ...]:
        return self.parts[1:] if self.lede else self.parts

    def parts_in(self, key: str) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.section == key)

    def headed_parts_in(self, key: str) -> tuple[Part, ...]:
        """The parts of section `key` that have a heading: those the article page shows under the section."""
        return tuple(p for p in self.parts if p.section == key and p.heading is not None)

    @property
    def modified(self) -> datetime:
        return self.updated or self.published


@dataclass(frozen=True, slots=True, repr=False)
class TopicIndex(Value):
    """A topic and the articles tagged with it, newest first."""

    topic: Topic
    articles: tuple[str, ...]
    """Article slugs."""


@dataclass(frozen=True, slots=True, repr=False)
class SourceIndex(Value):
    """A source and the articles that cite it, newest first."""

    source: Source
    articles: tuple[str, ...]
    figures: tuple[tuple[str, KeyFigure], ...] = ()
    """(article slug, figure) for each key figure attributed to it."""
    events: tuple[TimelineEvent, ...] = ()
    """Timeline events attributed to it."""


@dataclass(frozen=True, slots=True, repr=False)
class Site(Value):
    """Everything the pages show, fully assembled."""

    config: SiteConfig
    articles: Sequence[Article]
    """Newest first (a tuple; a rebuild that reuses the page plan loads them as pages ask for them)."""
    topics: tuple[TopicIndex, ...]
    """Sorted by name."""
    sources: tuple[SourceIndex, ...]
    """Sorted by name."""
    by_slug: Mapping[str, Article] = field(compare=False, repr=False)
    timeline: tuple[TimelineEvent, ...] = ()
    """Dated events in date order, then undated ones in file order."""
    entities: tuple[EntityIndex, ...] = ()
    """Sorted by name."""
    related: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )
    """Article slug -> slugs of the articles sharing the most topics and entities with it."""
    updated: datetime | None = None
    """When an article was last published or updated (the newest `modified`); None without articles."""

    def article(self, slug: str) -> Article:
        return self.by_slug[slug]


@dataclass(frozen=True, slots=True, repr=False)
class OutputFile(Value):
    """One file of the built site."""

    path: PurePosixPath
    """Relative to the output folder."""
    data: bytes
    origin: str = ""
    """What made it, for collision messages."""
    source: Path | None = None
    """A file copied as it is (a static file), read as it is written, instead of `data`."""


@dataclass(frozen=True, slots=True, repr=False)
class BuildReport(Value):
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
    left_out: int = 0
    """Articles left out: drafts, and articles dated in the future."""


@dataclass(frozen=True, slots=True, repr=False)
class CheckReport(Value):
    """What `check` found: the site it would build, and the warnings (errors are raised as BuildFailed)."""

    pages: int
    articles: int
    warnings: tuple[ContentError, ...]
    """Sorted by place; printed as `path:line: warning: message`."""
