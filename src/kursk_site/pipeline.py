"""The pipeline, top to bottom: load -> model -> render -> write, reusing what the build cache holds."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path, PurePosixPath

from kursk_site import edits, incremental
from kursk_site.assemble import assemble_site
from kursk_site.build import THEME, Done, Progress
from kursk_site.cache import (
    CACHE_DIR,
    Cache,
    CacheIndex,
    cache_lock,
    drop_head,
    open_cache,
    save_articles,
    save_index,
    spare_output,
)
from kursk_site.config import load_config
from kursk_site.content.discover import display_path, unread_files
from kursk_site.content.entities import load_entities
from kursk_site.content.static import collect_static
from kursk_site.content.timeline import load_timeline
from kursk_site.errors import BuildFailed, ContentError
from kursk_site.feeds import render_feed
from kursk_site.incremental import (
    LoadedArticles,
    RenderedPages,
    load_articles_cached,
    page_entries,
    render_pages_cached,
)
from kursk_site.jsonfeed import render_json_feed
from kursk_site.model import (
    Article,
    BuildOptions,
    BuildReport,
    CheckReport,
    Entity,
    OutputFile,
    Project,
    Site,
    TimelineEvent,
)
from kursk_site.parallel import call_aside, can_fork, start_chunks, worker_count
from kursk_site.render import compiled_templates, make_env, render_feed_bodies, render_search_script
from kursk_site.schedule import Selection, same_selection, select_articles
from kursk_site.stamps import InputStamps
from kursk_site.writer import write_site
from kursk_site.writer.manifest import reusable_outputs

GC_THRESHOLDS = (50_000, 20, 100)
"""While a build runs: the site is a million small objects made at once (parsed or loaded from the cache), none of
them in a cycle; with the interpreter's default thresholds the cycle collector goes over them again and again and
takes half the time of loading them."""


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cycle collector less often for the duration (the previous thresholds come back after, and what was
    left out of collections meanwhile, see left_alone, is collected as usual again)."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


@contextlib.contextmanager
def left_alone() -> Iterator[None]:
    """No collection runs for the duration, and the objects made meanwhile are left out of later ones (until
    fewer_collections ends): for loading the site, a million objects that live as long as the build, in no cycle.
    It also keeps forked workers from copying the memory that a collection would touch; the parsing workers, forked
    meanwhile, parse without collections too (what they make is freed as it goes, by reference counting)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def build_site(
    project: Project,
    options: BuildOptions,
    tool: str,
    inputs: InputStamps,
    start: float,
    progress: Progress | None = None,
    done: Done | None = None,
) -> BuildReport:
    """Build the whole site into `project.out_dir`, reusing what the build cache holds; raises BuildFailed
    (nothing written) on bad input. `inputs` are the stamps of the inputs (see build.build), for the next build;
    `done` is told the report while the site is still held (see build.build)."""
    with cache_lock(project.root / CACHE_DIR if options.cache else None), fewer_collections():
        return _build_site(project, options, tool, inputs, start, progress, done or _ignore)


