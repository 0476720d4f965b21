"""Rebuilds after edits to articles that leave the site's outline as it was: the stored page plan reused.

When the only inputs that changed are article files, none was added or removed, and each edited article has the
outline it had (see `outline`), the site's pages are the previous build's with the edited articles in their
place. Their stored values (see pagestore) are loaded instead of planning the site; the keys of the pages that
show an edited article, or whose template reads the whole site, are worked out again; only pages whose key
changed are rendered. Every other article is loaded from the build cache when a page being rendered asks for it.
Anything else (an error, a changed outline, a damaged cache, an output file changed by hand that the spare folder
does not hold as the previous build wrote it) gives None, and the full build runs.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from kursk_site import urls
from kursk_site.assemble import names
from kursk_site.build import THEME, Progress
from kursk_site.cache import (
    ArticleEntry,
    Cache,
    PageEntry,
    drop_head,
    load_article,
    load_plan,
    save_articles,
    save_index,
    spare_output,
)
from kursk_site.codec import pack, unpack
from kursk_site.config import load_config
from kursk_site.content import ArticleFile
from kursk_site.content.discover import article_listing, display_path
from kursk_site.content.entities import alias_pattern, load_entities
from kursk_site.content.timeline import load_timeline
from kursk_site.errors import BuildFailed, Unavailable
from kursk_site.feeds import FEED_ITEMS, render_feed
from kursk_site.incremental import (
    PARALLEL_PAGES,
    page_key_context,
    parse_files,
    render_batches,
    reusable_pages,
    templates_reading_site,
)
from kursk_site.jsonfeed import render_json_feed
from kursk_site.model import (
    Article,
    BuildOptions,
    BuildReport,
    Entity,
    OutputFile,
    Project,
    Site,
    SiteConfig,
    TimelineEvent,
)
from kursk_site.pages import Page
from kursk_site.pagestore import (
    LazyArticles,
    LazyBySlug,
    LoadedPlan,
    Ref,
    Resolve,
    Weights,
    load,
)
from kursk_site.parallel import call_aside, worker_count
from kursk_site.render import FEED_ENTRY, make_env, render_feed_bodies
from kursk_site.schedule import within
from kursk_site.stamps import InputStamps, digest_value
from kursk_site.values import Value
from kursk_site.writer import write_site
from kursk_site.writer.fill import OutputChanged
from kursk_site.writer.manifest import Manifest, output_manifest
from kursk_site.writer.spare import SpareState, look_at_spare

if TYPE_CHECKING:
    import jinja2

FEED_FILES = (urls.FEED.as_posix(), urls.JSON_FEED.as_posix())


def outline(article: Article, entities: Sequence[Entity]) -> bytes:
    """What planning the site's pages reads of an article: all of it but its text (the parts, footnotes,
    corrections and word count), with each part as its section, anchor and heading or none, and the entities
    it names. Two versions with the same outline give the same page values, each showing the article as it is."""
    parts = tuple(
        (p.section, p.anchor, p.explicit, p.heading is None, tuple(n for n, e in enumerate(entities) if names(e, p)))
        for p in article.parts
    )
    rest = dataclasses.replace(article, parts=(), words=0, footnotes=(), corrections=())
    return pack((rest, parts))


@dataclass(frozen=True, slots=True, repr=False)
class _Output(Value):
    """The output folder as the previous build left it."""

    manifest: Manifest
    spare: Path
    """The cache's spare folder (see writer.write_site)."""
    looked: Callable[[], SpareState | None]
    """Waits for what writer.spare.look_at_spare found in the spare folder (looking on another core meanwhile)."""


@dataclass(frozen=True, slots=True, repr=False)
class _Settings(Value):
    config: SiteConfig
    timeline: tuple[TimelineEvent, ...]
    entities: tuple[Entity, ...]


def rebuild(
    project: Project,
    options: BuildOptions,
    cache: Cache,
    tool: str,
    inputs: InputStamps,
    start: float,
    progress: Progress,
) -> BuildReport | None:
    """Rebuild after article edits as the module text says, or None when the full build must run."""
    index = cache.index
    if not index.plan or index.others != inputs.others or not within(options, index.now_range):
        return None
    spare = spare_output(cache, project.out_dir)
    assert spare is not None  # (a rebuild is tried only with a cache)
    with call_aside(partial(look_at_spare, spare)) as looked:  # on the other core, while this process works on
        manifest = output_manifest(project.out_dir)
        if manifest is None or manifest[0] != index.output:
            return None  # the output is not the one that build wrote
        plan = load_plan(cache)
        settings = None if options.search else (_stored_settings(index.settings) or _settings(project, options))
        if plan is None or settings is None or settings.config.search:
            return None  # the search index shows every article's text
        progress("reading content")
        edited = _edited(project, settings, cache, tool, inputs.articles)
        if edited is None:
            return None
        entries, articles = edited
        output = _Output(manifest[1], spare, looked)
        try:
            return _rebuild(project, cache, plan, settings, entries, articles, output, inputs, start, progress)
        except (Unavailable, OutputChanged):  # OutputChanged: a file of the output changed by hand, and the spare
            return None  # folder does not hold it as the previous build wrote it: the full build writes it again


