"""The pipeline, top to bottom: load -> model -> render -> write."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from kursk_site import urls
from kursk_site.assemble import assemble_site, make_article
from kursk_site.checks import find_warnings
from kursk_site.config import load_config
from kursk_site.content import load_articles
from kursk_site.content.discover import display_path
from kursk_site.content.entities import load_entities
from kursk_site.content.static import collect_static
from kursk_site.content.timeline import load_timeline
from kursk_site.errors import BuildFailed, ContentError
from kursk_site.feeds import render_feed
from kursk_site.jsonfeed import render_json_feed
from kursk_site.model import (
    BuildOptions,
    BuildReport,
    CheckReport,
    Entity,
    OutputFile,
    Project,
    RawArticle,
    Site,
    TimelineEvent,
)
from kursk_site.render import make_env, render_feed_bodies, render_pages, render_search_script
from kursk_site.schedule import Selection, select_articles
from kursk_site.search import render_search_index
from kursk_site.sitemap import render_sitemap
from kursk_site.writer import check_out_dir, write_site

Progress = Callable[[str], None]
"""Told the name of each stage as it starts (the command line shows it on a terminal)."""

THEME = Path(__file__).parent / "templates"
"""The built-in theme: templates, and static/ for the stylesheet."""


def build(project: Project, options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the whole site into `project.out_dir`; raises BuildFailed (nothing written) on bad input."""
    start = time.perf_counter()
    check_out_dir(project.out_dir, (project.root,), inputs=(project.content_dir, *project.template_dirs))
    tell = progress or _silent
    tell("reading content")
    site, selection = _load(project, options)
    tell(f"rendering {len(site.articles)} article{'s' if len(site.articles) != 1 else ''}")
    files = render_site(site, project)
    tell(f"writing {len(files)} files")
    stats = write_site(files, project.out_dir)
    pages = sum(1 for f in files if f.path.suffix == ".html")
    left_out = len(selection.drafts) + len(selection.scheduled)
    seconds = time.perf_counter() - start
    return BuildReport(pages, stats.files, stats.written, stats.bytes, seconds, len(site.articles), left_out)


def check(project: Project, options: BuildOptions, progress: Progress | None = None) -> CheckReport:
    """Everything `build` does but write: raises BuildFailed on errors, returns the warnings."""
    tell = progress or _silent
    tell("reading content")
    site, selection = _load(project, options)
    tell(f"rendering {len(site.articles)} article{'s' if len(site.articles) != 1 else ''}")
    files = render_site(site, project)
    pages = sum(1 for f in files if f.path.suffix == ".html")
    return CheckReport(pages, len(site.articles), find_warnings(site, files, selection.drafts))


def load_site(project: Project, options: BuildOptions) -> Site:
    """The assembled site, with drafts and future articles left out as `options` say."""
    return _load(project, options)[0]


def _load(project: Project, options: BuildOptions) -> tuple[Site, Selection]:
    site_yaml = project.content_dir / "site.yaml"
    display = display_path(site_yaml, project.root)
    if not site_yaml.is_file():
        raise BuildFailed([ContentError(display, 0, "not found: every site needs content/site.yaml")])
    config = load_config(site_yaml, display, options.base_url)
    if options.search:
        config = dataclasses.replace(config, search=True)
    errors: list[ContentError] = []
    raws: tuple[RawArticle, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    entities: tuple[Entity, ...] = ()
    try:
        raws = load_articles(project.content_dir / "articles", project.root, config)
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
    selection = select_articles(raws, options)
    articles = [make_article(raw, config) for raw in selection.published]
    return assemble_site(config, articles, timeline, entities), selection


def _silent(stage: str) -> None:
    pass


def render_site(site: Site, project: Project) -> tuple[OutputFile, ...]:
    env = make_env(project.template_dirs, THEME)
    pages = render_pages(site, env, project.root)
    bodies = render_feed_bodies(site, env, project.root)
    feed = render_feed(site, bodies)
    json_feed = render_json_feed(site, bodies)
    modified = {urls.article_path(a.slug): a.modified for a in site.articles}
    listed = [(p.path, modified.get(p.path, site.updated)) for p in pages if p.path != urls.SEARCH]  # noindex
    sitemap = render_sitemap(site.config.base_url, listed)
    static_dirs = (*(d / "static" for d in project.template_dirs), THEME / "static")
    static = collect_static(
        (*((d, PurePosixPath("assets")) for d in static_dirs), (project.root / "static", PurePosixPath("."))),
        project.root,
    )
    search = (render_search_index(site), render_search_script(env, project.root)) if site.config.search else ()
    return (*pages, feed, json_feed, *sitemap, *static, *search)
