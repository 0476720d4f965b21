"""Rebuilds after article edits that keep the site's outline (edits.rebuild, the stored page plan reused): they
give the bytes a cold build gives; an outline changed, another input changed, search on or a damaged cache sends
the build through the full path, with the same bytes too.

Every build runs in-process through the command line; a build "took the fast path" when edits.rebuild returned a
report and pages.plan_pages (which only the full build calls) was not called.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import pytest

from kursk_site import articlestore, edits, pages
from kursk_site.build import PACKAGE
from kursk_site.cache import CACHE_DIR, PLAN, tool_fingerprint
from kursk_site.cli import main
from kursk_site.feeds import FEED_ITEMS
from tests.conftest import SITE_YAML, MakeSite
from tests.support import tree_bytes, tree_diff

MARKER = ".kursk-site-build"
"""The writer's manifest in the output folder."""
BUILD_DATE = "1735689600"
"""2025-01-01T00:00:00Z as SOURCE_DATE_EPOCH: the build date (an article dated later is left out)."""

TOPICS = ("Kursk", "Sanctions", "Drones", "Logistics")
SOURCES = ("Reuters", "Yonhap", "Kyiv Independent")
SECTIONS = ("deployment", "casualties", "economics", "outlook")
HEADINGS = (
    ("Troops arrive", ""),  # classified by its words (see conftest.SITE_YAML)
    ("The human cost", ""),
    ("Money and labor", ""),
    ("What comes next", ""),
    ("Field notes", "deployment"),  # explicit section markers
    ("Border trade", "economics"),
)
WORDS = ("wages", "drones", "talks", "losses", "convoy", "bridges", "fuel", "winter", "prices", "ports", "rail")
"""Body text: none of these names an entity of ENTITIES_YAML."""
MENTIONS = {
    "kim": "Kim Jong Un sent more people.",
    "sappers": "The sappers cleared a road.",
    "pyongyang": "Officials in Pyongyang said little.",
}
"""A paragraph naming each entity of ENTITIES_YAML (and no other)."""
ENTITIES_YAML = """\
- name: Kim Jong Un
  kind: person
  description: The leader who sends the people.
  aliases: [Kim]
- name: Sappers
  kind: term
  description: Combat engineers.
  aliases: [sappers]
- name: Pyongyang
  kind: place
  description: The capital of North Korea.
"""
TIMELINE_YAML = """\
- date: "2024-03"
  event: The first convoy leaves.
  section: deployment
  source: Reuters
- date: undated
  event: Prices rise at the border.
  section: economics
"""
SITE = SITE_YAML + "per_page: 2\n"

Route = Literal["fast", "full", "nothing"]


# --- the articles, as values that edits change ---------------------------------------------------------------------


@dataclass
class Part:
    heading: str
    """Empty for the lede."""
    marker: str = ""
    """Explicit section key, written `{section: KEY}` after the heading."""
    plain: list[str] = field(default_factory=list)
    """Paragraphs (or `### subheadings`) naming no entity."""
    mentions: list[str] = field(default_factory=list)
    """A paragraph for each key of MENTIONS listed (a key listed twice names the entity twice)."""
    notes: list[str] = field(default_factory=list)
    """Footnotes cited in this part."""
    shout: bool = False
    """The heading written in capitals (its anchor, made from its words, is the same)."""


@dataclass
class Doc:
    """One article file: what it says, written out by `text`."""

    name: str
    title: str
    date: str
    tags: list[str]
    summary: str
    """Given, so that the first paragraph can change without the summary (made from it when not given) changing."""
    sources: list[str]
    figures: list[tuple[str, str, str, str]]
    """(value, label, section, source or "")."""
    parts: list[Part]
    corrections: list[str] = field(default_factory=list)
    """Written last in the front matter, so that adding one moves no line that the outline keeps."""
    draft: bool = False

    @property
    def file(self) -> str:
        return f"content/articles/{self.name}.md"

    def text(self) -> str:
        lines = ["---", f"title: {self.title}", f"date: {self.date}", f"summary: {self.summary}"]
        lines.append(f"tags: [{', '.join(self.tags)}]")
        lines.append(f"sources: [{', '.join(self.sources)}]")
        if self.figures:
            lines.append("figures:")
            for value, label, section, source in self.figures:
                lines += [f'  - value: "{value}"', f"    label: {label}", f"    section: {section}"]
                lines += [f"    source: {source}"] if source else []
        if self.draft:
            lines.append("draft: true")
        if self.corrections:
            lines.append("corrections:")
            for text in self.corrections:
                # (dated the article's day: one dated later would be the article's update, an outline change)
                lines += [f'  - date: "{self.date}"', "    kind: update", f"    text: {text}"]
        lines.append("---")
        body: list[str] = []
        notes: list[str] = []
        for part in self.parts:
            if part.heading:
                heading = part.heading.upper() if part.shout else part.heading
                body.append(f"## {heading}" + (f" {{section: {part.marker}}}" if part.marker else ""))
            body.extend(part.plain)
            body.extend(MENTIONS[key] for key in part.mentions)
            for note in part.notes:
                notes.append(note)
                body.append(f"As the note says.[^n{len(notes)}]")
        body.extend(f"[^n{number}]: {note}" for number, note in enumerate(notes, 1))
        return "\n".join(lines) + "\n\n" + "\n\n".join(body) + "\n"