def store_settings(config: SiteConfig, timeline: Sequence[TimelineEvent], entities: Sequence[Entity]) -> bytes:
    """The settings a build read (site.yaml, timeline.yaml, entities.yaml), packed for the cache index: a rebuild
    whose `others` are that build's takes them from there instead of reading the files, and so does not import
    the YAML parser (~25 ms). Each entity without its pattern, which is made again from its aliases (a compiled
    pattern is no value the cache loads)."""
    kept = tuple((e.slug, e.name, e.kind, e.description, e.aliases, e.line) for e in entities)
    return pack((config, tuple(timeline), kept))


def _stored_settings(data: bytes) -> _Settings | None:
    """The settings store_settings packed; None for none, or for anything else."""
    if not data:
        return None
    try:
        config, timeline, kept = unpack(data)
        entities = tuple(
            Entity(slug, name, kind, description, aliases, alias_pattern(aliases), line)
            for slug, name, kind, description, aliases, line in kept
        )
        if not isinstance(config, SiteConfig) or not all(isinstance(event, TimelineEvent) for event in timeline):
            return None
        return _Settings(config, tuple(timeline), entities)
    except Exception:  # (a damaged index: the files are read)
        return None


def _settings(project: Project, options: BuildOptions) -> _Settings | None:
    """site.yaml, timeline.yaml and entities.yaml as the full build reads them; None on any error (the full
    build reports it)."""
    site_yaml = project.content_dir / "site.yaml"
    try:
        config = load_config(site_yaml, display_path(site_yaml, project.root), options.base_url)
        if options.search:
            return None
        path = project.content_dir / "timeline.yaml"
        timeline = load_timeline(path, display_path(path, project.root), config)
        path = project.content_dir / "entities.yaml"
        entities = load_entities(path, display_path(path, project.root))
    except (BuildFailed, OSError):
        return None
    return _Settings(config, timeline, entities)


def _edited(
    project: Project, settings: _Settings, cache: Cache, tool: str, stats: Mapping[str, os.stat_result]
) -> tuple[dict[str, ArticleEntry], dict[str, Article]] | None:
    """The cache entry of every article file, and the edited articles parsed, by path; None when a file was
    added or removed, fails to parse, or has another outline than before."""
    index = cache.index
    listing = article_listing(project.content_dir / "articles", project.root, stats)
    changed: list[ArticleFile] = []
    count = 0
    for display, folder, name, kind, status in listing:
        count += 1
        entry = index.articles.get(display)
        if entry is None:
            return None  # a new file
        if entry.stamp != (status.st_size, status.st_mtime_ns, status.st_ino, status.st_ctime_ns):
            changed.append(ArticleFile(Path(folder, name), display, kind, status))
    if count != len(index.articles):
        return None  # a file removed
    changed.sort(key=lambda file: file.display)
    entries = dict(index.articles)
    articles: dict[str, Article] = {}
    for result in parse_files(changed, config=settings.config, tool=tool, config_key=digest_value(settings.config)):
        if result.errors or result.article is None or result.entry is None:
            return None
        old = index.articles[result.display]
        entries[result.display] = result.entry
        if result.entry.key == old.key:
            continue  # the same bytes
        before = load_article(cache, old.key)
        if before is None or outline(before, settings.entities) != outline(result.article, settings.entities):
            return None
        articles[result.display] = result.article
    return entries, articles


class _Articles:
    """Articles by path: the edited ones as parsed, the others from the build cache, loaded when asked for."""

    def __init__(self, cache: Cache, entries: Mapping[str, ArticleEntry], edited: Mapping[str, Article]) -> None:
        self._cache, self._entries = cache, entries
        self._loaded = dict(edited)

    def __call__(self, path: str) -> Article:
        found = self._loaded.get(path)
        if found is None:
            entry = self._entries.get(path)
            found = load_article(self._cache, entry.key) if entry else None
            if found is None:
                raise Unavailable(path)
            self._loaded[path] = found
        return found