def _build_site(
    project: Project,
    options: BuildOptions,
    tool: str,
    inputs: InputStamps,
    start: float,
    progress: Progress | None,
    done: Done,
) -> BuildReport:
    cache = open_cache(project.root / CACHE_DIR if options.cache else None, tool)
    tell = progress or _silent
    if cache.folder is not None:
        report = edits.rebuild(project, options, cache, tool, inputs, start, tell)
        if report is not None:
            done(report)
            return report
    tell("reading content")
    with _templates_aside(project, cache) as templates, left_alone():
        site, selection, loaded = _load(project, options, cache, tool, inputs.articles)
        compiled = dict(cache.index.templates) or templates() or {}
    with _store_articles(cache, loaded) as stored:
        tell(f"rendering {len(site.articles)} article{'s' if len(site.articles) != 1 else ''}")
        rendered, others, count = render_site(site, project, cache, loaded, compiled)
        with rendered.later or contextlib.nullcontext():
            tell(f"writing {count} files")
            spare = spare_output(cache, project.out_dir)
            stats = write_site(others, project.out_dir, rendered.kept, spare, pages=rendered.files)
            rendered = rendered.settled()
        left_out = len(selection.drafts) + len(selection.scheduled)
        summary = (len(rendered.pages), stats.files, stats.bytes, len(site.articles), left_out)
        entries = page_entries(rendered, stats.digests)
        now_range = same_selection(loaded.articles, options)
        index = CacheIndex(
            tool,
            inputs.every,
            summary,
            loaded.entries,
            entries,
            compiled,
            now_range,
            rendered.whole_site,
            inputs.others,
            rendered.plan,
            settings=edits.store_settings(site.config, site.timeline, tuple(i.entity for i in site.entities)),
        )
        article_warnings = stored()
    warnings = (*cache.damaged(), *(article_warnings or save_index(cache, index, stats.manifest)))
    seconds = time.perf_counter() - start
    report = BuildReport(
        summary[0], summary[1], stats.written, stats.bytes, seconds, summary[3], warnings, left_out=left_out
    )
    done(report)  # (while this frame holds the site: see build.build)
    return report


@contextlib.contextmanager
def _templates_aside(project: Project, cache: Cache) -> Iterator[Callable[[], dict[str, bytes] | None]]:
    """When the cache holds no compiled templates (a first or --no-cache build), compile them in a forked child
    while this process reads the articles: the value given is a call that returns them (None if that failed; the
    renderer then compiles each as it is used). Compiling the theme takes a quarter of a second, which was spent
    right before the pages are rendered, with the other core idle."""
    if cache.index.templates:
        yield lambda: None
        return
    with call_aside(partial(compiled_templates, project.template_dirs, THEME)) as result:
        yield result


@contextlib.contextmanager
def _store_articles(cache: Cache, loaded: LoadedArticles) -> Iterator[Callable[[], tuple[str, ...]]]:
    """Store the articles parsed in this build in the cache; the value given is a call that waits for it to be
    done and returns its warnings. Many articles are stored by a forked child meanwhile, while this process goes
    on (the page plan and keys leave the other core idle); if the build fails, the child is stopped.
    """
    drop_head(cache)  # first: a build that fails from now on leaves no head behind
    if len(loaded.parsed) < incremental.PARALLEL_FILES or worker_count() < 2 or not can_fork():
        yield lambda: save_articles(cache, loaded.entries, loaded.parsed, loaded.spooled)
        return
    store = partial(_store_chunk, cache, loaded)
    with start_chunks(store, [()]) as started:
        yield lambda: started.results()[0]


def _store_chunk(cache: Cache, loaded: LoadedArticles, _: Sequence[object]) -> tuple[str, ...]:
    return save_articles(cache, loaded.entries, loaded.parsed, loaded.spooled)


def check(project: Project, options: BuildOptions, progress: Progress | None = None) -> CheckReport:
    """Everything `build` does but write (and it neither reads nor writes the build cache): raises BuildFailed
    on errors, returns the warnings."""
    with fewer_collections():
        return _check(project, options, progress)


def _check(project: Project, options: BuildOptions, progress: Progress | None) -> CheckReport:
    from kursk_site.checks import find_warnings  # (the check command's alone)

    tell = progress or _silent
    tell("reading content")
    cache = open_cache(None, "")
    site, selection, loaded = _load(project, options, cache, "")
    tell(f"rendering {len(site.articles)} article{'s' if len(site.articles) != 1 else ''}")
    rendered, others, _ = render_site(site, project, cache, loaded, {})
    files = (*rendered.files, *others)
    entities_file = display_path(project.content_dir / "entities.yaml", project.root)
    sources = partial(_source_lines, project.root)
    warnings = find_warnings(
        site,
        files,
        selection.drafts,
        entities_file=entities_file,
        sources=sources,
        scheduled=selection.scheduled,
        now=options.now,
    )
    unread = unread_files(project.content_dir / "articles", project.root)
    warnings = tuple(sorted((*warnings, *unread), key=ContentError.sort_key))
    return CheckReport(len(rendered.pages), len(site.articles), warnings)