def sentence(rng: random.Random, old: str = "") -> str:
    """A paragraph naming no entity (never `old`)."""
    while True:
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 12))]
        text = f"{' '.join(words).capitalize()} rose {rng.randint(2, 99_999):,} times."
        if text != old:
            return text


def make_doc(rng: random.Random, number: int, date: str = "") -> Doc:
    """An article with a lede and one to three sections, topics, sources, key figures and entity mentions."""
    parts = [Part("", plain=[sentence(rng)], mentions=rng.sample(sorted(MENTIONS), rng.randint(0, 1)))]
    for heading, marker in rng.sample(HEADINGS, rng.randint(1, 3)):
        plain = [sentence(rng) for _ in range(rng.randint(1, 2))]
        parts.append(Part(heading, marker, plain, rng.sample(sorted(MENTIONS), rng.randint(0, 2))))
    sources = rng.sample(SOURCES, rng.randint(1, 2))
    figures = [
        (f"{rng.randint(10, 9_999):,}", f"figure {number}-{n}", rng.choice(SECTIONS), rng.choice([*sources, ""]))
        for n in range(rng.randint(0, 2))
    ]
    return Doc(
        f"a{number}",
        f"Article {number}",
        date or f"2024-{rng.randint(1, 9):02d}-{rng.randint(1, 28):02d}",
        rng.sample(TOPICS, rng.randint(1, 3)),
        f"What article {number} finds.",
        sources,
        figures,
        parts,
    )


# --- edits that keep the outline: what the body says, footnotes, corrections, the letter case of a heading ---------

Edit = Callable[[Doc, random.Random], str]


def reword(doc: Doc, rng: random.Random) -> str:
    part = rng.choice(doc.parts)
    index = rng.randrange(len(part.plain))
    part.plain[index] = sentence(rng, part.plain[index])
    return f"reword paragraph {index} of part {doc.parts.index(part)}"


def add_paragraph(doc: Doc, rng: random.Random) -> str:
    part = rng.choice(doc.parts)
    part.plain.insert(rng.randint(1, len(part.plain)), sentence(rng))
    return f"add a paragraph to part {doc.parts.index(part)}"


def drop_paragraph(doc: Doc, rng: random.Random) -> str:
    longer = [part for part in doc.parts if len(part.plain) > 1]
    if not longer:
        return add_paragraph(doc, rng)
    part = rng.choice(longer)
    del part.plain[rng.randrange(1, len(part.plain))]
    return f"drop a paragraph of part {doc.parts.index(part)}"


def shout_heading(doc: Doc, rng: random.Random) -> str:
    part = rng.choice([part for part in doc.parts if part.heading])
    part.shout = not part.shout
    return f"heading {part.heading!r} in {'capitals' if part.shout else 'normal case'}"


def add_subheading(doc: Doc, rng: random.Random) -> str:
    part = rng.choice(doc.parts)
    part.plain.insert(rng.randint(1, len(part.plain)), f"### Detail {rng.randint(1, 999_999)}")
    return f"add a level-3 subheading to part {doc.parts.index(part)}"


def add_note(doc: Doc, rng: random.Random) -> str:
    part = rng.choice(doc.parts)
    part.notes.append(f"Note on the {rng.choice(WORDS)}, {rng.randint(1, 999)}.")
    return f"add a footnote to part {doc.parts.index(part)}"


def add_correction(doc: Doc, rng: random.Random) -> str:
    doc.corrections.append(f"The {rng.choice(WORDS)} figure {rng.randint(1, 999)} was added.")
    return "add a correction"


def repeat_mention(doc: Doc, rng: random.Random) -> str:
    naming = [part for part in doc.parts if part.mentions]
    if not naming:
        return reword(doc, rng)
    part = rng.choice(naming)
    part.mentions.append(rng.choice(part.mentions))
    return f"name {part.mentions[-1]!r} again in part {doc.parts.index(part)}, which names it already"


BODY_EDITS: tuple[Edit, ...] = (
    reword,
    add_paragraph,
    drop_paragraph,
    shout_heading,
    add_subheading,
    add_note,
    add_correction,
    repeat_mention,
)


# --- edits that change the outline ---------------------------------------------------------------------------------


def retitle(doc: Doc, rng: random.Random) -> str:
    doc.title += f" take {rng.randint(2, 999)}"
    return "change the title"


def redate(doc: Doc, rng: random.Random) -> str:
    old = doc.date
    while doc.date == old:
        doc.date = f"2024-{rng.randint(1, 9):02d}-{rng.randint(1, 28):02d}"
    return f"change the date from {old} to {doc.date}"