def _lazy_site(plan: LoadedPlan, settings: _Settings, articles: _Articles) -> Site:
    """The site as the stored plan's shape has it, its articles loaded as pages ask for them."""
    order, topics, sources, entities, related, updated = load(plan.shape, _resolver(settings, articles, None))
    return Site(
        config=settings.config,
        articles=LazyArticles(tuple(path for _, path in order), articles),
        topics=topics,
        sources=sources,
        by_slug=LazyBySlug(dict(order), articles),
        timeline=settings.timeline,
        entities=entities,
        related=MappingProxyType(related),
        updated=updated,
    )


def _resolver(settings: _Settings, articles: _Articles, site: Site | None) -> Resolve:
    """What each reference in a stored value stands for in this build: in a page's value (`site` given), or in
    the site's shape (`site` None: an article stands for its path, and is loaded when a page asks for it)."""

    def resolve(ref: Ref) -> object:
        kind = ref[0]
        if kind == "entity":
            return settings.entities[int(ref[1])]
        if kind == "config":
            return settings.config
        if kind == "article":
            return articles(ref[1]) if site is not None else ref[1]
        if site is not None and kind == "part":
            return articles(ref[1]).parts[int(ref[2])]
        if site is not None and kind == "topic":
            return site.topics[int(ref[1])]
        if site is not None and kind == "index":
            return site.entities[int(ref[1])]
        raise Unavailable(f"unexpected reference {ref}")

    return resolve


def _rebuild(
    project: Project,
    cache: Cache,
    plan: LoadedPlan,
    settings: _Settings,
    entries: dict[str, ArticleEntry],
    edited: dict[str, Article],
    output: _Output,
    inputs: InputStamps,
    start: float,
    progress: Progress,
) -> BuildReport:
    index = cache.index
    previous = {path: str(entry[0]) for path, entry in output.manifest.items()}  # digest of each file of the output
    articles = _Articles(cache, entries, edited)
    site = _lazy_site(plan, settings, articles)
    compiled = dict(index.templates)
    env = make_env(project.template_dirs, THEME, compiled)
    source_keys = {path: entry.key for path, entry in entries.items()}
    weights = Weights(source_keys, site.topics, site.entities)
    context = page_key_context(env, site, weights, plan.shape)
    whole = templates_reading_site(env, cache, context.templates, {*plan.templates, FEED_ENTRY})
    keys = {path: entry.key for path, entry in index.pages.items()}
    again = {number for path in edited for number in plan.showing(path)}
    again.update(number for number, name in enumerate(plan.templates) if whole[name])
    for number in sorted(again):
        stored = plan.page(number)
        keys[stored.path] = context.key(weights, stored.template, stored.value, whole[stored.template])
    kept_pages = reusable_pages(cache, {path: keys.get(path, "") for path in plan.paths}, previous)
    resolve = _resolver(settings, articles, site)
    todo: list[Page] = [
        load(plan.value(number), resolve) for number, path in enumerate(plan.paths) if path not in kept_pages
    ]
    progress(f"rendering {len(todo)} page{'s' if len(todo) != 1 else ''}")
    feeds = bool(_feed_paths(site) & edited.keys()) or (bool(edited) and whole[FEED_ENTRY])
    files = _outputs(site, env, project.root, todo, feeds)
    drop_head(cache)  # first: a build that fails from now on leaves no head behind
    replaced = {p.path.as_posix() for p in todo} | (set(FEED_FILES) if feeds else set())
    kept = {path: digest for path, digest in previous.items() if path not in replaced}
    stats = write_site(files, project.out_dir, kept, output.spare, output.manifest, looked=output.looked())
    pages = {path: PageEntry(keys[path], stats.digests[path]) for path in keys if path in stats.digests}
    summary = (len(plan.paths), stats.files, stats.bytes, index.summary[3], index.summary[4])
    new_index = dataclasses.replace(
        index, inputs=inputs.every, summary=summary, articles=entries, pages=pages, templates=compiled, output=""
    )
    warnings = save_articles(cache, entries, {entries[path].key: a for path, a in edited.items()})
    warnings = (*cache.damaged(), *(warnings or save_index(cache, new_index, stats.manifest)))
    seconds = time.perf_counter() - start
    return BuildReport(summary[0], stats.files, stats.written, stats.bytes, seconds, summary[3], warnings, summary[4])


def _feed_paths(site: Site) -> set[str]:
    """The paths of the articles the feeds show."""
    assert isinstance(site.articles, LazyArticles)
    return set(site.articles.paths[:FEED_ITEMS])


def _outputs(
    site: Site, env: jinja2.Environment, root: Path, pages: Sequence[Page], feeds: bool
) -> Iterator[OutputFile]:
    yield from render_batches(site, env, root, pages, worker_count() if len(pages) >= PARALLEL_PAGES else 1)
    if feeds:
        bodies = render_feed_bodies(site, env, root)
        yield render_feed(site, bodies)
        yield render_json_feed(site, bodies)