def _source_lines(root: Path, display: str) -> list[str]:
    """The lines of an article's file (see checks.SourceLines)."""
    try:
        return (root / display).read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return []


def load_site(project: Project, options: BuildOptions) -> Site:
    """The assembled site, with drafts and future articles left out as `options` say; read without the build cache."""
    return _load(project, options, open_cache(None, ""), "")[0]


def _load(
    project: Project, options: BuildOptions, cache: Cache, tool: str, known: Mapping[str, os.stat_result] | None = None
) -> tuple[Site, Selection[Article], LoadedArticles]:
    site_yaml = project.content_dir / "site.yaml"
    display = display_path(site_yaml, project.root)
    if not site_yaml.is_file():
        raise BuildFailed([ContentError(display, 0, "not found: every site needs content/site.yaml")])
    config = load_config(site_yaml, display, options.base_url)
    if options.search:
        config = dataclasses.replace(config, search=True)
    errors: list[ContentError] = []
    loaded = LoadedArticles((), {}, {})
    timeline: tuple[TimelineEvent, ...] = ()
    entities: tuple[Entity, ...] = ()
    try:
        loaded = load_articles_cached(
            project.content_dir / "articles", project.root, config, cache, tool, worker_count(), known
        )
    except BuildFailed as e:
        errors.extend(e.errors)
    try:
        path = project.content_dir / "timeline.yaml"
        timeline = load_timeline(path, display_path(path, project.root), config)
    except BuildFailed as e:
        errors.extend(e.errors)
    try:
        path = project.content_dir / "entities.yaml"
        entities = load_entities(path, display_path(path, project.root))
    except BuildFailed as e:
        errors.extend(e.errors)
    if errors:
        raise BuildFailed(errors)
    selection = select_articles(loaded.articles, options)
    return assemble_site(config, selection.published, timeline, entities), selection, loaded


def _silent(stage: str) -> None:
    pass


def _ignore(report: BuildReport) -> None:
    pass


def render_site(
    site: Site, project: Project, cache: Cache, loaded: LoadedArticles, compiled: dict[str, bytes]
) -> tuple[RenderedPages, tuple[OutputFile, ...], int]:
    """The pages (rendered when the writer takes them) and every other output file; the count is of all files in
    the output, pages kept from the previous build included."""
    from kursk_site.search import render_search_index  # (a full build's: not imported for a rebuild after an edit)
    from kursk_site.sitemap import render_sitemap

    env = make_env(project.template_dirs, THEME, compiled)
    source_keys = {path: entry.key for path, entry in loaded.entries.items()}
    reusable = reusable_outputs(project.out_dir) if cache.folder is not None else {}
    rendered = render_pages_cached(site, env, project.root, cache, source_keys, reusable, worker_count())
    bodies = render_feed_bodies(site, env, project.root)
    feed = render_feed(site, bodies)
    json_feed = render_json_feed(site, bodies)
    updated = site.updated
    listed = [
        (p.path, p.article.modified if p.template == "article.html" and p.article else updated)
        for p in rendered.pages
        if p.template != "search.html"  # noindex
    ]
    sitemap = render_sitemap(site.config.base_url, listed)
    static = collect_static(  # (the site's own static/ first: its assets/style.css takes the theme's place)
        ((project.root / "static", PurePosixPath(".")), *((d, PurePosixPath("assets")) for d in _static_dirs(project))),
        project.root,
    )
    search = (render_search_index(site), render_search_script(env, project.root)) if site.config.search else ()
    others = (feed, json_feed, *sitemap, *static, *search)
    return rendered, others, len(rendered.pages) + len(others)


def _static_dirs(project: Project) -> tuple[Path, ...]:
    return (*(d / "static" for d in project.template_dirs), THEME / "static")