def retag(doc: Doc, rng: random.Random) -> str:
    missing = [topic for topic in TOPICS if topic not in doc.tags]
    if missing and (len(doc.tags) == 1 or rng.random() < 0.5):
        doc.tags.append(rng.choice(missing))
        return f"add the topic {doc.tags[-1]}"
    dropped = doc.tags.pop(rng.randrange(len(doc.tags)))
    return f"drop the topic {dropped}"


def resummarize(doc: Doc, rng: random.Random) -> str:
    doc.summary = f"What article {doc.name} finds, take {rng.randint(2, 999)}."
    return "change the summary"


def add_heading(doc: Doc, rng: random.Random) -> str:
    doc.parts.append(Part(f"Next steps {rng.randint(1, 999_999)}", "outlook", [sentence(rng)]))
    return "add a section heading"


def rename_heading(doc: Doc, rng: random.Random) -> str:
    part = rng.choice([part for part in doc.parts if part.heading])
    old = part.heading
    part.heading += f" {rng.choice(WORDS)} {rng.randint(1, 999)}"  # another anchor
    return f"rename the heading {old!r} to {part.heading!r}"


def new_mention(doc: Doc, rng: random.Random) -> str:
    choices = [(part, key) for part in doc.parts for key in sorted(MENTIONS) if key not in part.mentions]
    part, key = rng.choice(choices)
    part.mentions.append(key)
    return f"name {key!r} in part {doc.parts.index(part)}, which did not name it"


def add_figure(doc: Doc, rng: random.Random) -> str:
    figure = (f"{rng.randint(10, 999)}", f"new figure {rng.randint(1, 999)}", rng.choice(SECTIONS), doc.sources[0])
    doc.figures.append(figure)
    return "add a key figure"


def add_source(doc: Doc, rng: random.Random) -> str:
    missing = [source for source in SOURCES if source not in doc.sources]
    if not missing:
        return add_figure(doc, rng)
    doc.sources.append(rng.choice(missing))
    return f"add the source {doc.sources[-1]}"


OUTLINE_EDITS: tuple[Edit, ...] = (
    retitle,
    redate,
    retag,
    resummarize,
    add_heading,
    rename_heading,
    new_mention,
    add_figure,
    add_source,
)


# --- building ------------------------------------------------------------------------------------------------------


@dataclass
class Probe:
    """What the builds of a test did: pages.plan_pages calls (the full build) and edits.rebuild answers."""

    plans: int = 0
    answers: list[bool] = field(default_factory=list)
    """For each call of edits.rebuild: whether it rebuilt (True) or left the build to the full path (False)."""
    refuse_plans: bool = False
    """Fail the build if the full build plans the site's pages."""


@pytest.fixture(autouse=True)
def probe(monkeypatch: pytest.MonkeyPatch) -> Probe:
    """Builds dated BUILD_DATE, with the code loaded in this process (a file of src/ changed meanwhile does not make
    the cache stale halfway through a test), and watched."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DATE)
    fingerprint = tool_fingerprint(PACKAGE)
    monkeypatch.setattr("kursk_site.build.tool_fingerprint", lambda package: fingerprint)
    found = Probe()
    plan_pages, rebuild = pages.plan_pages, edits.rebuild

    def planning(site: Any) -> Any:
        assert not found.refuse_plans, "the full build planned the pages after an edit that keeps the outline"
        found.plans += 1
        return plan_pages(site)

    def rebuilding(*args: Any) -> Any:
        report = rebuild(*args)
        found.answers.append(report is not None)
        return report

    monkeypatch.setattr("kursk_site.incremental.plan_pages", planning)  # what the full build calls
    monkeypatch.setattr(edits, "rebuild", rebuilding)
    return found


@dataclass
class Desk:
    """A site folder, its output (SITE/build) and a cold build's output beside it (COLD)."""

    root: Path
    cold: Path
    probe: Probe
    docs: dict[str, Doc]
    flags: tuple[str, ...] = ()
    """Extra options for every build, e.g. --search."""

    @property
    def out(self) -> Path:
        return self.root / "build"

    def write(self, *docs: Doc) -> None:
        for doc in docs:
            write_text(self.root / doc.file, doc.text())

    def build(self) -> Route:
        """Build with the cache (SITE/build); which path the build took."""
        plans, answers = self.probe.plans, len(self.probe.answers)
        assert main(["build", "--source", str(self.root), "-q", *self.flags]) == 0
        answered = self.probe.answers[answers:]
        planned = self.probe.plans - plans
        if answered == [True]:
            assert planned == 0
            return "fast"
        assert planned == 1 or answered == [], (answered, planned)
        return "full" if planned else "nothing"

    def cold_build(self) -> dict[str, bytes]:
        shutil.rmtree(self.cold, ignore_errors=True)
        code = main(["build", "--source", str(self.root), "--out", str(self.cold), "--no-cache", "-q", *self.flags])
        assert code == 0
        return tree_bytes(self.cold)

    def assert_same_as_cold(self, doing: object = "") -> None:
        expected, actual = self.cold_build(), tree_bytes(self.out)
        assert actual == expected, f"{doing}\n{tree_diff(expected, actual)}"


