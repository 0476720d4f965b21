"""Parse only the article files that changed and render only the pages that changed, on several cores when it pays."""

from __future__ import annotations

import dataclasses
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol, TypeVar

from kursk_site.articlestore import Location
from kursk_site.assemble import make_article
from kursk_site.cache import (
    ArticleEntry,
    Cache,
    PageEntry,
    Spool,
    digest_bytes,
    load_articles,
    save_plan,
)
from kursk_site.codec import pack, unpack
from kursk_site.config import read_bytes
from kursk_site.content import ArticleFile, check_unique_slugs, discover_articles, make_parser, parse_article
from kursk_site.errors import BuildFailed, ContentError
from kursk_site.model import Article, OutputFile, Site, SiteConfig
from kursk_site.pages import Page, plan_pages
from kursk_site.pagestore import (
    Ref,
    Stored,
    StoredPage,
    Weights,
    key,
    known_refs,
    site_shape,
    store,
    value_digest,
)
from kursk_site.parallel import Started, can_fork, share_runs, split, start_chunks, start_streams
from kursk_site.render import (
    FEED_ENTRY,
    compile_templates,
    page_context,
    reads_whole_site,
    render_pages,
    template_digest,
)
from kursk_site.stamps import FileStamp, digest_value
from kursk_site.values import Value

if TYPE_CHECKING:
    import jinja2

    from kursk_site.writer.fill import Placed

T = TypeVar("T")

PARALLEL_FILES = 150
"""Parse on several cores from this many changed files on (below it, starting workers costs more than it saves)."""
PARSE_RUN = 100
"""Files in each run of parsing: this process and its workers each take the next run as they are ready, so the
last run keeps one core waiting for at most this many files."""
PARALLEL_PAGES = 300
"""Render on several cores from this many changed pages on."""
PARALLEL_KEYS = 2000
"""Work out page keys on several cores from this many pages on."""
KEYS_RUN = 500
"""Pages whose keys one process works out at a time (see _all_keys)."""
BATCH_PAGES = 600
"""Pages rendered before they are written: bounds the memory that rendered pages take."""
RUN_PAGES = 24
"""Pages a process renders and writes before it takes the next run (see PagesToRender.place_in)."""
MAIN_SHARE = 0.9
"""This process renders this much of an even share of each batch: it also writes every page."""


@dataclass(frozen=True, slots=True, repr=False)
class LoadedArticles(Value):
    articles: tuple[Article, ...]
    """Every article, drafts included, in file order."""
    entries: Mapping[str, ArticleEntry]
    """For the next cache index, by the article's path."""
    parsed: Mapping[str, Article]
    """Articles parsed in this build, by cache key (to store)."""
    spooled: Mapping[str, Location] = field(default_factory=dict)
    """Where the cache's Spool stored articles worker processes parsed, by key (see save_articles)."""


@dataclass(frozen=True, slots=True, repr=False)
class RenderedPages(Value):
    pages: tuple[Page, ...]
    """Every page of the site, in order."""
    files: PagesToRender
    """The pages to render in this build."""
    kept: Mapping[str, str]
    """Pages unchanged since the previous build: output path -> digest of the bytes it holds."""
    keys: Mapping[str, str]
    """The cache key of every page, by output path (empty without a cache)."""
    whole_site: Mapping[str, bool]
    """Which templates read the whole site, by template digest and name (for the next build)."""
    plan: str = ""
    """Names the page plan stored for a later rebuild to reuse (see cache.save_plan; empty for none)."""
    later: Started[PlanKeys] | None = None
    """A child working out `keys`, `whole_site` and `plan` while the pages are rendered (see settled); leaving it
    as a context manager stops it."""

    def settled(self) -> RenderedPages:
        """These pages with their keys, the templates' reading of the site and the plan's token: when a child works
        them out (see `later`), once it is done."""
        if self.later is None:
            return self
        keys, reads, token = self.later.results()[0]
        return dataclasses.replace(self, keys=keys, whole_site=reads, plan=token, later=None)


