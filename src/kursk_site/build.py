"""The pipeline, top to bottom: load -> model -> render -> write, reusing what the build cache holds."""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from kursk_site import urls
from kursk_site.assemble import assemble_site
from kursk_site.cache import CACHE_DIR, Cache, CacheIndex, open_cache, save_cache, stamp_inputs, tool_fingerprint
from kursk_site.config import load_config
from kursk_site.content.discover import display_path
from kursk_site.content.static import collect_static
from kursk_site.errors import BuildFailed, ContentError
from kursk_site.feeds import render_feed
from kursk_site.incremental import (
    LoadedArticles,
    RenderedPages,
    load_articles_cached,
    page_entries,
    render_pages_cached,
)
from kursk_site.model import BuildOptions, BuildReport, OutputFile, Project, Site
from kursk_site.parallel import worker_count
from kursk_site.render import make_env, render_feed_bodies, render_search_script
from kursk_site.search import render_search_index
from kursk_site.sitemap import render_sitemap
from kursk_site.writer import check_out_dir, output_intact, reusable_outputs, write_site

THEME = Path(__file__).parent / "templates"
"""The built-in theme: templates, and static/ for the stylesheet."""
PACKAGE = Path(__file__).parent


def build(project: Project, options: BuildOptions) -> BuildReport:
    """Build the whole site into `project.out_dir`; raises BuildFailed (nothing written) on bad input."""
    start = time.perf_counter()
    check_out_dir(project.out_dir, (project.root,), inputs=(project.content_dir, *project.template_dirs))
    tool = tool_fingerprint(PACKAGE)
    cache = open_cache(project.root / CACHE_DIR if options.cache else None, tool)
    inputs = stamp_inputs(_input_folders(project), tool, options, project.out_dir)
    if cache.index.inputs == inputs and output_intact(project.out_dir):  # nothing changed: nothing to read or write
        pages, files, size, articles = cache.index.summary
        return BuildReport(pages, files, 0, size, time.perf_counter() - start, articles)
    site, loaded = load_site_cached(project, options, cache, tool)
    compiled = dict(cache.index.templates)
    rendered, outputs = render_site(site, project, cache, loaded, compiled)
    stats = write_site(outputs, project.out_dir, rendered.kept)
    summary = (len(rendered.pages), stats.files, stats.bytes, len(site.articles))
    entries = page_entries(rendered, stats.digests)
    index = CacheIndex(tool, inputs, summary, loaded.entries, entries, compiled, rendered.whole_site)
    warnings = (*cache.warnings, *save_cache(cache, index, loaded.parsed))
    return BuildReport(*summary[:2], stats.written, stats.bytes, time.perf_counter() - start, summary[3], warnings)


def load_site(project: Project, options: BuildOptions) -> Site:
    """The assembled site, read without the build cache."""
    return load_site_cached(project, options, open_cache(None, ""), "")[0]


def load_site_cached(project: Project, options: BuildOptions, cache: Cache, tool: str) -> tuple[Site, LoadedArticles]:
    site_yaml = project.content_dir / "site.yaml"
    display = display_path(site_yaml, project.root)
    if not site_yaml.is_file():
        raise BuildFailed([ContentError(display, 0, "not found: every site needs content/site.yaml")])
    config = load_config(site_yaml, display, options.base_url)
    if options.search:
        config = dataclasses.replace(config, search=True)
    loaded = load_articles_cached(project.content_dir / "articles", project.root, config, cache, tool, worker_count())
    articles = [a for a in loaded.articles if options.drafts or not a.draft]
    return assemble_site(config, articles), loaded


def render_site(
    site: Site, project: Project, cache: Cache, loaded: LoadedArticles, compiled: dict[str, bytes]
) -> tuple[RenderedPages, Iterator[OutputFile]]:
    env = make_env(project.template_dirs, THEME, compiled)
    source_keys = {path: entry.key for path, entry in loaded.entries.items()}
    reusable = reusable_outputs(project.out_dir)
    rendered = render_pages_cached(site, env, project.root, cache, source_keys, reusable, worker_count())
    feed = render_feed(site, render_feed_bodies(site, env, project.root))
    modified = {urls.article_path(a.slug): a.modified for a in site.articles}
    updated = site.updated  # once: it looks at every article
    listed = [(p.path, modified.get(p.path, updated)) for p in rendered.pages if p.path != urls.SEARCH]  # noindex
    sitemap = render_sitemap(site.config.base_url, listed)
    static = collect_static(
        (*((d, PurePosixPath("assets")) for d in _static_dirs(project)), (project.root / "static", PurePosixPath("."))),
        project.root,
    )
    search = (render_search_index(site), render_search_script(env, project.root)) if site.config.search else ()
    return rendered, itertools.chain(rendered.files, (feed, *sitemap, *static, *search))


def _static_dirs(project: Project) -> tuple[Path, ...]:
    return (*(d / "static" for d in project.template_dirs), THEME / "static")


def _input_folders(project: Project) -> tuple[Path, ...]:
    """Every folder the build reads: the content, the templates (with their static files), the theme."""
    return (project.content_dir, *project.template_dirs, project.root / "static", THEME)