def write_text(path: Path, text: str) -> None:
    """Write as an editor does; a file whose modification time the write did not move (a coarse clock) is given a
    later one, so that the build sees the change."""
    before = path.stat().st_mtime_ns if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if before is not None and path.stat().st_mtime_ns <= before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


class NewDesk(Protocol):
    def __call__(self, docs: list[Doc], extra: dict[str, str] | None = None, flags: tuple[str, ...] = ()) -> Desk:
        """A site of `docs`, entities.yaml, timeline.yaml and the `extra` files (path -> text)."""


@pytest.fixture
def new_desk(make_site: MakeSite, tmp_path: Path, probe: Probe) -> NewDesk:
    def make(docs: list[Doc], extra: dict[str, str] | None = None, flags: tuple[str, ...] = ()) -> Desk:
        files: dict[str, str | bytes] = {
            "content/site.yaml": SITE,
            "content/entities.yaml": ENTITIES_YAML,
            "content/timeline.yaml": TIMELINE_YAML,
            **{doc.file: doc.text() for doc in docs},
            **(extra or {}),
        }
        root = make_site(files)
        return Desk(root, tmp_path / "cold", probe, {doc.name: doc for doc in docs}, flags)

    return make


def newsroom(seed: int, count: int = 6) -> list[Doc]:
    """Articles sharing topics, sources and entities, in sections, with key figures; and a draft and an article
    dated after the build date, which the site leaves out."""
    rng = random.Random(seed)
    docs = [make_doc(rng, number) for number in range(count)]
    draft = make_doc(rng, count)
    draft.draft = True
    later = make_doc(rng, count + 1, "2099-01-01")
    return [*docs, draft, later]


def modified(out: Path) -> dict[str, int]:
    """The modification time of every file of the output but the writer's manifest."""
    return {
        p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != MARKER
    }


# --- 1. an edit that keeps the outline -----------------------------------------------------------------------------


def test_a_body_edit_renders_through_the_stored_plan_and_gives_the_cold_build_bytes(
    new_desk: NewDesk, probe: Probe
) -> None:
    desk = new_desk(newsroom(seed=1))
    assert desk.build() == "full"
    out = desk.out
    before = modified(out)
    first = desk.docs["a1"]  # names Pyongyang and the sappers under its one heading, has key figures and a source
    assert [part.mentions for part in first.parts] == [[], ["pyongyang", "sappers"]] and first.figures
    rng = random.Random(101)
    for edit in (reword, add_paragraph, shout_heading, add_subheading, add_note, add_correction, repeat_mention):
        edit(first, rng)
    desk.write(first)

    probe.refuse_plans = True  # the full build would fail this test
    assert desk.build() == "fast"
    probe.refuse_plans = False
    desk.assert_same_as_cold("a body edit to a1")

    page = (out / "articles" / "a1.html").read_text(encoding="utf-8")
    assert first.corrections[-1] in page and first.parts[0].plain[0] in page  # the edit is shown
    assert "BORDER TRADE" in (out / "entities/sappers.html").read_text(encoding="utf-8")  # the heading, shouted
    after = modified(out)
    assert after["articles/a1.html"] != before["articles/a1.html"]
    for untouched in ("timeline.html", "404.html", "sitemap.xml"):
        assert after[untouched] == before[untouched], untouched  # kept as the previous build wrote it
    # and the site is as the cache says: the next build has nothing to do
    assert desk.build() == "nothing"


def test_a_correction_dated_after_its_article_updates_it_and_the_pages_are_planned_again(new_desk: NewDesk) -> None:
    desk = new_desk(newsroom(seed=1))
    assert desk.build() == "full"
    doc = desk.docs["a1"]
    assert not doc.corrections
    text = doc.text()
    end = text.index("\n---\n", 3)  # the front matter's end
    later = '\ncorrections:\n  - date: "2024-12-01"\n    text: A later correction.'
    write_text(desk.root / doc.file, text[:end] + later + text[end:])
    assert desk.build() == "full"  # the article's update date changed: listings and feeds order by it
    desk.assert_same_as_cold("a correction dated after a1")
    assert 'Updated <time datetime="2024-12-01' in (desk.out / "articles" / "a1.html").read_text(encoding="utf-8")


def test_body_edits_to_several_articles_at_once_take_the_fast_path(new_desk: NewDesk) -> None:
    desk = new_desk(newsroom(seed=2))
    desk.build()
    rng = random.Random(102)
    for doc in desk.docs.values():  # the draft and the article dated later too
        add_paragraph(doc, rng)
        shout_heading(doc, rng)
    desk.write(*desk.docs.values())
    assert desk.build() == "fast"
    desk.assert_same_as_cold("body edits to every article")