@dataclass(frozen=True, slots=True, repr=False)
class _Parsed(Value):
    display: str
    article: Article | None
    entry: ArticleEntry | None
    errors: tuple[ContentError, ...]
    packed: bytes | None = None
    """The article as a worker process sent it (see _send_parsed)."""


def _send_parsed(results: list[_Parsed]) -> bytes:
    """A worker's batch of parsed files as bytes, each article packed on its own (as the cache stores it)."""
    return pack([(r.display, None if r.article is None else pack(r.article), r.entry, r.errors) for r in results])


def _take_parsed(data: bytes) -> list[_Parsed]:
    return [
        _Parsed(display, None if packed is None else unpack(packed), entry, errors, packed)
        for display, packed, entry, errors in unpack(data)
    ]


def article_key(tool: str, config_key: str, file: ArticleFile, content: str) -> str:
    """Names the Article made from one file: its bytes, its path, the settings and the tool."""
    return digest_bytes(tool, config_key, file.display, file.kind.value, content)


def load_articles_cached(
    articles_dir: Path,
    root: Path,
    config: SiteConfig,
    cache: Cache,
    tool: str,
    workers: int,
    known: Mapping[str, os.stat_result] | None = None,
) -> LoadedArticles:
    """Every article below `articles_dir`, taken from the cache when its file is unchanged; all errors together.
    `known`: the status of files already looked at (see content.discover_articles)."""
    files = discover_articles(articles_dir, root, known)
    config_key = digest_value(config)
    found: dict[str, tuple[Article, ArticleEntry]] = {}
    unchanged: dict[str, ArticleEntry] = {}
    for file in files:
        old = cache.index.articles.get(file.display)
        if old is not None and file.status is not None and old.stamp == FileStamp.of(file.status):
            unchanged[file.display] = ArticleEntry(
                old.stamp, old.content, article_key(tool, config_key, file, old.content)
            )
    stored = load_articles(cache, (entry.key for entry in unchanged.values()))
    todo: list[ArticleFile] = []
    for file in files:
        entry = unchanged.get(file.display)
        article = stored.get(entry.key) if entry else None
        if entry is not None and article is not None:
            found[file.display] = (article, entry)
        else:
            todo.append(file)
    parse = partial(parse_files, config=config, tool=tool, config_key=config_key)
    errors: list[ContentError] = []
    parsed: dict[str, Article] = {}
    spool = Spool(cache) if len(todo) >= PARALLEL_FILES and workers > 1 and can_fork() else None
    if spool is not None:  # this process and children parse; it takes theirs in between runs of its own
        runs = split(todo, max(workers, len(todo) // PARSE_RUN))
        batches = share_runs(parse, [runs], workers, (_send_parsed, _take_parsed))
    else:
        batches = iter([parse(todo)])
    try:
        for results in batches:
            for result in results:
                errors.extend(result.errors)
                if result.article is not None and result.entry is not None:
                    found[result.display] = (result.article, result.entry)
                    parsed[result.entry.key] = result.article
            if spool is not None:
                spool.add([(r.entry.key, r.packed) for r in results if r.entry is not None and r.packed is not None])
    finally:
        if spool is not None:
            spool.close()
    articles = tuple(found[f.display][0] for f in files if f.display in found)
    errors.extend(check_unique_slugs(articles))
    if errors:
        raise BuildFailed(errors)
    entries = {f.display: found[f.display][1] for f in files}
    return LoadedArticles(articles, entries, parsed, spool.stored if spool is not None else {})


def parse_files(files: Sequence[ArticleFile], *, config: SiteConfig, tool: str, config_key: str) -> list[_Parsed]:
    md = make_parser(config.allow_raw_html)
    out: list[_Parsed] = []
    for file in files:
        try:
            stamp = FileStamp.of(file.path.stat())  # before reading: a file changed meanwhile is read again next time
        except OSError as e:
            out.append(
                _Parsed(file.display, None, None, (ContentError(file.display, 0, f"cannot read: {e.strerror or e}"),))
            )
            continue
        try:
            data = read_bytes(file.path, file.display)  # refuses a file over the size limit without reading it
            raw = parse_article(data, file, config, md)
        except BuildFailed as e:
            out.append(_Parsed(file.display, None, None, e.errors))
            continue
        content = digest_bytes(data)
        entry = ArticleEntry(stamp, content, article_key(tool, config_key, file, content))
        out.append(_Parsed(file.display, make_article(raw, config), entry, ()))
    return out


def render_pages_cached(
    site: Site,
    env: jinja2.Environment,
    root: Path,
    cache: Cache,
    source_keys: Mapping[str, str],
    reusable: Mapping[str, str],
    workers: int,
) -> RenderedPages:
    """Every page; a page whose inputs (its value, what it shows of the site, the templates) are unchanged since
    the previous build, and whose file there is intact, is kept instead of rendered."""
    plan = plan_pages(site)
    if cache.folder is None:
        files = PagesToRender(site, env, root, plan, workers if len(plan) >= PARALLEL_PAGES else 1)
        return RenderedPages(plan, files, {}, {}, {})
    plan_keys = partial(_plan_keys, site, env, cache, source_keys, plan)
    if not cache.index.pages and workers > 1 and len(plan) >= PARALLEL_PAGES and can_fork():
        # no page of a previous build to keep (a cold build): every page is rendered at once, while a child works
        # out the page keys and stores the page plan, which only the next build uses
        later = start_chunks(lambda _: plan_keys(1), [()])
        return RenderedPages(plan, PagesToRender(site, env, root, plan, workers), {}, {}, {}, "", later)
    keys, reads, token = plan_keys(workers)
    kept = reusable_pages(cache, keys, reusable)
    todo = [page for page in plan if page.path.as_posix() not in kept]
    files = PagesToRender(site, env, root, todo, workers if len(todo) >= PARALLEL_PAGES else 1)
    return RenderedPages(plan, files, kept, keys, reads, token)


PlanKeys = tuple[dict[str, str], dict[str, bool], str]
"""The key of every page by path, whether each template reads the whole site (by template digest and name), and
the token of the page plan stored (see RenderedPages)."""


def _plan_keys(
    site: Site,
    env: jinja2.Environment,
    cache: Cache,
    source_keys: Mapping[str, str],
    plan: Sequence[Page],
    workers: int,
) -> PlanKeys:
    """Work out the key of every page of `plan` (on `workers` cores) and store the plan for a later rebuild."""
    weights = Weights(source_keys, site.topics, site.entities)
    shape = store(site_shape(site), known_refs(site, shared=False))
    context = page_key_context(env, site, weights, shape)
    reads_site = templates_reading_site(env, cache, context.templates, {p.template for p in plan} | {FEED_ENTRY})
    reads = {f"{context.templates}:{name}": found for name, found in reads_site.items()}  # (the feeds' for edits)
    keys_of = partial(_keys_of, known_refs(site), weights, context, reads_site)
    keys: dict[str, str] = {}

    def stored() -> Iterator[StoredPage]:
        for run in _all_keys(keys_of, plan, workers):
            for path, template, data, refs, page_key in run:
                keys[path] = page_key
                yield StoredPage(path, template, Stored(data, refs))

    pages = stored()
    token = save_plan(cache, shape, pages)  # (the rendering children never hold the plan)
    for _ in pages:  # the keys of the pages left when the plan could not be written
        pass
    return keys, reads, token


@dataclass(frozen=True, slots=True, repr=False)
class PageContext(Value):
    """What a page's key holds besides its value and what its references stand for."""

    templates: str
    """Digest of every template."""
    shown: str
    """Digest of what every page shows besides its value (see render.page_context)."""
    whole_site: str
    """Digest of the whole site, for pages whose template reads it (see render.reads_whole_site)."""

    def key(self, weights: Weights, template: str, value: Stored, reads_site: bool) -> str:
        return key(weights, value, self.templates, self.shown, template, self.whole_site if reads_site else "")


def page_key_context(env: jinja2.Environment, site: Site, weights: Weights, shape: Stored) -> PageContext:
    """The PageContext of a build: its templates, what every page shows, and the site (its stored shape)."""
    return PageContext(template_digest(env), value_digest(page_context(site)), key(weights, shape))


def templates_reading_site(
    env: jinja2.Environment, cache: Cache, templates: str, names: Iterable[str]
) -> dict[str, bool]:
    """Whether each template named reads the whole site (see render.reads_whole_site), as the cache index
    remembers it for the templates whose digest is `templates`, else worked out."""
    found: dict[str, bool] = {}
    for name in sorted(names):
        known = cache.index.whole_site.get(f"{templates}:{name}")
        found[name] = reads_whole_site(env, name) if known is None else known
    return found


def reusable_pages(cache: Cache, keys: Mapping[str, str], reusable: Mapping[str, str]) -> dict[str, str]:
    """The pages whose key is the previous build's and whose file there is intact: path -> digest of its bytes."""
    kept: dict[str, str] = {}
    for path, page_key in keys.items():
        old = cache.index.pages.get(path)
        if old is not None and old.key == page_key and reusable.get(path) == old.output:
            kept[path] = old.output
    return kept


def _keys_of(
    known: Mapping[int, Ref],
    weights: Weights,
    context: PageContext,
    reads_site: Mapping[str, bool],
    pages: Sequence[Page],
) -> list[tuple[str, str, bytes, tuple[Ref, ...], str]]:
    """Each page stored, with its key: the templates and what every page shows, the page's template, its value
    and what the value's references stand for, and the whole site for a template that reads it."""
    out = []
    for page in pages:
        value = store(page, known)
        page_key = context.key(weights, page.template, value, reads_site[page.template])
        out.append((page.path.as_posix(), page.template, value.data, value.refs, page_key))
    return out


def _all_keys(keys_of: Callable[[Sequence[Page]], list[T]], plan: Sequence[Page], workers: int) -> Iterator[list[T]]:
    """keys_of(plan), in runs, in order, shared with forked children when the site is large (a run at a time is
    held: the caller keeps what it needs of each)."""
    if len(plan) < PARALLEL_KEYS or workers < 2 or not can_fork():
        for start in range(0, len(plan), KEYS_RUN):
            yield keys_of(plan[start : start + KEYS_RUN])
        return
    mine, *theirs = split(plan, workers)
    with start_chunks(keys_of, theirs) as started:
        yield keys_of(mine)
        yield from started.results()


class PageSink(Protocol):
    """The output being filled (writer.fill.Fill), as PagesToRender.place_in uses it."""

    @property
    def failed(self) -> bool: ...

    def write(self, file: OutputFile) -> None: ...

    def reserve(self, path: PurePosixPath, origin: str) -> str | None: ...

    def place(self, file: OutputFile, target: str) -> Placed | None: ...

    def record(self, placed: Placed) -> None: ...


@dataclass(frozen=True, repr=False)
class PagesToRender(Value):
    """Pages to render: iterated, they are rendered batch by batch (see render_batches); or each process renders
    its pages straight into the output being filled (place_in)."""

    site: Site
    env: jinja2.Environment
    root: Path
    pages: Sequence[Page]
    workers: int

    def __iter__(self) -> Iterator[OutputFile]:
        return render_batches(self.site, self.env, self.root, self.pages, self.workers)

    def place_in(self, sink: PageSink) -> None:
        """Render every page into `sink`. With several workers, this process and forked children each take the
        next run of pages, render it and put each page in its place (checked and made here first): no page travels
        between processes, only what was written where. The runs of each top folder make a lane (see share_runs):
        the system creates the files of one folder one at a time, and two processes creating files in one folder
        mostly wait for each other."""
        if self.workers <= 1 or not can_fork():
            for file in self:
                sink.write(file)
            return
        places = [(page, sink.reserve(page.path, page.template)) for page in self.pages]
        if sink.failed:
            return  # the build fails: render nothing
        compile_templates(self.env)  # once here, not again in every worker
        folders: dict[str, list[tuple[Page, str | None]]] = {}
        for place in places:
            parts = place[0].path.parts
            folders.setdefault(parts[0] if len(parts) > 1 else "", []).append(place)
        lanes = [  # a lane for each top folder, the largest first
            [pages[start : start + RUN_PAGES] for start in range(0, len(pages), RUN_PAGES)]
            for pages in sorted(folders.values(), key=len, reverse=True)
        ]
        gc.freeze()  # what is made before the fork is left to the children as it is: no collection of theirs walks it
        render = partial(_render_placing, self.site, self.env, self.root, sink)
        for placed in share_runs(render, lanes, self.workers):
            for item in placed:
                sink.record(item)


def _render_placing(
    site: Site, env: jinja2.Environment, root: Path, sink: PageSink, run: Sequence[tuple[Page, str | None]]
) -> list[Placed]:
    """Render the pages of `run` and put each in its place (in any process: see PageSink.place)."""
    files = render_pages(site, env, root, [page for page, _ in run])
    out = []
    for file, (_, target) in zip(files, run, strict=True):
        assert target is not None  # (reserved: place_in renders nothing after a bad path)
        placed = sink.place(file, target)
        assert placed is not None  # (no writer thread given)
        out.append(placed)
    return out


def render_batches(
    site: Site, env: jinja2.Environment, root: Path, pages: Sequence[Page], workers: int
) -> Iterator[OutputFile]:
    """Render `pages` a batch at a time, so that only about two batches of rendered pages are held in memory while
    the writer takes them.

    With several workers the batches overlap: forked children (started once) render their share of each batch
    while this process renders a smaller share (MAIN_SHARE) and hands the writer the pages of the batch before,
    which those children have finished by then.
    """
    render = partial(render_pages, site, env, root)
    batches = [pages[start : start + BATCH_PAGES] for start in range(0, len(pages), BATCH_PAGES)]
    if workers <= 1 or not can_fork():
        for batch in batches:
            yield from render(batch)
        return
    compile_templates(env)  # once here, not again in every worker
    shares = [_share(batch, workers) for batch in batches]
    gc.freeze()  # what is made before the fork is left to the children as it is: no collection of theirs walks it
    with start_streams(render, [[share[child] for share in shares] for child in range(1, workers)]) as started:
        for index, share in enumerate(shares):
            files = render(share[0])
            if index > 0:
                yield from _collect(started, workers - 1)
            yield from files
        if shares:
            yield from _collect(started, workers - 1)


def _share(batch: Sequence[Page], workers: int) -> list[Sequence[Page]]:
    """The batch cut into a run for this process (MAIN_SHARE of an even share) and one for each child."""
    runs = split(batch, workers, MAIN_SHARE / workers)
    return runs + [()] * (workers - len(runs))


def _collect(started: Started[tuple[OutputFile, ...]], children: int) -> Iterator[OutputFile]:
    """The next run rendered by each child."""
    for child in range(children):
        yield from started.receive(child)


def page_entries(rendered: RenderedPages, digests: Mapping[str, str]) -> dict[str, PageEntry]:
    """What the next build needs to know of each page: its key and the digest of the bytes written for it."""
    return {rel: PageEntry(key, digests[rel]) for rel, key in rendered.keys.items() if rel in digests}