def test_a_file_written_again_with_the_same_bytes_takes_the_fast_path(new_desk: NewDesk) -> None:
    desk = new_desk(newsroom(seed=3))
    desk.build()
    doc = desk.docs["a2"]
    path = desk.root / doc.file
    stat = path.stat()
    before = modified(desk.out)
    path.write_text(doc.text(), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert desk.build() == "fast"
    assert modified(desk.out) == before  # nothing written
    assert desk.build() == "nothing"


def test_an_edit_that_puts_back_the_size_and_the_modification_time_is_rebuilt(new_desk: NewDesk) -> None:
    desk = new_desk(newsroom(seed=3))
    desk.build()
    doc = desk.docs["a2"]
    path = desk.root / doc.file
    stat = path.stat()
    data = path.read_bytes()
    word = re.search(rb"[a-z]{5,}", data[data.index(b"\n---", 3) + 4 :])
    assert word is not None
    with path.open("r+b") as handle:  # the same file, the same size: one word in capitals
        at = data.index(word.group(0), data.index(b"\n---", 3) + 4)
        handle.seek(at)
        handle.write(word.group(0).upper())
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # (as `touch -r` or a sync tool puts it back)
    assert (path.stat().st_size, path.stat().st_mtime_ns, path.stat().st_ino) == (
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ino,
    )
    doc_text = path.read_text(encoding="utf-8")
    assert desk.build() != "nothing"
    assert word.group(0).upper().decode() in doc_text
    desk.assert_same_as_cold("an edit keeping size and modification time")


# --- 2. edits that change the outline, and other changes, go through the full build ------------------------------


NAMED_OUTLINE_EDITS = (retitle, redate, retag, resummarize, add_heading, rename_heading, new_mention)
"""Those the random edits below do too: add_figure, add_source."""


@pytest.mark.parametrize("edit", NAMED_OUTLINE_EDITS, ids=[e.__name__ for e in NAMED_OUTLINE_EDITS])
def test_an_edit_that_changes_the_outline_runs_the_full_build(new_desk: NewDesk, edit: Edit) -> None:
    desk = new_desk(newsroom(seed=4))
    desk.build()
    rng = random.Random(104)
    doc = desk.docs["a3"]
    doing = edit(doc, rng)
    add_paragraph(doc, rng)  # with a body edit beside it
    desk.write(doc)
    assert desk.build() == "full", doing
    desk.assert_same_as_cold(doing)
    add_note(doc, rng)  # and the plan the full build stored serves the next body edit (see the random edits below)
    desk.write(doc)
    assert desk.build() == "fast", doing


def test_dropping_the_last_mention_of_an_entity_in_a_part_runs_the_full_build(new_desk: NewDesk) -> None:
    desk = new_desk(newsroom(seed=5))
    desk.build()
    doc = next(d for d in desk.docs.values() if any(p.mentions for p in d.parts) and not d.draft)
    part = next(p for p in doc.parts if p.mentions)
    part.mentions = [key for key in part.mentions if key != part.mentions[0]]
    desk.write(doc)
    assert desk.build() == "full"
    desk.assert_same_as_cold("a part no longer names an entity")


def test_publishing_a_draft_runs_the_full_build(new_desk: NewDesk) -> None:
    desk = new_desk(newsroom(seed=6))
    desk.build()
    draft = desk.docs["a6"]
    assert draft.draft
    draft.draft = False
    desk.write(draft)
    assert desk.build() == "full"
    desk.assert_same_as_cold("a draft published")


OTHER_CHANGES: dict[str, Callable[[Path], None]] = {
    "site.yaml": lambda root: write_text(root / "content/site.yaml", SITE.replace("Test Desk", "Other Desk", 1)),
    "entities.yaml": lambda root: write_text(
        root / "content/entities.yaml", ENTITIES_YAML.replace("Combat engineers.", "Engineers who fight.")
    ),
    "timeline.yaml": lambda root: write_text(
        root / "content/timeline.yaml", TIMELINE_YAML.replace("first convoy", "second convoy")
    ),
    "template": lambda root: write_text(
        root / "templates/article.html",
        '{% extends "base:article.html" %}{% block head %}<meta name="x-test" content="1">{% endblock %}',
    ),
    "article added": lambda root: write_text(root / "content/articles/new.md", make_doc(random.Random(7), 99).text()),
    "article removed": lambda root: (root / "content/articles/a0.md").unlink(),
}


@pytest.mark.parametrize("change", sorted(OTHER_CHANGES))
def test_a_body_edit_beside_any_other_change_runs_the_full_build(new_desk: NewDesk, change: str) -> None:
    desk = new_desk(newsroom(seed=8))
    desk.build()
    doc = desk.docs["a4"]
    reword(doc, random.Random(108))
    desk.write(doc)
    OTHER_CHANGES[change](desk.root)
    assert desk.build() == "full", change
    desk.assert_same_as_cold(change)


def test_a_body_edit_with_another_base_url_runs_the_full_build(new_desk: NewDesk) -> None:
    desk = new_desk(newsroom(seed=9))
    desk.build()
    doc = desk.docs["a1"]
    reword(doc, random.Random(109))
    desk.write(doc)
    desk.flags = ("--base-url", "https://example.org/desk/")
    assert desk.build() == "full"
    desk.assert_same_as_cold("--base-url")


@pytest.mark.parametrize("how", ["site.yaml", "--search"])
def test_with_search_on_a_body_edit_runs_the_full_build(new_desk: NewDesk, how: str) -> None:
    docs = newsroom(seed=10)
    if how == "site.yaml":
        desk = new_desk(docs, {"content/site.yaml": SITE + "search: true\n"})
    else:
        desk = new_desk(docs, flags=("--search",))
    desk.build()
    doc = desk.docs["a2"]
    doc.parts[0].plain.append("Uniqueword appears in the search index.")
    desk.write(doc)
    assert desk.build() == "full"
    desk.assert_same_as_cold(how)
    assert b"uniqueword" in (desk.out / "search-index.js").read_bytes()


def test_a_broken_edit_fails_and_the_fixed_one_after_it_takes_the_fast_path(
    new_desk: NewDesk, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = new_desk(newsroom(seed=11))
    desk.build()
    doc = desk.docs["a1"]
    before = tree_bytes(desk.out)
    path = desk.root / doc.file
    write_text(path, re.sub(r"^date: .*$", "date: 2024-13-01", doc.text(), count=1, flags=re.MULTILINE))
    assert main(["build", "--source", str(desk.root), "-q"]) == 1
    assert "date: no such date: '2024-13-01'" in capsys.readouterr().err
    assert tree_bytes(desk.out) == before
    reword(doc, random.Random(111))
    desk.write(doc)
    assert desk.build() == "fast"
    desk.assert_same_as_cold("a broken edit, then a body edit")


# --- 3. the feeds --------------------------------------------------------------------------------------------------


def archive(count: int, related: bool = False) -> list[Doc]:
    """`count` short articles a day apart, a0 the oldest; with `related`, the newest and the oldest share a topic
    that no other article has (so the oldest is the first related article of the newest)."""
    rng = random.Random(count)
    docs = []
    for number in range(count):
        day = 1 + number
        doc = Doc(
            f"a{number}",
            f"Article {number}",
            f"2024-{1 + (day - 1) // 28:02d}-{1 + (day - 1) % 28:02d}",
            [] if related else [TOPICS[number % len(TOPICS)]],
            f"What article {number} finds.",
            [SOURCES[number % len(SOURCES)]],
            [],
            [Part("", plain=[sentence(rng)]), Part(HEADINGS[number % 4][0], plain=[sentence(rng)])],
        )
        docs.append(doc)
    if related:
        docs[0].tags = docs[-1].tags = ["Archive"]
    return docs


def test_feeds_follow_an_edit_to_a_newest_article_and_stay_as_they_were_for_an_older_one(
    new_desk: NewDesk,
) -> None:
    count = FEED_ITEMS + 3
    desk = new_desk(archive(count))
    desk.build()
    feeds = ("feed.xml", "feed.json")
    out = desk.out
    assert desk.docs["a0"].title not in (out / "feed.xml").read_text(encoding="utf-8")  # not among the newest

    oldest = desk.docs["a0"]
    add_paragraph(oldest, random.Random(1))
    desk.write(oldest)
    before = modified(out)
    data = {name: (out / name).read_bytes() for name in feeds}
    assert desk.build() == "fast"
    after = modified(out)
    for name in feeds:
        assert after[name] == before[name], f"{name} written again after an edit to an article it does not show"
        assert (out / name).read_bytes() == data[name]
    assert after["articles/a0.html"] != before["articles/a0.html"]
    desk.assert_same_as_cold("an edit to the oldest article")

    newest = desk.docs[f"a{count - 1}"]
    newest.parts[-1].plain.append("Freshly added wording about ports.")
    desk.write(newest)
    assert desk.build() == "fast"
    for name in feeds:
        text = (out / name).read_text(encoding="utf-8")
        assert "Freshly added wording about ports." in text, name
    desk.assert_same_as_cold("an edit to the newest article")

    last_shown = desk.docs[f"a{count - FEED_ITEMS}"]  # the oldest article the feeds show
    add_note(last_shown, random.Random(2))
    desk.write(last_shown)
    before = modified(out)
    assert desk.build() == "fast"
    after = modified(out)
    assert all(after[name] != before[name] for name in feeds)
    desk.assert_same_as_cold("an edit to the oldest article the feeds show")


# --- 4. the output changed by hand ---------------------------------------------------------------------------------


def change_page(out: Path, name: str) -> None:
    page = out / name
    page.write_bytes(page.read_bytes().replace(b"<h1", b"<h1 data-by-hand", 1))


def add_file(out: Path, name: str) -> None:
    (out / name).write_text("stray", encoding="utf-8")


def grow_page(out: Path, name: str) -> None:
    with (out / name).open("ab") as handle:
        handle.write(b"<!-- added by hand -->\n")


HAND_CHANGES: dict[str, Callable[[Path], None]] = {
    "edited article's page changed": lambda out: change_page(out, "articles/a1.html"),
    "other article's page changed": lambda out: change_page(out, "articles/a2.html"),
    "feed changed": lambda out: grow_page(out, "feed.xml"),
    "page removed": lambda out: (out / "articles/a2.html").unlink(),
    "stray file added": lambda out: add_file(out, "articles/stray.html"),
}


@pytest.mark.parametrize("change", sorted(HAND_CHANGES))
def test_an_output_changed_by_hand_before_an_edit_gives_the_cold_build_bytes(new_desk: NewDesk, change: str) -> None:
    desk = new_desk(newsroom(seed=12))
    desk.build()
    HAND_CHANGES[change](desk.out)
    doc = desk.docs["a1"]
    rng = random.Random(112)
    routes = []
    for edit in (reword, add_note):  # and the build after that one (the writer keeps the output before last)
        edit(doc, rng)
        desk.write(doc)
        routes.append(desk.build())
        desk.assert_same_as_cold(f"{change}, then body edits to a1 built by the {routes} path")


def test_a_page_changed_by_hand_keeping_its_size_and_time_is_written_again_after_an_edit_that_shows_it(
    new_desk: NewDesk,
) -> None:
    desk = new_desk(newsroom(seed=13))
    desk.build()
    page = desk.out / "articles/a1.html"  # changed so that the file's stamps cannot tell
    stat = page.stat()
    data = page.read_bytes()
    page.write_bytes(data.replace(b"<h1", b"<H1", 1))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    doc = desk.docs["a1"]
    add_note(doc, random.Random(113))
    desk.write(doc)
    desk.build()
    desk.assert_same_as_cold("a1.html changed by hand (same size and time), then a1 edited")


# --- 5. templates that read the whole site -------------------------------------------------------------------------

WHOLE_SITE_TEMPLATES = {
    "templates/sources.html": """\
{% extends "base.html" %}
{% block main %}
<h1>Sources</h1>
<ul>
{% for entry in site.sources %}
<li id="source-{{ entry.source.slug }}">{{ entry.source.name }}:
{% for slug in entry.articles %}
{{ site.article(slug).title }} ({{ site.article(slug).words | words }}){{ ", " if not loop.last }}
{% endfor %}
</li>
{% endfor %}
</ul>
{% endblock %}
""",
    "templates/topics.html": """\
{% extends "base.html" %}
{% block main %}
<h1>Topics</h1>
<p class="total">{{ site.articles | sum(attribute="words") }} words in {{ site.articles | length }} articles</p>
<ul>
{% for article in site.articles %}
<li>{{ article.title }}: {{ article.footnotes | length }} notes, {{ article.corrections | length }} corrections,
{{ article.parts | map(attribute="words") | join("/") }} words by part,
first paragraph {{ article.parts[0].blocks[0].text }}</li>
{% endfor %}
</ul>
{% endblock %}
""",
    "templates/article.html": """\
{% extends "base:article.html" %}
{% block head %}
<meta name="x-words" content="{{ site.articles[0].words }}-{{ site.articles[-1].words }}">
{% endblock %}
""",
}


def test_pages_whose_template_reads_the_whole_site_are_rendered_again_after_a_body_edit(
    new_desk: NewDesk,
) -> None:
    docs = newsroom(seed=14)
    desk = new_desk(docs, WHOLE_SITE_TEMPLATES)
    desk.build()
    out = desk.out
    rng = random.Random(114)
    for name in ("a3", "a5"):
        doc = desk.docs[name]
        add_paragraph(doc, rng)
        add_note(doc, rng)
        add_correction(doc, rng)
        doc.parts[0].plain[0] = sentence(rng, doc.parts[0].plain[0])
        desk.write(doc)
        before = {name: (out / name).read_bytes() for name in ("sources.html", "topics/index.html")}
        assert desk.build() == "fast"
        desk.assert_same_as_cold(f"a body edit to {name}, with templates reading the whole site")
        for page, data in before.items():
            assert (out / page).read_bytes() != data, page


def test_a_feed_entry_template_that_reads_the_whole_site_follows_an_edit_to_an_article_the_feeds_leave_out(
    new_desk: NewDesk,
) -> None:
    template = """\
{% include "base:feed_entry.html" %}
{% for slug in site.related[article.slug] %}
<p class="related">Related: {{ site.article(slug).title }} ({{ site.article(slug).words | words }})</p>
{% endfor %}
"""
    desk = new_desk(archive(FEED_ITEMS + 2, related=True), {"templates/feed_entry.html": template})
    desk.build()
    assert "Related: Article 0 (" in (desk.out / "feed.xml").read_text(encoding="utf-8")
    oldest = desk.docs["a0"]  # not in the feeds, but the feed entry of the newest article shows its word count
    add_paragraph(oldest, random.Random(115))
    desk.write(oldest)
    assert desk.build() == "fast"
    desk.assert_same_as_cold("a body edit to a0, shown by the feed entry of the newest article")


# --- 6. a damaged cache --------------------------------------------------------------------------------------------


def garbage_plan(root: Path) -> None:
    (root / CACHE_DIR / PLAN).write_bytes(b"\x00not a plan")


def damaged_plan(root: Path) -> None:
    path = root / CACHE_DIR / PLAN
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF  # in its head (at its end, before the head's length): the pages' values are checked as read
    path.write_bytes(bytes(data))


def damaged_plan_values(root: Path) -> None:
    path = root / CACHE_DIR / PLAN
    data = bytearray(path.read_bytes())
    head = int.from_bytes(data[-8:], "little") + 8
    for at in range(0, len(data) - head, 97):  # every page's value
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def garbage_articles(root: Path) -> None:
    for data in (root / CACHE_DIR / articlestore.FOLDER).iterdir():
        if data.name != articlestore.TABLE:
            data.write_bytes(b"\x00not an article" * 100)


def garbage_article_table(root: Path) -> None:
    (root / CACHE_DIR / articlestore.FOLDER / articlestore.TABLE).write_bytes(b"\x00not a table")


def damaged_articles(root: Path) -> None:
    for data in (root / CACHE_DIR / articlestore.FOLDER).iterdir():
        if data.name != articlestore.TABLE:
            flipped = bytearray(data.read_bytes())
            for at in range(0, len(flipped), 97):
                flipped[at] ^= 0xFF
            data.write_bytes(bytes(flipped))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "plan garbage": garbage_plan,
    "plan with a flipped byte": damaged_plan,
    "plan with flipped bytes in its pages": damaged_plan_values,
    "stored articles garbage": garbage_articles,
    "stored articles with flipped bytes": damaged_articles,
    "table of stored articles garbage": garbage_article_table,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_falls_back_to_the_full_build(new_desk: NewDesk, damage: str) -> None:
    desk = new_desk(newsroom(seed=15))
    desk.build()
    DAMAGE[damage](desk.root)
    rng = random.Random(115)
    doc = desk.docs["a2"]
    add_paragraph(doc, rng)
    desk.write(doc)
    assert desk.build() == "full", damage
    desk.assert_same_as_cold(damage)
    reword(doc, rng)  # the full build stored a good plan again
    desk.write(doc)
    assert desk.build() == "fast", damage


def test_many_edit_rebuilds_keep_few_data_files_of_stored_articles(new_desk: NewDesk) -> None:
    desk = new_desk(newsroom(seed=17))
    desk.build()
    rng = random.Random(117)
    store = desk.root / CACHE_DIR / articlestore.FOLDER
    counts = []
    for step in range(3 * articlestore.MAX_FILES):
        doc = desk.docs[f"a{step % 6}"]
        add_paragraph(doc, rng)
        desk.write(doc)
        assert desk.build() == "fast", step
        counts.append(len([p for p in store.iterdir() if p.name != articlestore.TABLE]))
    assert max(counts) <= articlestore.MAX_FILES + 1  # each edit writes one; they are copied into one past the limit
    assert min(counts) < max(counts)
    desk.assert_same_as_cold("many edits, stored articles copied together")
    reword(desk.docs["a3"], rng)  # every stored article is still found
    desk.write(desk.docs["a3"])
    assert desk.build() == "fast"
    desk.assert_same_as_cold("one more edit")


def test_the_plan_of_an_earlier_build_is_not_taken_for_the_last_one(new_desk: NewDesk) -> None:
    desk = new_desk(newsroom(seed=16))
    desk.build()
    old_plan = (desk.root / CACHE_DIR / PLAN).read_bytes()
    rng = random.Random(116)
    doc = desk.docs["a1"]
    add_heading(doc, rng)  # a new section: the full build stores another plan
    desk.write(doc)
    assert desk.build() == "full"
    (desk.root / CACHE_DIR / PLAN).write_bytes(old_plan)
    add_paragraph(doc, rng)
    desk.write(doc)
    assert desk.build() == "full"
    desk.assert_same_as_cold("the previous plan put back, then a body edit")


# --- 7. random sequences of edits ----------------------------------------------------------------------------------


def steps(rng: random.Random, docs: list[Doc], count: int) -> Iterator[tuple[list[Doc], Route, str]]:
    """Edit one or two articles at each step: body edits only (the fast path), outline edits only, or a body
    edit to one and an outline edit to the other (the full build); the articles edited, the path expected and
    what was done."""
    for _ in range(count):
        kind = rng.choice(("body", "body", "body", "outline", "mixed"))
        chosen = rng.sample(docs, 2 if kind == "mixed" else rng.randint(1, 2))
        done = []
        for number, doc in enumerate(chosen):
            outline = kind == "outline" or (kind == "mixed" and number == 1)
            edit = rng.choice(OUTLINE_EDITS if outline else BODY_EDITS)
            done.append(f"{doc.name}: {edit(doc, rng)}")
        yield chosen, ("fast" if kind == "body" else "full"), "; ".join(done)


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_random_edits_give_the_cold_build_bytes_at_every_step(new_desk: NewDesk, seed: int) -> None:
    docs = newsroom(seed, count=5)
    desk = new_desk(docs)
    desk.build()
    rng = random.Random(seed)
    history: list[str] = []
    for chosen, expected, done in steps(rng, docs, 7):
        history.append(done)
        desk.write(*chosen)
        assert desk.build() == expected, history
        desk.assert_same_as_cold(history)
